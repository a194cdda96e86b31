using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using NetFleet.Actors.Jobs;
using NetFleet.Actors.Scheduling;
using static NetFleet.Actors.Scheduling.ScheduleProtocol;

namespace NetFleet.Actors.Tests.Scheduling;

/// <summary>The schedule keeper on an in-memory journal, with a probe standing in for the job manager: it sees every
/// submission and answers whether a job still runs as each test says.</summary>
public sealed class ScheduleKeeperTests : TestKit, IDisposable
{
    private const string EverySecond = "* * * * * *";
    private static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(5);
    private static readonly ScheduleKeeperTiming Fast = new()
    {
        AskTimeout = TimeSpan.FromSeconds(1), RetryAfter = TimeSpan.FromMilliseconds(200), CheckRunningEvery = TimeSpan.FromMilliseconds(200),
    };

    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-schedules-").FullName;
    private readonly HashSet<string> running = new(StringComparer.Ordinal);

    public ScheduleKeeperTests() : base(JobRunner.SystemConfig.WithFallback(ScheduleJournal.SerializerConfig))
    {
        Directory.CreateDirectory(Path.Combine(folder, "inventory"));
        File.WriteAllText(Path.Combine(folder, "inventory", "hosts.yaml"), "r1:\n  hostname: 127.0.0.1\n  platform: cisco_ios\n");
    }

    private ScheduleJournal.ScheduledJob Job => new("playbooks/facts.yaml", """
        - hosts: all
          tasks:
            - set_fact:
                checked: true
        """, Path.Combine(folder, "inventory"), null, null);

    private IActorRef StartKeeper(TestProbe jobManager) => Sys.ActorOf(ScheduleKeeper.Props(jobManager, null, Serilog.Core.Logger.None, Fast));

    private void AddSchedule(IActorRef keeper, string name, string catchUp = CatchUpOnce, string overlap = OverlapSkip, string cron = EverySecond)
    {
        keeper.Tell(new ScheduleProtocol.AddSchedule(name, "tester", cron, "UTC", Job, catchUp, overlap), TestActor);
        ExpectMsg<ScheduleDone>();
    }

    /// <summary>The next submission the keeper sends, answering status questions (and, when <paramref name="accept"/>, the
    /// submission itself) on the way; the job then runs until the test says otherwise.</summary>
    private JobJournal.JobSubmitted NextSubmission(TestProbe jobManager, bool accept = true, TimeSpan? within = null)
    {
        var deadline = DateTimeOffset.UtcNow + (within ?? SlotWait);
        while (true)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            Assert.True(left > TimeSpan.Zero, "no submission in time");
            switch (jobManager.ReceiveOne(left))
            {
                case JobManagerProtocol.GetJobStatus get:
                    jobManager.Reply(new JobManagerProtocol.JobStatus(get.JobId, running.Contains(get.JobId)));
                    break;
                case JobJournal.JobSubmitted submitted:
                    if (accept)
                    {
                        running.Add(submitted.JobId);
                        jobManager.Reply(new JobManagerProtocol.JobAccepted(submitted.JobId));
                    }

                    return submitted;
                case null:
                    Assert.Fail("no submission in time");
                    break;
            }
        }
    }

    /// <summary>Answers status questions for <paramref name="span"/>; fails on any submission.</summary>
    private void NoSubmission(TestProbe jobManager, TimeSpan span)
    {
        var deadline = DateTimeOffset.UtcNow + span;
        while (deadline - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero)
        {
            switch (jobManager.ReceiveOne(left))
            {
                case JobManagerProtocol.GetJobStatus get:
                    jobManager.Reply(new JobManagerProtocol.JobStatus(get.JobId, running.Contains(get.JobId)));
                    break;
                case JobJournal.JobSubmitted submitted:
                    Assert.Fail($"unexpected submission of {submitted.JobId}");
                    break;
            }
        }
    }

    private ScheduleView View(IActorRef keeper, string name, bool removed = false)
    {
        keeper.Tell(new ListSchedules(removed), TestActor);
        return ExpectMsg<ScheduleList>().Schedules.Single(s => s.Name == name);
    }

    private static DateTimeOffset SlotOf(string jobId) =>
        DateTimeOffset.ParseExact(jobId[(jobId.LastIndexOf('-') + 1)..], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);

    [Fact]
    public void Each_slot_fires_once_as_a_job_named_after_the_slot_with_the_schedules_playbook_and_user()
    {
        var jobManager = CreateTestProbe();
        var keeper = StartKeeper(jobManager);
        AddSchedule(keeper, "tick");

        var first = NextSubmission(jobManager);
        running.Remove(first.JobId);
        var second = NextSubmission(jobManager);

        Assert.Matches("^s-tick-\\d{8}T\\d{6}Z$", first.JobId);
        Assert.Equal(TimeSpan.FromSeconds(1), SlotOf(second.JobId) - SlotOf(first.JobId));
        Assert.Equal("tester", first.User);
        Assert.Equal("playbooks/facts.yaml", first.PlaybookPath);
        Assert.Contains("set_fact", first.PlaybookText, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(folder, "inventory"), first.InventoryPath);
        var view = View(keeper, "tick");
        Assert.Equal("active", view.State);
        Assert.Contains(view.Recent, s => s.JobId == first.JobId && s.State == "submitted");
    }

    [Fact]
    public void A_paused_schedule_fires_nothing_and_once_resumed_fires_from_then_on()
    {
        var jobManager = CreateTestProbe();
        var keeper = StartKeeper(jobManager);
        AddSchedule(keeper, "paused");
        running.Remove(NextSubmission(jobManager).JobId);

        keeper.Tell(new PauseSchedule("paused", "tester"), TestActor);
        ExpectMsg<ScheduleDone>();
        // A slot may have fired between the last submission and the pause.
        NoSubmissionAfterPossiblyOne(jobManager);
        Assert.Equal("paused", View(keeper, "paused").State);
        Assert.Null(View(keeper, "paused").NextSlot);

        var resumedAt = DateTimeOffset.UtcNow;
        keeper.Tell(new ResumeSchedule("paused", "tester"), TestActor);
        ExpectMsg<ScheduleDone>();
        Assert.True(SlotOf(NextSubmission(jobManager).JobId) > resumedAt.AddSeconds(-1), "a slot of the pause fired after the resume");
    }

    private void NoSubmissionAfterPossiblyOne(TestProbe jobManager)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300);
        while (deadline - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero)
        {
            if (jobManager.ReceiveOne(left) is JobJournal.JobSubmitted submitted) jobManager.Reply(new JobManagerProtocol.JobAccepted(submitted.JobId));
        }

        NoSubmission(jobManager, TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public void A_removed_schedule_fires_nothing_and_is_listed_only_when_removed_ones_are_asked_for()
    {
        var jobManager = CreateTestProbe();
        var keeper = StartKeeper(jobManager);
        AddSchedule(keeper, "gone");
        running.Remove(NextSubmission(jobManager).JobId);

        keeper.Tell(new RemoveSchedule("gone", "tester"), TestActor);
        ExpectMsg<ScheduleDone>();
        NoSubmissionAfterPossiblyOne(jobManager);

        keeper.Tell(new ListSchedules(false), TestActor);
        Assert.DoesNotContain(ExpectMsg<ScheduleList>().Schedules, s => s.Name == "gone");
        Assert.Equal("removed", View(keeper, "gone", removed: true).State);
        keeper.Tell(new PauseSchedule("gone", "tester"), TestActor);
        Assert.True(ExpectMsg<ScheduleRefused>().Unknown);
    }

    [Fact]
    public void A_bad_schedule_is_refused_with_the_reason()
    {
        var keeper = StartKeeper(CreateTestProbe());
        keeper.Tell(new ScheduleProtocol.AddSchedule("bad", "tester", "* * *", "UTC", Job, CatchUpOnce, OverlapSkip), TestActor);
        Assert.Contains("expected 5", ExpectMsg<ScheduleRefused>().Reason);
        keeper.Tell(new ScheduleProtocol.AddSchedule("bad name", "tester", EverySecond, "UTC", Job, CatchUpOnce, OverlapSkip), TestActor);
        Assert.Contains("schedule name 'bad name'", ExpectMsg<ScheduleRefused>().Reason);
        AddSchedule(keeper, "twice", cron: "0 0 1 1 *");
        keeper.Tell(new ScheduleProtocol.AddSchedule("twice", "tester", EverySecond, "UTC", Job, CatchUpOnce, OverlapSkip), TestActor);
        Assert.Contains("exists already", ExpectMsg<ScheduleRefused>().Reason);
    }

    [Fact]
    public void With_overlap_skip_slots_that_meet_the_previous_job_running_are_skipped_and_the_next_free_slot_fires()
    {
        var jobManager = CreateTestProbe();
        var keeper = StartKeeper(jobManager);
        AddSchedule(keeper, "long", overlap: OverlapSkip);
        var first = NextSubmission(jobManager);

        NoSubmission(jobManager, TimeSpan.FromSeconds(2.5));
        var skipped = View(keeper, "long").Recent.Where(s => s.State == "skipped").ToList();
        Assert.True(skipped.Count >= 2, $"{skipped.Count} slots skipped");
        Assert.All(skipped, s => Assert.Contains($"job {first.JobId} of the previous slot still runs", s.Detail));
        Assert.Equal(first.JobId, View(keeper, "long").RunningJobId);

        var endedAt = DateTimeOffset.UtcNow;
        running.Remove(first.JobId);
        Assert.True(SlotOf(NextSubmission(jobManager).JobId) >= endedAt.AddSeconds(-1), "a skipped slot fired");
    }

    [Fact]
    public void With_overlap_queue_one_slot_waits_for_the_previous_job_and_fires_when_it_ends()
    {
        var jobManager = CreateTestProbe();
        var keeper = StartKeeper(jobManager);
        AddSchedule(keeper, "queued", overlap: OverlapQueue);
        var first = NextSubmission(jobManager);

        NoSubmission(jobManager, TimeSpan.FromSeconds(2.5));
        var view = View(keeper, "queued");
        Assert.NotNull(view.QueuedSlot);
        Assert.Contains(view.Recent, s => s.State == "skipped" && s.Detail!.Contains("already queued", StringComparison.Ordinal));

        running.Remove(first.JobId);
        var queued = NextSubmission(jobManager);
        Assert.Equal(CronSchedule.JobId("queued", view.QueuedSlot!.Value), queued.JobId);
        Assert.Equal(SlotOf(first.JobId).AddSeconds(1), view.QueuedSlot);
    }

    [Fact]
    public void A_fired_slot_without_an_answer_is_submitted_again_with_the_same_job_id_after_a_restart()
    {
        var silent = CreateTestProbe();
        var keeper = StartKeeper(silent);
        AddSchedule(keeper, "again", catchUp: CatchUpSkip);
        var unanswered = NextSubmission(silent, accept: false);
        Watch(keeper);
        Sys.Stop(keeper);
        ExpectTerminated(keeper);

        var jobManager = CreateTestProbe();
        StartKeeper(jobManager);
        var resubmitted = NextSubmission(jobManager);

        Assert.Equal(unanswered.JobId, resubmitted.JobId);
    }

    /// <summary>Stops the keeper once its journal holds the job manager's answer for <paramref name="jobId"/> (else the restarted
    /// keeper rightly submits that job again first).</summary>
    private void StopOnceRecorded(IActorRef keeper, string jobId)
    {
        AwaitAssert(() => Assert.Contains(View(keeper, jobId[2..jobId.LastIndexOf('-')]).Recent, s => s.JobId == jobId && s.State == "submitted"), SlotWait);
        Watch(keeper);
        Sys.Stop(keeper);
        ExpectTerminated(keeper);
    }

    [Fact]
    public void After_an_outage_catch_up_once_fires_only_the_latest_missed_slot()
    {
        var (lastSlot, restartedAt, jobManager) = Outage("catch", CatchUpOnce);
        var caughtUp = SlotOf(NextSubmission(jobManager).JobId);
        running.Clear();
        var next = SlotOf(NextSubmission(jobManager).JobId);

        Assert.InRange(caughtUp, restartedAt.AddSeconds(-1.5), restartedAt.AddSeconds(1));
        Assert.True(caughtUp - lastSlot >= TimeSpan.FromSeconds(2), "an older missed slot fired");
        Assert.True(next > caughtUp, "slots go on after the catch-up");
    }

    [Fact]
    public void After_an_outage_catch_up_skip_fires_no_missed_slot()
    {
        var (_, restartedAt, jobManager) = Outage("skipper", CatchUpSkip);

        Assert.True(SlotOf(NextSubmission(jobManager).JobId) > restartedAt.AddSeconds(-1), "a missed slot fired");
    }

    /// <summary>A keeper that submitted one slot of a new schedule, then was stopped for 3 s (slots missed); a new keeper
    /// on the same journal submits to the returned probe.</summary>
    private (DateTimeOffset LastSlot, DateTimeOffset RestartedAt, TestProbe JobManager) Outage(string name, string catchUp)
    {
        var before = CreateTestProbe();
        var keeper = StartKeeper(before);
        AddSchedule(keeper, name, catchUp: catchUp);
        var last = NextSubmission(before);
        running.Remove(last.JobId);
        StopOnceRecorded(keeper, last.JobId);
        Thread.Sleep(TimeSpan.FromSeconds(3));

        var restartedAt = DateTimeOffset.UtcNow;
        var jobManager = CreateTestProbe();
        StartKeeper(jobManager);
        return (SlotOf(last.JobId), restartedAt, jobManager);
    }

    [Fact]
    public void A_slot_the_job_manager_refuses_is_listed_with_the_reason_and_the_next_slot_still_fires()
    {
        var jobManager = CreateTestProbe();
        var keeper = StartKeeper(jobManager);
        AddSchedule(keeper, "refused");
        var refused = NextSubmission(jobManager, accept: false);
        jobManager.Reply(new JobManagerProtocol.JobRejected(refused.JobId, "inventory moved"));

        var next = NextSubmission(jobManager);
        Assert.NotEqual(refused.JobId, next.JobId);
        Assert.Contains(View(keeper, "refused").Recent, s => s.JobId == refused.JobId && s.State == "refused" && s.Detail == "inventory moved");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}

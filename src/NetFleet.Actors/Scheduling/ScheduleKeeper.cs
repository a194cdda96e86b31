using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence;
using NetFleet.Actors.Jobs;
using static NetFleet.Actors.Scheduling.ScheduleJournal;
using static NetFleet.Actors.Scheduling.ScheduleProtocol;

namespace NetFleet.Actors.Scheduling;

/// <summary>How long the keeper waits for the job manager, and how often it looks after running jobs (tests shorten them).</summary>
public sealed record ScheduleKeeperTiming
{
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the job manager is asked whether a schedule's job still runs, in case its end was not heard on the
    /// events topic (pub-sub delivers at most once).</summary>
    public TimeSpan CheckRunningEvery { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The cluster singleton (on <c>orchestrator</c> nodes, beside the <see cref="JobManager"/>) that runs schedules: it
/// journals each slot as <see cref="SlotFired"/> under a job id made from the slot (<see cref="CronSchedule.JobId"/>)
/// BEFORE submitting the job, and the job manager runs a job id at most once. So after a failover the new keeper
/// submits a fired but unanswered slot again under the same id, and a slot that passed unfired is fired once
/// (<c>catch_up: once</c>, the latest missed slot only) or not at all (<c>skip</c>). Timers never block; a slot far ahead
/// is waited for in chunks of at most <see cref="MaxWait"/>.
/// </summary>
public sealed partial class ScheduleKeeper : ReceivePersistentActor, IWithTimers
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);
    private const string TickTimer = "tick";

    private readonly Dictionary<string, ScheduleState> schedules = new(StringComparer.Ordinal);
    private readonly IActorRef jobManager;
    private readonly Serilog.ILogger log;
    private readonly ScheduleKeeperTiming timing;

    /// <summary>False until the job manager has said which jobs of the schedules still run after recovery: slots wait for it.</summary>
    private bool ready;

    /// <param name="jobManager">Where jobs are submitted: the job manager singleton's proxy.</param>
    /// <param name="mediator">Distributed pub-sub, to hear jobs end on <see cref="JobManagerProtocol.EventsTopic"/>; null to rely on
    /// asking the job manager alone.</param>
    public ScheduleKeeper(IActorRef jobManager, IActorRef? mediator, Serilog.ILogger log, ScheduleKeeperTiming timing)
    {
        this.jobManager = jobManager;
        this.log = log;
        this.timing = timing;
        mediator?.Tell(new Subscribe(JobManagerProtocol.EventsTopic, Self));

        Recover<ScheduleAdded>(added => schedules[added.Name] = new ScheduleState(added, CronSchedule.Parse(added.Cron, added.TimeZone).Schedule!));
        Recover<IEvent>(e =>
        {
            if (schedules.TryGetValue(e.Name, out var schedule)) schedule.Apply(e);
        });
        Recover<RecoveryCompleted>(_ => CheckRunningAfterRecovery());

        Command<RecoveryChecked>(OnRecoveryChecked);
        Command<RecoveryRetry>(_ => CheckRunningAfterRecovery());
        Command<AddSchedule>(Add);
        Command<PauseSchedule>(pause => Change(pause.Name, pause.User, s => s.Paused ? null : new SchedulePaused(s.Name, DateTimeOffset.UtcNow, pause.User)));
        Command<ResumeSchedule>(resume => Change(resume.Name, resume.User,
            s => s.Paused ? new ScheduleResumed(s.Name, DateTimeOffset.UtcNow, resume.User) : null));
        Command<RemoveSchedule>(remove => Change(remove.Name, remove.User, s => new ScheduleRemoved(s.Name, DateTimeOffset.UtcNow, remove.User)));
        Command<ListSchedules>(list =>
        {
            var now = DateTimeOffset.UtcNow;
            Sender.Tell(new ScheduleList(schedules.Values.Where(s => list.IncludeRemoved || !s.Removed).OrderBy(s => s.Name, StringComparer.Ordinal)
                .Select(s => s.View(now)).ToList()));
        });
        Command<Tick>(_ => Evaluate());
        Command<Prepared>(OnPrepared);
        Command<Answered>(OnAnswered);
        Command<Resend>(resend => Send(resend.Name, resend.Slot, resend.Submission));
        Command<Core.Results.JobFinished>(finished => Ended(finished.JobId));
        Command<JobManagerProtocol.JobStatus>(status =>
        {
            if (!status.Running) Ended(status.JobId);
        });
        Command<CheckRunning>(_ =>
        {
            foreach (var schedule in schedules.Values.Where(s => s.Running is not null)) jobManager.Tell(new JobManagerProtocol.GetJobStatus(schedule.Running!));
        });
        Command<SubscribeAck>(_ => { });
        Command<Core.Results.JobEvent>(_ => { });
    }

    public override string PersistenceId => ScheduleJournal.PersistenceId;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef jobManager, IActorRef? mediator, Serilog.ILogger log, ScheduleKeeperTiming? timing = null) =>
        Akka.Actor.Props.Create(() => new ScheduleKeeper(jobManager, mediator, log, timing ?? new ScheduleKeeperTiming()));

    /// <summary>A schedule's name: it goes into job ids, actor names and URLs.</summary>
    public static string? NameProblem(string name) => NamePattern().IsMatch(name) ? null
        : $"schedule name '{name}': expected 1 to 40 letters, digits, '-' or '_', starting with a letter or digit";

    private void Add(AddSchedule add)
    {
        var (cron, error) = CronSchedule.Parse(add.Cron, add.TimeZone);
        error ??= NameProblem(add.Name)
            ?? (add.CatchUp is not (CatchUpOnce or CatchUpSkip) ? $"catch_up '{add.CatchUp}': expected once or skip" : null)
            ?? (add.Overlap is not (OverlapSkip or OverlapQueue) ? $"overlap '{add.Overlap}': expected skip or queue" : null)
            ?? (schedules.TryGetValue(add.Name, out var existing) && !existing.Removed ? $"schedule {add.Name} exists already; remove it first (schedule rm {add.Name})" : null);
        if (error is not null)
        {
            Sender.Tell(new ScheduleRefused(add.Name, error));
            return;
        }

        var sender = Sender;
        Persist(new ScheduleAdded(add.Name, DateTimeOffset.UtcNow, add.User, cron!.Text, cron.ZoneId, add.Job, add.CatchUp, add.Overlap), added =>
        {
            schedules[added.Name] = new ScheduleState(added, cron);
            log.Information("Schedule {Name} added by {User}: {Cron} ({Zone})", added.Name, added.User, added.Cron, added.TimeZone);
            sender.Tell(new ScheduleDone(added.Name));
            Arm();
        });
    }

    /// <summary>Pause, resume or remove: the event to record, or null when the schedule is in that state already.</summary>
    private void Change(string name, string user, Func<ScheduleState, IEvent?> change)
    {
        if (!schedules.TryGetValue(name, out var schedule) || schedule.Removed)
        {
            Sender.Tell(new ScheduleRefused(name, $"no schedule {name} (schedule list shows them)") { Unknown = true });
            return;
        }

        if (change(schedule) is not { } e)
        {
            Sender.Tell(new ScheduleDone(name));
            return;
        }

        var sender = Sender;
        Persist(e, recorded =>
        {
            schedule.Apply(recorded);
            log.Information("Schedule {Name}: {Event} by {User}", name, recorded.GetType().Name, user);
            sender.Tell(new ScheduleDone(name));
            Arm();
        });
    }

    /// <summary>After recovery: which of the schedules' jobs still run, before any slot is decided.</summary>
    private void CheckRunningAfterRecovery()
    {
        var running = schedules.Values.Where(s => s.Running is not null).Select(s => s.Running!).ToList();
        var asks = running.Select(id => jobManager.Ask<JobManagerProtocol.JobStatus>(new JobManagerProtocol.GetJobStatus(id), timing.AskTimeout));
        Task.WhenAll(asks).PipeTo(Self, success: statuses => new RecoveryChecked(statuses), failure: _ => new RecoveryChecked(null));
    }

    private void OnRecoveryChecked(RecoveryChecked checkedJobs)
    {
        if (ready) return;
        if (checkedJobs.Statuses is not { } statuses)
        {
            log.Warning("Schedules: the job manager did not say which scheduled jobs run; asking again");
            Timers.StartSingleTimer("recovery-check", new RecoveryRetry(), timing.RetryAfter);
            return;
        }

        foreach (var status in statuses.Where(s => !s.Running))
        {
            foreach (var schedule in schedules.Values.Where(s => s.Running == status.JobId)) schedule.Running = null;
        }

        ready = true;
        Timers.StartPeriodicTimer("check-running", new CheckRunning(), timing.CheckRunningEvery);
        var now = DateTimeOffset.UtcNow;
        foreach (var schedule in schedules.Values.Where(s => !s.Removed))
        {
            if (schedule.Pending is { } pending)
            {
                log.Information("Schedule {Name}: submitting slot {Slot} again as job {JobId}", schedule.Name, pending.Slot, pending.JobId);
                Submit(schedule, pending);
            }

            if (!schedule.Active || schedule.Cron.Latest(schedule.Cursor, now) is not { } missed) continue;
            if (schedule.Added.CatchUp == CatchUpOnce)
            {
                log.Information("Schedule {Name}: catching up on missed slot {Slot}", schedule.Name, missed);
                Fire(schedule, missed);
            }
            else
            {
                log.Information("Schedule {Name}: missed slots up to {Slot} are skipped (catch_up: skip)", schedule.Name, missed);
                schedule.Cursor = now;
            }
        }

        Arm();
    }

    /// <summary>A timer went off: every active schedule whose slot has come fires its latest one.</summary>
    private void Evaluate()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var schedule in schedules.Values.Where(s => s.Active))
        {
            if (schedule.Cron.Latest(schedule.Cursor, now) is { } slot) Fire(schedule, slot);
        }

        Arm();
    }

    /// <summary>The slot fires, unless the schedule's previous job is still being submitted or runs: then it is skipped or
    /// queued as the schedule says.</summary>
    private void Fire(ScheduleState schedule, DateTimeOffset slot)
    {
        var now = DateTimeOffset.UtcNow;
        if (schedule.Busy)
        {
            var previous = schedule.Pending?.JobId ?? schedule.Running;
            IEvent e = schedule.Added.Overlap == OverlapQueue && schedule.Queued is null
                ? new SlotQueued(schedule.Name, now, slot)
                : new SlotSkipped(schedule.Name, now, slot, schedule.Added.Overlap == OverlapQueue
                    ? $"job {previous} still runs and slot {schedule.Queued:u} is already queued"
                    : $"job {previous} of the previous slot still runs (overlap: skip)");
            // Set now, not in the handler: the same evaluation must not decide this slot twice.
            schedule.Cursor = slot > schedule.Cursor ? slot : schedule.Cursor;
            Persist(e, schedule.Apply);
            return;
        }

        schedule.Cursor = slot > schedule.Cursor ? slot : schedule.Cursor;
        Persist(new SlotFired(schedule.Name, now, slot, CronSchedule.JobId(schedule.Name, slot)), fired =>
        {
            schedule.Apply(fired);
            log.Information("Schedule {Name}: slot {Slot} fired as job {JobId}", fired.Name, fired.Slot, fired.JobId);
            Submit(schedule, fired);
        });
    }

    /// <summary>Builds the slot's job from the schedule's playbook text and inventory (off the actor's thread) and hands it to
    /// the job manager.</summary>
    private void Submit(ScheduleState schedule, SlotFired fired)
    {
        var job = schedule.Added.Job;
        var options = new JobOptions(schedule.Added.User)
        {
            JobId = fired.JobId, InventoryPath = job.InventoryPath, Limit = job.Limit, KnownHostsPath = job.KnownHostsPath,
        };
        JobLauncher.PrepareAsync(new JobRequest(job.PlaybookPath, options) { PlaybookText = job.PlaybookText }, CancellationToken.None)
            .PipeTo(Self,
                success: prepared => new Prepared(fired, prepared.Job?.Submission, prepared.Job is null ? prepared.Check.Report : null),
                failure: e => new Prepared(fired, null, e.Message));
    }

    private void OnPrepared(Prepared prepared)
    {
        if (prepared.Submission is { } submission)
        {
            Send(prepared.Fired.Name, prepared.Fired.Slot, submission);
            return;
        }

        Refused(prepared.Fired.Name, prepared.Fired.Slot, prepared.Fired.JobId, prepared.Error ?? "the job could not be prepared");
    }

    private void Send(string name, DateTimeOffset slot, JobJournal.JobSubmitted submission) =>
        jobManager.Ask<object>(submission, timing.AskTimeout).PipeTo(Self,
            success: answer => new Answered(name, slot, submission, answer),
            failure: _ => new Answered(name, slot, submission, null));

    private void OnAnswered(Answered answered)
    {
        var jobId = answered.Submission.JobId;
        switch (answered.Answer)
        {
            case JobManagerProtocol.JobAccepted:
                Persist(new SlotSubmitted(answered.Name, DateTimeOffset.UtcNow, answered.Slot, jobId, null), submitted =>
                {
                    if (schedules.TryGetValue(submitted.Name, out var schedule)) schedule.Apply(submitted);
                });
                break;
            case JobManagerProtocol.JobRejected rejected:
                Refused(answered.Name, answered.Slot, jobId, rejected.Reason);
                break;
            default:
                // No answer in time (the job manager moving after a failover): the same job id again, which it runs at most once.
                log.Warning("Schedule {Name}: the job manager did not answer for job {JobId}; trying again", answered.Name, jobId);
                Timers.StartSingleTimer("resend-" + jobId, new Resend(answered.Name, answered.Slot, answered.Submission), timing.RetryAfter);
                break;
        }
    }

    private void Refused(string name, DateTimeOffset slot, string jobId, string reason)
    {
        log.Error("Schedule {Name}: job {JobId} of slot {Slot} was refused: {Reason}", name, jobId, slot, reason);
        Persist(new SlotSubmitted(name, DateTimeOffset.UtcNow, slot, jobId, reason), submitted =>
        {
            if (schedules.TryGetValue(submitted.Name, out var schedule)) schedule.Apply(submitted);
            ReleaseQueued(submitted.Name);
        });
    }

    /// <summary>A job ended: its schedule is free, and a queued slot fires now.</summary>
    private void Ended(string jobId)
    {
        foreach (var schedule in schedules.Values.Where(s => s.Running == jobId))
        {
            schedule.Running = null;
            ReleaseQueued(schedule.Name);
        }
    }

    private void ReleaseQueued(string name)
    {
        if (schedules.TryGetValue(name, out var schedule) && schedule.Active && !schedule.Busy && schedule.Queued is { } queued) Fire(schedule, queued);
    }

    /// <summary>Sets the one timer for the earliest next slot of every schedule (chunked to <see cref="MaxWait"/>).</summary>
    private void Arm()
    {
        if (!ready) return;
        var now = DateTimeOffset.UtcNow;
        var next = schedules.Values.Select(s => s.Next(now)).Where(n => n is not null).Min();
        if (next is not { } slot)
        {
            Timers.Cancel(TickTimer);
            return;
        }

        var wait = slot - now;
        Timers.StartSingleTimer(TickTimer, new Tick(), wait > MaxWait ? MaxWait : wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]
    private static partial Regex NamePattern();

    private sealed record Tick;

    private sealed record CheckRunning;

    private sealed record RecoveryRetry;

    private sealed record RecoveryChecked(JobManagerProtocol.JobStatus[]? Statuses);

    private sealed record Prepared(SlotFired Fired, JobJournal.JobSubmitted? Submission, string? Error);

    private sealed record Answered(string Name, DateTimeOffset Slot, JobJournal.JobSubmitted Submission, object? Answer);

    private sealed record Resend(string Name, DateTimeOffset Slot, JobJournal.JobSubmitted Submission);
}

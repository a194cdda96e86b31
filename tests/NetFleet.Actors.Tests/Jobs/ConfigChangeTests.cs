using NetFleet.Actors.Jobs;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using NetFleet.Core.Templating;
using NetFleet.Devices;
using Xunit;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Tests.Jobs;

/// <summary>The per-host change state machine on its own: device replies in, requests and journal events out. No actor
/// system, no device: each test plays the device's part.</summary>
public sealed class ConfigChangeTests
{
    private const string Before = "hostname r1\nntp server 198.18.0.1";
    private const string After = "hostname r1\nntp server 198.18.0.1\nntp server 198.18.0.2";
    private static readonly IReadOnlyList<string> Lines = ["ntp server 198.18.0.2"];
    private static readonly JobJournal.StepKey Key = new("r1", 0, 0, 0);

    private bool stopping;
    private readonly ManualClock clock = new();

    private ConfigChange Change(IReadOnlyList<PostCheck>? checks = null, string? strategy = null) => new(
        new ConfigChange.Setup("job1", Key, "ntp", "cisco_ios", new ApplyConfig(Lines, false), 5, checks ?? [], strategy,
            VariableScope.Empty, ConfigText.IndentedPending, () => stopping) { Clock = clock },
        Serilog.Core.Logger.None);

    /// <summary>Time that moves only when a test says so.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;

        public override long GetTimestamp() => ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    private static DeviceRequestCompleted Done(string? output, bool changed = false, string? strategy = null) =>
        new("r1", 1, output, changed, null, TimeSpan.Zero, TimeSpan.Zero) { Strategy = strategy };

    private static DeviceRequestFailed Failure(FailureKind kind, string message = "connection lost") =>
        new("r1", 1, kind, message, TimeSpan.Zero, 1);

    private static T Single<T>(IReadOnlyList<ConfigChange.Effect> effects) where T : ConfigChange.Effect => Assert.Single(effects.OfType<T>());

    private static DeviceRequest Sent(IReadOnlyList<ConfigChange.Effect> effects) => Single<ConfigChange.Send>(effects).Request;

    private static PostCheck CommandCheck(string that) => new("ntp peers", new CommandArgs(Text("show ntp associations"), null, null),
        [TemplateExpression.Parse(that, out _)!], null, null, null, null, new SourceLocation("play.yaml", 1, 1));

    private static PostCheck WaitForCheck(string that, TimeSpan timeout, TimeSpan interval) => CommandCheck(that) with
    {
        Name = "peer up", WaitFor = new WaitPolicy(timeout, interval, new SourceLocation("play.yaml", 3, 7)),
    };

    private static TemplateText Text(string source) => TemplateText.Parse(source, out _);

    [Fact]
    public void A_confirmed_change_reads_the_backup_applies_confirms_and_reads_back_in_that_order()
    {
        var change = Change();
        Assert.IsType<ReadConfig>(Sent(change.Start()));

        var applying = change.Completed(Done(Before));
        Assert.IsType<JobJournal.ConfigRead>(Assert.IsType<ConfigChange.Record>(applying[0]).Event);
        var apply = Assert.IsType<ApplyConfig>(Sent(applying));
        Assert.Equal(Before, apply.Backup);
        Assert.Equal(5, apply.ConfirmMinutes);
        Assert.NotNull(apply.Transaction);

        var confirming = change.Completed(Done("flash:archive-1", changed: true, strategy: "replace"));
        var applied = Assert.IsType<JobJournal.ChangeApplied>(Assert.IsType<ConfigChange.Record>(confirming[0]).Event);
        Assert.Equal(("replace", "flash:archive-1", Before), (applied.Strategy, applied.RestorePoint, applied.Before));
        Assert.Equal("+ ntp server 198.18.0.2", applied.Diff);
        Assert.Equal("replace", Assert.IsType<ConfirmConfig>(Sent(confirming)).Strategy);

        var reading = change.Completed(Done(null, changed: true, strategy: "replace"));
        Assert.IsType<JobJournal.DeviceConfirmed>(Assert.IsType<ConfigChange.Record>(reading[0]).Event);
        Assert.IsType<ReadConfig>(Sent(reading));

        var finished = change.Completed(Done(After));
        var audit = Assert.IsType<ConfigChange.Record>(finished[0]);
        Assert.False(audit.Wait);
        Assert.Equal(After, Assert.IsType<JobJournal.DeviceChanged>(audit.Event).After);
        var finish = Single<ConfigChange.Finish>(finished);
        Assert.Equal(TaskOutcome.Changed, finish.Outcome);
        Assert.Equal("replace", finish.Result.Data["transaction"]);
    }

    [Fact]
    public void A_change_cut_short_by_a_drop_is_restored_verified_and_tried_again_once()
    {
        var change = Change();
        change.Start();
        change.Completed(Done(Before));

        Assert.IsType<RestoreConfig>(Sent(change.Failed(Failure(FailureKind.Dropped))));
        var restored = change.Completed(Done(Before));
        Assert.True(Assert.IsType<JobJournal.DeviceRolledBack>(Assert.IsType<ConfigChange.Record>(restored[0]).Event).Verified);
        Assert.Equal(ConfigChange.RetryBackoff, Single<ConfigChange.RetryAfter>(restored).Delay);

        Assert.IsType<ApplyConfig>(Sent(change.Retry()));
        Assert.IsType<RestoreConfig>(Sent(change.Failed(Failure(FailureKind.TimedOut))));
        var final = change.Completed(Done(Before));
        Assert.Empty(final.OfType<ConfigChange.RetryAfter>());
        var finish = Single<ConfigChange.Finish>(final);
        Assert.Equal(TaskOutcome.Failed, finish.Outcome);
        Assert.Contains("rolled back to the backup (verified", finish.Result.Message);
        Assert.Equal(true, finish.Result.Data["rollback_verified"]);
    }

    [Fact]
    public void A_halting_job_does_not_try_a_dropped_change_again()
    {
        var change = Change();
        change.Start();
        change.Completed(Done(Before));
        change.Failed(Failure(FailureKind.Dropped));
        stopping = true;

        var restored = change.Completed(Done(Before));
        Assert.Empty(restored.OfType<ConfigChange.RetryAfter>());
        Assert.Equal(TaskOutcome.Failed, Single<ConfigChange.Finish>(restored).Outcome);
    }

    [Fact]
    public void A_failing_post_check_rolls_back_and_says_which_condition_was_false()
    {
        var change = Change([CommandCheck("output | string.contains '198.18.0.2'")]);
        change.Start();
        change.Completed(Done(Before));

        var checking = change.Completed(Done(null, changed: true, strategy: "merge"));
        Assert.Equal("show ntp associations", Assert.IsType<SendCommand>(Sent(checking)).Command);

        var restoring = change.Completed(Done("no peers"));
        Assert.Equal(Before, Assert.IsType<RestoreConfig>(Sent(restoring)).Backup);
        var finish = Single<ConfigChange.Finish>(change.Completed(Done(Before)));
        Assert.Contains("post-check 'ntp peers' failed: output | string.contains '198.18.0.2' is false", finish.Result.Message);
        Assert.Contains("transaction 'merge'", finish.Result.Message);
    }

    [Fact]
    public void A_passing_post_check_leads_to_the_confirmation()
    {
        var change = Change([CommandCheck("output | string.contains '198.18.0.2'")]);
        change.Start();
        change.Completed(Done(Before));
        change.Completed(Done(null, changed: true, strategy: "replace"));

        Assert.IsType<ConfirmConfig>(Sent(change.Completed(Done("198.18.0.2 synced"))));
    }

    [Fact]
    public void Under_transaction_none_a_failing_check_restores_nothing()
    {
        var change = Change([CommandCheck("false")], strategy: "none");
        change.Start();
        change.Completed(Done(Before));
        change.Completed(Done(null, changed: true, strategy: "none"));

        var failed = change.Completed(Done("anything"));
        Assert.Empty(failed.OfType<ConfigChange.Send>());
        var finish = Single<ConfigChange.Finish>(failed);
        Assert.Equal(false, finish.Result.Data["rolled_back"]);
        Assert.Contains("not rolled back", finish.Result.Message);
    }

    [Fact]
    public void A_merged_change_that_cannot_be_restored_names_the_rollback_command_after_three_attempts()
    {
        var change = Change([CommandCheck("false")]);
        change.Start();
        change.Completed(Done(Before));
        change.Completed(Done(null, changed: true, strategy: "merge"));
        change.Completed(Done("x"));

        for (var attempt = 1; attempt < ConfigChange.MaxRestoreAttempts; attempt++)
        {
            Assert.Single(change.Failed(Failure(FailureKind.Unreachable)).OfType<ConfigChange.RetryAfter>());
            Assert.IsType<RestoreConfig>(Sent(change.Retry()));
        }

        var gaveUp = change.Failed(Failure(FailureKind.Unreachable));
        var rolledBack = Assert.IsType<JobJournal.DeviceRolledBack>(Assert.IsType<ConfigChange.Record>(gaveUp[0]).Event);
        Assert.False(rolledBack.Verified);
        Assert.Contains("netfleet rollback job1", Single<ConfigChange.Finish>(gaveUp).Result.Message);
    }

    [Fact]
    public void A_change_already_on_the_device_finishes_ok_without_a_confirmation()
    {
        var change = Change();
        change.Start();
        change.Completed(Done(After));

        var finish = Single<ConfigChange.Finish>(change.Completed(Done(null, changed: false)));
        Assert.Equal(TaskOutcome.Ok, finish.Outcome);
        Assert.StartsWith("already configured", finish.Result.Message);
    }

    [Fact]
    public void Resumed_with_the_unconfirmed_change_on_the_device_it_goes_straight_to_the_confirmation()
    {
        var change = Change();
        var recorded = new JobJournal.ChangeApplied("job1", DateTimeOffset.UtcNow, "r1", 0, 0, 0, "nf-job1", "+ ntp server 198.18.0.2", "flash:a",
            5, Before) { Strategy = "replace" };
        Assert.IsType<ReadConfig>(Sent(change.Resume(Before, confirmed: false, recorded)));

        var confirm = Assert.IsType<ConfirmConfig>(Sent(change.Completed(Done(After))));
        Assert.Equal(("nf-job1", "replace"), (confirm.Transaction, confirm.Strategy));
    }

    [Fact]
    public void Resumed_after_the_confirmation_it_reports_the_change_as_reconciled()
    {
        var change = Change();
        change.Resume(Before, confirmed: true, recorded: null);

        var finish = Single<ConfigChange.Finish>(change.Completed(Done(After)));
        Assert.True(finish.Reconciled);
        Assert.Equal(TaskOutcome.Changed, finish.Outcome);
    }

    [Fact]
    public void Resumed_with_the_change_half_there_it_restores_the_backup_before_applying_again()
    {
        var change = Change();
        change.Resume(Before, confirmed: false, recorded: null);

        Assert.IsType<RestoreConfig>(Sent(change.Completed(Done(Before + "\nntp source Loopback0"))));
    }

    [Fact]
    public void A_reply_nobody_waits_for_changes_nothing()
    {
        var change = Change();
        Assert.Empty(change.Completed(Done(Before)));
        Assert.Empty(change.Retry());
        Assert.Empty(change.CheckDone(0, null));
    }

    [Fact]
    public void A_wait_for_check_repeats_its_command_until_the_condition_holds_and_reports_the_attempts()
    {
        var change = Change([WaitForCheck("output | string.contains 'Established'", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2))]);
        change.Start();
        change.Completed(Done(Before));
        Assert.IsType<SendCommand>(Sent(change.Completed(Done(null, changed: true, strategy: "replace"))));

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            clock.Advance(TimeSpan.FromSeconds(0.5));
            var waiting = change.Completed(Done("198.18.0.2 Active"));
            Assert.Empty(waiting.OfType<ConfigChange.Send>());
            Assert.Equal(TimeSpan.FromSeconds(2), Single<ConfigChange.RetryAfter>(waiting).Delay);
            clock.Advance(TimeSpan.FromSeconds(2));
            Assert.Equal("show ntp associations", Assert.IsType<SendCommand>(Sent(change.Retry())).Command);
        }

        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.IsType<ConfirmConfig>(Sent(change.Completed(Done("198.18.0.2 Established"))));
        change.Completed(Done(null, changed: true, strategy: "replace"));
        var finish = Single<ConfigChange.Finish>(change.Completed(Done(After)));
        Assert.Equal(TaskOutcome.Changed, finish.Outcome);
        var report = Assert.IsType<Dictionary<string, object?>>(Assert.Single(Assert.IsType<List<object?>>(finish.Result.Data["post_checks"])));
        Assert.Equal(("peer up", 3, 5.5, true), (report["name"], report["attempts"], report["seconds"], report["passed"]));
        Assert.Contains("wait_for 'peer up' held on attempt 3 after 5.5 s", finish.Result.Message);
    }

    [Fact]
    public void A_wait_for_check_that_never_holds_times_out_and_rolls_back_quoting_the_last_output()
    {
        var change = Change([WaitForCheck("output | string.contains 'Established'", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2))]);
        change.Start();
        change.Completed(Done(Before));
        change.Completed(Done(null, changed: true, strategy: "replace"));

        var attempts = 1;
        IReadOnlyList<ConfigChange.Effect> effects;
        while (true)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            effects = change.Completed(Done($"198.18.0.2 Connect (try {attempts})"));
            if (effects.OfType<ConfigChange.RetryAfter>().Any() is false) break;
            clock.Advance(TimeSpan.FromSeconds(2));
            change.Retry();
            attempts++;
        }

        // Tries start at 0, 3, 6 and 9 s (each answered a second later); a fifth would start at 12 s, past the 10 s timeout.
        Assert.Equal(4, attempts);
        Assert.Equal(Before, Assert.IsType<RestoreConfig>(Sent(effects)).Backup);
        var finish = Single<ConfigChange.Finish>(change.Completed(Done(Before)));
        Assert.Equal(TaskOutcome.Failed, finish.Outcome);
        Assert.Contains("post-check 'peer up' failed: still output | string.contains 'Established' is false after 4 attempt(s) in 10s "
            + "(timeout 10s); last output:\n198.18.0.2 Connect (try 4)", finish.Result.Message);
        Assert.Contains("rolled back to the backup (verified", finish.Result.Message);
        var report = Assert.IsType<Dictionary<string, object?>>(Assert.Single(Assert.IsType<List<object?>>(finish.Result.Data["post_checks"])));
        Assert.Equal((4, false), (report["attempts"], report["passed"]));
    }
}

using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using NetFleet.Core.Templating;
using NetFleet.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// One host's configuration change, as a plain state machine (no actor): read the backup, apply under the transaction
/// strategy, run the post-checks, confirm, read back; on a failure restore the backup and verify it, retrying a change
/// cut short by a drop. Device replies, post-check verdicts and timer fires go in; <see cref="Effect"/>s come out, which
/// the <see cref="JobOrchestrator"/> carries out in order: a <see cref="Record"/> is journaled before the effects after it
/// run, so a crash never leaves device work the journal does not know about.
/// </summary>
internal sealed partial class ConfigChange
{
    private enum Awaiting
    {
        Nothing,
        ReadBefore,
        Reconcile,
        Apply,
        PostCheck,
        LocalCheck,
        Confirm,
        ReadAfter,
        Restore,
        Retry,
        /// <summary>A wait_for check's condition did not hold yet: its command runs again after the interval.</summary>
        WaitFor,
    }

    /// <summary>A change cut short by a drop or a timeout is rolled back and tried again this many times in all.</summary>
    internal const int MaxApplyAttempts = 2;

    /// <summary>Restores that could not reach the device are tried again this many times in all, with backoff.</summary>
    internal const int MaxRestoreAttempts = 3;

    internal static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(500);

    private readonly Setup setup;
    private readonly Serilog.ILogger log;
    private Awaiting awaiting;
    private string before = "";
    private DeviceRequestCompleted? applied;
    /// <summary>The change's transaction name (null for a plain apply) and where the device keeps its backup.</summary>
    private string? transaction;
    private string? restorePoint;
    /// <summary>How the change was made (replace, merge, none), as the device reported it.</summary>
    private string? strategy;
    private int checkIndex;
    private int applyAttempts;
    private int restoreAttempts;
    /// <summary>Why the change is being rolled back, and whether retrying could help.</summary>
    private string? failure;
    private bool transient;
    /// <summary>On a resume: whether the journal holds the change's confirmation, and its record of the change applied.</summary>
    private bool resumedConfirmed;
    private JobJournal.ChangeApplied? resumedApplied;
    private ConfigChangeKind? kind;

    public ConfigChange(Setup setup, Serilog.ILogger log)
    {
        this.setup = setup;
        this.log = log;
    }

    /// <summary>A new change: the running configuration is read first, as the backup and the audit trail's before.</summary>
    public IReadOnlyList<Effect> Start() => Await(Awaiting.ReadBefore, new Send(Kind.Read()));

    /// <summary>A change that was in flight when the last process died, with the backup it had read: the device is read to
    /// see how far it got.</summary>
    /// <param name="confirmed">The journal holds its confirmation.</param>
    /// <param name="recorded">The journal's record of it having been applied, if it got that far.</param>
    public IReadOnlyList<Effect> Resume(string backup, bool confirmed, JobJournal.ChangeApplied? recorded)
    {
        before = backup;
        resumedConfirmed = confirmed;
        resumedApplied = recorded;
        return Await(Awaiting.Reconcile, new Send(Kind.Read()));
    }

    public IReadOnlyList<Effect> Completed(DeviceRequestCompleted done)
    {
        var was = awaiting;
        awaiting = Awaiting.Nothing;
        switch (was)
        {
            case Awaiting.ReadBefore:
                before = done.Output ?? "";
                return [new Record(new JobJournal.ConfigRead(setup.JobId, DateTimeOffset.UtcNow, Key.Device, Key.PlayIndex, Key.TaskIndex,
                    Key.ItemIndex, before)), .. Apply()];
            case Awaiting.Reconcile:
                return Reconcile(done.Output ?? "");
            case Awaiting.Apply when done.Changed && transaction is not null:
                applied = done with { Output = null };
                restorePoint = done.Output;
                strategy = done.Strategy;
                return [new Record(new JobJournal.ChangeApplied(setup.JobId, DateTimeOffset.UtcNow, Key.Device, Key.PlayIndex, Key.TaskIndex,
                    Key.ItemIndex, transaction, done.Diff ?? PlannedDiff(), done.Output, setup.ConfirmMinutes, before) { Strategy = done.Strategy, Transport = Kind.Transport }),
                    .. NextCheck(0)];
            case Awaiting.Apply when done.Changed:
                applied = done;
                return Await(Awaiting.ReadAfter, new Send(Kind.Read()));
            case Awaiting.Apply:
            {
                // Every line was on the device already: nothing was sent, nothing needs confirming.
                var (result, outcome, output, diff) = DeviceReplies.Completed(done);
                if (transaction is not null) result = result with { Message = Kind.AlreadyThere };
                return [new Finish(result, outcome, output, diff)];
            }
            case Awaiting.PostCheck:
                return CheckOutput(done.Output ?? "");
            case Awaiting.Confirm:
                applied = applied! with { Output = done.Output };
                return [new Record(new JobJournal.DeviceConfirmed(setup.JobId, DateTimeOffset.UtcNow, Key.Device, Key.PlayIndex, Key.TaskIndex,
                    Key.ItemIndex, transaction!)), .. Await(Awaiting.ReadAfter, new Send(Kind.Read()))];
            case Awaiting.ReadAfter:
                return FinishApplied(done.Output);
            case Awaiting.Restore:
                return Restored(done.Output ?? "");
            default:
                awaiting = was;
                return [];
        }
    }

    public IReadOnlyList<Effect> Failed(DeviceRequestFailed failed)
    {
        var was = awaiting;
        awaiting = Awaiting.Nothing;
        switch (was)
        {
            case Awaiting.Apply when transaction is not null && failed.Kind is FailureKind.Dropped or FailureKind.TimedOut:
                // Part of the change (or all of it) may be on the device: take it back before anything else.
                return RollBack($"the change was cut short: {failed.Message}", transient: true);
            case Awaiting.PostCheck:
                return RollBack($"post-check '{setup.PostChecks[checkIndex].Name}' failed: {failed.Message}");
            case Awaiting.Confirm:
                return RollBack($"the change could not be confirmed: {failed.Message}");
            case Awaiting.Restore:
                return RestoreFailed(failed);
            case Awaiting.ReadAfter when applied is not null:
                // The change went in; only the audit read failed. The task changed the device all the same.
                return FinishApplied(null);
            case Awaiting.Nothing or Awaiting.LocalCheck or Awaiting.Retry or Awaiting.WaitFor:
                awaiting = was;
                return [];
            default:
            {
                var (result, outcome) = DeviceReplies.Failed(failed);
                return [new Finish(result, outcome, null, null)];
            }
        }
    }

    /// <summary>A local post-check ended; <paramref name="failure"/> says why it failed, if it did.</summary>
    public IReadOnlyList<Effect> CheckDone(int index, string? failure)
    {
        if (awaiting != Awaiting.LocalCheck || index != checkIndex) return [];
        awaiting = Awaiting.Nothing;
        return failure is null ? NextCheck(index + 1) : RollBack($"post-check '{setup.PostChecks[index].Name}' failed: {failure}");
    }

    /// <summary>The delay asked for by <see cref="RetryAfter"/> is over: the restore, or the change itself, is tried again.</summary>
    public IReadOnlyList<Effect> Retry()
    {
        if (awaiting == Awaiting.WaitFor) return SendCheckCommand(setup.PostChecks[checkIndex]);
        if (awaiting != Awaiting.Retry) return [];
        awaiting = Awaiting.Nothing;
        if (failure is not null) return Restore();
        log.Information("Job {JobId}: applying task {Task} on {Device} again (attempt {Attempt})", setup.JobId, setup.TaskName, Key.Device,
            applyAttempts + 1);
        return Apply();
    }

    private JobJournal.StepKey Key => setup.Key;

    private ConfigChangeKind Kind => kind ??= ConfigChangeKind.For(setup.Request, setup.Pending);

    private IReadOnlyList<Effect> Await(Awaiting next, params Effect[] effects)
    {
        awaiting = next;
        return effects;
    }

    /// <summary>The change goes in under its transaction: the device's own safety net where it has one (commit confirmed,
    /// commit timer, configure replace with a timer), live but reverting by itself unless confirmed after the
    /// post-checks; otherwise merged, with the backup read before as the way back.</summary>
    private IReadOnlyList<Effect> Apply()
    {
        transaction = ConfigTransaction.NameFor(setup.JobId, Key.Device, Key.PlayIndex, Key.TaskIndex, Key.ItemIndex);
        applyAttempts++;
        failure = null;
        restoreAttempts = 0;
        return Await(Awaiting.Apply, new Send(setup.Request with
        {
            ConfirmMinutes = setup.ConfirmMinutes, Transaction = transaction, Strategy = setup.RequestedStrategy, Backup = before,
        }));
    }

    /// <summary>Runs post-check <paramref name="index"/>, or confirms the change once every check passed.</summary>
    private IReadOnlyList<Effect> NextCheck(int index)
    {
        checkIndex = index;
        if (index >= setup.PostChecks.Count) return Await(Awaiting.Confirm, new Send(Kind.Confirm(transaction!, strategy)));
        var check = setup.PostChecks[index];
        if (check.Command is null) return Await(Awaiting.LocalCheck, new RunCheck(index, check));
        waitAttempts = 0;
        waitStarted = setup.Clock.GetTimestamp();
        return SendCheckCommand(check);
    }

    /// <summary>Takes the change back: the device is restored to the backup read before the change, and read back to verify
    /// the restore took. Under <c>none</c> nothing is restored.</summary>
    private IReadOnlyList<Effect> RollBack(string reason, bool transient = false)
    {
        if (strategy == "none")
        {
            return FailChange($"{reason}; not rolled back: the change stays on the device ({Describe(strategy)}; "
                + "set 'transaction: merge' or 'auto' on the play or host to have NetFleet restore the backup)", verified: false, rolledBack: false);
        }

        log.Information("Job {JobId}: rolling {Device} back: {Reason}", setup.JobId, Key.Device, reason);
        failure = reason;
        this.transient = transient;
        restoreAttempts = 0;
        return Restore();
    }

    private IReadOnlyList<Effect> Restore()
    {
        restoreAttempts++;
        return Await(Awaiting.Restore, new Send(Kind.Restore(before, restorePoint, transaction!, strategy)));
    }

    private IReadOnlyList<Effect> Restored(string current)
    {
        var verified = ConfigText.Same(current, before);
        var rolledBack = RolledBack(failure ?? "", verified, "netfleet");
        if (verified && transient && applyAttempts < MaxApplyAttempts && !setup.Stopping())
        {
            failure = null;
            return [rolledBack, .. Await(Awaiting.Retry, new RetryAfter(RetryBackoff * applyAttempts))];
        }

        var outcome = verified
            ? $"rolled back to the backup (verified: the running configuration equals it; {Describe(strategy)})"
            : "rolled back, but the running configuration read back differs from the backup:\n" + ConfigText.LineDiff(before, current);
        return [rolledBack, .. FailChange($"{failure}; {outcome}", verified)];
    }

    private IReadOnlyList<Effect> RestoreFailed(DeviceRequestFailed failed)
    {
        if (restoreAttempts < MaxRestoreAttempts && failed.Kind is not FailureKind.Rejected)
        {
            return Await(Awaiting.Retry, new RetryAfter(RetryBackoff * Math.Pow(2, restoreAttempts)));
        }

        var reason = $"{failure}; NetFleet could not restore the backup ({failed.Message})";
        if (strategy is "merge" or ConfigChangeKind.Candidate or ConfigChangeKind.Running)
        {
            // A merged change has no timer on the device: it stays until someone restores the backup.
            return [RolledBack(reason, verified: false, "netfleet"),
                .. FailChange($"{reason}; the change stays on the device ({Describe(strategy)}): restore it with 'netfleet rollback {setup.JobId}'", false)];
        }

        // The change was never confirmed: the device's own timer takes it back.
        return [RolledBack(reason, verified: false, "device-timer"),
            .. FailChange($"{reason}; the change was never confirmed, so the device reverts it by itself within {setup.ConfirmMinutes} minute(s)", false)];
    }

    private Record RolledBack(string reason, bool verified, string by) => new(new JobJournal.DeviceRolledBack(setup.JobId, DateTimeOffset.UtcNow,
        Key.Device, Key.PlayIndex, Key.TaskIndex, Key.ItemIndex, reason, verified, by));

    private IReadOnlyList<Effect> FailChange(string message, bool verified, bool rolledBack = true)
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["rolled_back"] = rolledBack, ["rollback_verified"] = verified };
        if (strategy is { } used) data["transaction"] = used;
        var diff = applied is null ? null : applied.Diff ?? PlannedDiff();
        if (diff is not null) data["diff"] = diff;
        if (waits.Count > 0) data["post_checks"] = waits.ToList();
        return [new Finish(ModuleResult.Fail(message, data), TaskOutcome.Failed, null, diff)];
    }

    private IReadOnlyList<Effect> FinishApplied(string? after)
    {
        var diff = applied!.Diff ?? LineDiff(before, after ?? before);
        var changed = new Record(new JobJournal.DeviceChanged(setup.JobId, DateTimeOffset.UtcNow, Key.Device, Key.PlayIndex, Key.TaskIndex,
            Key.ItemIndex, setup.TaskName, before, after ?? "", diff));
        var (result, outcome, output, _) = DeviceReplies.Completed(applied);
        if (strategy is { } used)
        {
            result = result with
            {
                Message = $"applied under {Describe(used)}",
                Data = new Dictionary<string, object?>(result.Data, StringComparer.Ordinal) { ["transaction"] = used },
            };
        }

        if (waits.Count > 0)
        {
            result = result with
            {
                Message = string.Join("; ", new[] { result.Message }.Concat(waits.Select(WaitSummary)).Where(m => !string.IsNullOrEmpty(m))),
                Data = new Dictionary<string, object?>(result.Data, StringComparer.Ordinal) { ["post_checks"] = waits.ToList() },
            };
        }

        // The audit record goes first; the result does not wait for it to be stored.
        return [changed with { Wait = false }, new Finish(result, outcome, output, diff)];
    }

    /// <summary>A change that was in flight when the last process died: if every line is on the device now, the change
    /// took (or was there already) and is not applied again; otherwise it is applied.</summary>
    private IReadOnlyList<Effect> Reconcile(string current)
    {
        if (!resumedConfirmed && Kind.Lacks(before))
        {
            // The change was made (or begun) under a transaction that was never confirmed.
            var recorded = resumedApplied;
            transaction = recorded?.Transaction ?? ConfigTransaction.NameFor(setup.JobId, Key.Device, Key.PlayIndex, Key.TaskIndex, Key.ItemIndex);
            restorePoint = recorded?.RestorePoint;
            strategy = recorded?.Strategy;
            if (!Kind.Lacks(current))
            {
                log.Information("Job {JobId}: {Device} holds the unconfirmed change of task {Task}; checking and confirming it",
                    setup.JobId, Key.Device, setup.TaskName);
                applyAttempts = 1;
                var changeDiff = recorded?.Diff ?? LineDiff(before, current);
                applied = new DeviceRequestCompleted(Key.Device, 0, null, true, changeDiff, TimeSpan.Zero, TimeSpan.Zero);
                if (recorded is not null) return NextCheck(0);
                return [new Record(new JobJournal.ChangeApplied(setup.JobId, DateTimeOffset.UtcNow, Key.Device, Key.PlayIndex, Key.TaskIndex,
                    Key.ItemIndex, transaction, changeDiff, null, setup.ConfirmMinutes, before) { Transport = Kind.Transport }), .. NextCheck(0)];
            }

            // Partly there, or reverted by the device already: back to the backup, then the change again.
            applyAttempts = 0;
            return RollBack("the change was cut short by a restart", transient: true);
        }

        if (Kind.Lacks(current))
        {
            log.Information("Job {JobId}: {Device} lacks part of task {Task}; applying it", setup.JobId, Key.Device, setup.TaskName);
            return Await(Awaiting.Apply, new Send(setup.Request));
        }

        var changed = Kind.Lacks(before);
        string? diff = null;
        var effects = new List<Effect>();
        if (changed)
        {
            diff = LineDiff(before, current);
            effects.Add(new Record(new JobJournal.DeviceChanged(setup.JobId, DateTimeOffset.UtcNow, Key.Device, Key.PlayIndex, Key.TaskIndex,
                Key.ItemIndex, setup.TaskName, before, current, diff), Wait: false));
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["reconciled"] = true };
        if (diff is not null) data["diff"] = diff;
        var result = ModuleResult.Ok("reconciled after a restart: the configuration was already on the device", data, changed: changed);
        effects.Add(new Finish(result, DeviceReplies.OutcomeOf(result), null, diff, Reconciled: true));
        return effects;
    }

    /// <summary>What a change sent, for a platform without a diff of its own (IOS) before the configuration is read back:
    /// the lines the backup lacked.</summary>
    private string PlannedDiff() => Kind.PlannedDiff(before);

    /// <summary>The change between two reads of the running configuration, without the lines the device changes by
    /// itself (timestamps, sizes); empty when they hold the same configuration.</summary>
    private static string LineDiff(string before, string after) => ConfigText.LineDiff(before, after) ?? "";

    /// <summary>What a strategy means for the operator reading a result.</summary>
    internal static string Describe(string? strategy) => strategy switch
    {
        "merge" => "transaction 'merge': backup taken, lines merged, verified restore on failure",
        "none" => "transaction 'none': lines merged, nothing restored on failure",
        ConfigChangeKind.ConfirmedCommit => "NETCONF confirmed-commit: locked, validated and diffed in the candidate, committed confirmed, confirmed after the post-checks",
        ConfigChangeKind.Candidate => "NETCONF candidate: locked, validated and diffed in the candidate, committed, backup restored and verified on failure",
        ConfigChangeKind.Running => "NETCONF running: backup taken, running edited, backup restored with replace and verified on failure",
        _ => "transaction 'replace': the device's own timed revert, confirmed after the post-checks",
    };
}

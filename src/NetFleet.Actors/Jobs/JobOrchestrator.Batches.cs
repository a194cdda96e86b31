using Akka.Actor;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using NetFleet.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;
using static NetFleet.Actors.Jobs.JobProtocol;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// Plays and their <c>serial</c> batches: a batch starts once the one before it has ended (after a pause, or an approval
/// when the play asks for one; with <c>approval: every_batch</c> the first batch waits too), and a failed host leaves the job; <c>any_errors_fatal</c> and <c>max_fail_percentage</c>
/// halt it, and <c>rollback: batch|job</c> then restores the changes the halt's scope made.
/// </summary>
public sealed partial class JobOrchestrator
{
    private static readonly TimeSpan ApprovalPollInterval = TimeSpan.FromMilliseconds(250);

    private void BatchCommands()
    {
        Command<ResumeBatches>(_ => StartBatch());
        Command<PollApproval>(_ =>
        {
            if (waitingFor is null || approvalReader is not null) return;
            approvalReader = Context.ActorOf(JobApprovals.ReaderProps(spec.JobId, Self));
        });
        Command<JobApprovals.Approvals>(approvals =>
        {
            approvalReader = null;
            if (waitingFor is not { } waiting) return;
            // The n-th approval of the job lets the n-th gate through.
            if (approvals.Users.Count <= journal.Approved.Count) return;
            var user = approvals.Users[journal.Approved.Count];
            waitingFor = null;
            Timers.Cancel(nameof(PollApproval));
            log.Information("Job {JobId}: batch {Batch} approved by {User}", spec.JobId, waiting.Batch + 1, user);
            Emit(new ApprovalGranted(spec.JobId, DateTimeOffset.UtcNow, waiting.Play, waiting.Batch, user));
            Record(new JobJournal.BatchApproved(spec.JobId, DateTimeOffset.UtcNow, waiting.Play, waiting.Batch, user), StartBatch);
        });
    }

    private void NextPlay()
    {
        while (!Stopping && ++playIndex < spec.Playbook.Plays.Count)
        {
            var hosts = playHosts[playIndex].Where(h => !removed.Contains(h.Name)).ToList();
            Emit(new PlayStarted(spec.JobId, DateTimeOffset.UtcNow, playIndex, Play.Name, hosts.Select(h => h.Name).ToList()));
            if (hosts.Count == 0 || Play.Tasks.Count == 0) continue;
            batches = Play.Serial.Batches(hosts);
            batchIndex = -1;
            NextBatch();
            return;
        }

        FinishIfIdle();
    }

    private void NextBatch()
    {
        if (Stopping || ++batchIndex >= batches.Count)
        {
            NextPlay();
            return;
        }

        if ((batchIndex == 0 && !Play.ApproveFirstBatch) || journal.Batches.Contains((playIndex, batchIndex)))
        {
            StartBatch();
            return;
        }

        if (Play.Approval)
        {
            // Approved gates of a resumed job are not asked again.
            if (journal.Approved.Any(a => a.PlayIndex == playIndex && a.BatchIndex == batchIndex))
            {
                StartBatch();
                return;
            }

            log.Information("Job {JobId}: batch {Batch} of play '{Play}' waits for approval (netfleet jobs approve {JobId})",
                spec.JobId, batchIndex + 1, Play.Name, spec.JobId);
            waitingFor = (playIndex, batchIndex);
            Record(new JobJournal.ApprovalRequested(spec.JobId, DateTimeOffset.UtcNow, playIndex, batchIndex));
            Emit(new ApprovalRequested(spec.JobId, DateTimeOffset.UtcNow, playIndex, batchIndex, batches.Count,
                batches[batchIndex].Where(h => !removed.Contains(h.Name)).Select(h => h.Name).ToList()));
            Timers.StartPeriodicTimer(nameof(PollApproval), new PollApproval(), ApprovalPollInterval);
            return;
        }

        if (Play.PauseBetweenBatches is { } pause)
        {
            Timers.StartSingleTimer(nameof(ResumeBatches), new ResumeBatches(), pause);
            return;
        }

        StartBatch();
    }

    private void StartBatch()
    {
        if (Stopping)
        {
            FinishIfIdle();
            return;
        }

        if (StartCapturesBeforeBatch() || MeasureBaselineFirst()) return;

        var batch = batches[batchIndex].Where(h => !removed.Contains(h.Name)).ToList();
        var batchStarted = new BatchStarted(spec.JobId, DateTimeOffset.UtcNow, playIndex, batchIndex, batches.Count, batch.Select(h => h.Name).ToList());
        Emit(batchStarted);
        if (!journal.Batches.Contains((playIndex, batchIndex)))
        {
            Record(new JobJournal.BatchStarted(spec.JobId, batchStarted.At, playIndex, batchIndex, batches.Count, batchStarted.Devices));
        }

        failedInBatch = 0;
        runs = batch.Select(h => new HostRun(h)).ToList();
        foreach (var run in runs) Advance(run);
        BatchMayBeDone();
    }

    private void HostFailed(HostRun run, PlaybookTask task, TaskOutcome outcome)
    {
        run.Done = true;
        removed.Add(run.Host.Name);
        failedHosts.Add(run.Host.Name);
        failedInBatch++;
        if (Stopping) return;
        if (Play.AnyErrorsFatal)
        {
            Halt($"any_errors_fatal: task '{task.Name}' {(outcome == TaskOutcome.Unreachable ? "could not reach" : "failed on")} {run.Host.Name}");
        }
        else if (Play.MaxFailPercentage is { } max && failedInBatch * 100.0 / runs.Count > max)
        {
            Halt($"max_fail_percentage {max}% exceeded: {failedInBatch} of {runs.Count} host(s) in batch {batchIndex + 1} of play '{Play.Name}' failed");
        }
    }

    private void Halt(string reason)
    {
        haltReason = reason;
        waitingForFork.Clear();
        log.Warning("Job {JobId} halted: {Reason}", spec.JobId, reason);
    }

    private void BatchMayBeDone()
    {
        if (finished || awaiting.Count > 0) return;
        if (Stopping)
        {
            FinishIfIdle();
            return;
        }

        if (runs.All(r => r.Done) && !JudgeGateAfterBatch() && !StopCapturesAfterBatch()) NextBatch();
    }

    /// <summary>On a halt with <c>rollback: batch</c> or <c>job</c>, the confirmed changes of the failed batch (or of the
    /// whole job) are taken back too, each device to its backup from before the job's first change to it.</summary>
    private bool StartHaltRollback()
    {
        if (haltRollbackStarted || haltReason is null || playIndex < 0 || playIndex >= spec.Playbook.Plays.Count) return false;
        haltRollbackStarted = true;
        var scope = HaltScope;
        var batch = runs.Select(r => r.Host.Name).ToHashSet(StringComparer.Ordinal);
        var targets = journal.StandingChanges()
            .Where(c => scope == RollbackScope.Job || (scope == RollbackScope.Batch ? batch.Contains(c.Device) : failedHosts.Contains(c.Device)))
            .ToList();
        if (targets.Count == 0) return false;
        haltRollbackScope = scope.ToString().ToLowerInvariant();
        log.Warning("Job {JobId}: rollback {Scope}: restoring {Count} device(s)", spec.JobId, haltRollbackScope, targets.Count);
        foreach (var change in targets)
        {
            var host = spec.Inventory.FindHost(change.Device);
            if (host is null) continue;
            var requestId = ++nextRequest;
            haltRestores[requestId] = change;
            devicesInFlight++;
            spec.Devices.Tell(new RunDeviceRequest(change.Device, requestId, spec.JobId, ConnectionOf(host),
                ConfigChangeKind.RestoreFor(change), false, null, idleTimeout));
        }

        return haltRestores.Count > 0;
    }

    private void HaltRestored(JobJournal.ChangeApplied change, object reply)
    {
        var verified = reply is DeviceRequestCompleted done && ConfigText.Same(done.Output ?? "", change.Before);
        var reason = reply is DeviceRequestFailed failed
            ? $"rollback {haltRollbackScope} after the halt failed: {failed.Message}"
            : $"rollback {haltRollbackScope} after the halt";
        Record(new JobJournal.DeviceRolledBack(spec.JobId, DateTimeOffset.UtcNow, change.Device, change.PlayIndex, change.TaskIndex,
            change.ItemIndex, reason, verified, "netfleet"), () => FinishIfIdle());
    }
}

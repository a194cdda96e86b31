using System.Text.Json;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// What a <see cref="JobOrchestrator"/> writes to its journal (persistence id <c>job-ID</c>, tag <c>job</c>):
/// enough to rebuild the job after a crash and to feed the job history. Each event is stored under a manifest of
/// its own (see <see cref="JobJournalSerializer"/>), never under its CLR name, so types can be renamed.
/// </summary>
public static class JobJournal
{
    /// <summary>The tag every job event carries; the history read model follows it.</summary>
    public const string Tag = "job";

    public static string PersistenceId(string jobId) => "job-" + jobId;

    public interface IEvent
    {
        string JobId { get; }
        DateTimeOffset At { get; }
    }

    /// <summary>One device's place in a job: a task (and loop item) of a play. Steps are walked in a fixed order,
    /// so a resumed job meets the same keys again.</summary>
    public readonly record struct StepKey(string Device, int PlayIndex, int TaskIndex, int ItemIndex);

    /// <summary>Who started which job, with the playbook as it was (text and SHA-256) and the inventory's files (name →
    /// SHA-256, never their text, which may hold secrets), so a resume can refuse to go on with files that changed underneath.</summary>
    public sealed record JobSubmitted(
        string JobId,
        DateTimeOffset At,
        string User,
        string PlaybookPath,
        string PlaybookHash,
        string PlaybookText,
        string? InventoryPath,
        string? InventoryHash,
        IReadOnlyDictionary<string, string> InventoryFiles,
        IReadOnlyList<string> Devices,
        int TaskCount,
        string? Limit,
        bool Check,
        int? Forks,
        bool TrustNewHostKeys,
        string? KnownHostsPath) : IEvent
    {
        /// <summary>Set when the job is the rollback of that finished job rather than a playbook run (a later field: older
        /// journals read it as null).</summary>
        public string? RollbackOf { get; init; }
    }

    /// <summary>A process took the job up again after the one running it stopped.</summary>
    public sealed record JobResumed(string JobId, DateTimeOffset At, string User) : IEvent;

    public sealed record BatchStarted(string JobId, DateTimeOffset At, int PlayIndex, int BatchIndex, int BatchCount,
        IReadOnlyList<string> Devices) : IEvent;

    public sealed record TaskStarted(string JobId, DateTimeOffset At, string Device, int PlayIndex, int TaskIndex, int ItemIndex,
        string Task, string Module) : IEvent
    {
        public StepKey Key => new(Device, PlayIndex, TaskIndex, ItemIndex);
    }

    /// <summary>The running configuration read just before a configuration task changes it.</summary>
    public sealed record ConfigRead(string JobId, DateTimeOffset At, string Device, int PlayIndex, int TaskIndex, int ItemIndex,
        string Config) : IEvent
    {
        public StepKey Key => new(Device, PlayIndex, TaskIndex, ItemIndex);
    }

    /// <param name="Data">The module's data (what <c>register</c> stores), as JSON.</param>
    /// <param name="Facts">Facts the task set (parsed data), as JSON.</param>
    /// <param name="Reconciled">Decided after a restart by re-reading the device, not by running the task.</param>
    public sealed record TaskFinished(
        string JobId,
        DateTimeOffset At,
        string Device,
        int PlayIndex,
        int TaskIndex,
        int ItemIndex,
        string Task,
        string Module,
        string Status,
        bool Failed,
        bool Changed,
        string? Output,
        string? Message,
        string? Diff,
        string? Item,
        bool Ignored,
        JsonElement? Data,
        JsonElement? Facts,
        DateTimeOffset StartedAt,
        double DurationMs,
        bool Reconciled) : IEvent
    {
        public StepKey Key => new(Device, PlayIndex, TaskIndex, ItemIndex);

        /// <summary>The result as it was reported when the step finished: what a resumed or finished job counts again.</summary>
        public Core.Results.TaskResult ToResult() =>
            new(JobId, Device, PlayIndex, TaskIndex, Task, Module, Enum.Parse<Core.Results.TaskOutcome>(Status, ignoreCase: true), StartedAt,
                TimeSpan.FromMilliseconds(DurationMs))
            {
                Output = Output,
                Diff = Diff,
                Message = Message,
                Parsed = Facts is { } facts && JsonValues.ToDictionary(facts) is { Count: > 0 } parsed ? parsed : null,
                Item = Item,
                Ignored = Ignored,
                Transaction = Data is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("transaction", out var strategy)
                    && strategy.ValueKind == JsonValueKind.String ? strategy.GetString() : null,
            };
    }

    /// <summary>A configuration task changed the device: the audit trail's entry.</summary>
    public sealed record DeviceChanged(string JobId, DateTimeOffset At, string Device, int PlayIndex, int TaskIndex, int ItemIndex,
        string Task, string Before, string After, string Diff) : IEvent;

    /// <summary>A configuration change is live on the device but not yet confirmed: the device reverts it by itself
    /// after <paramref name="ConfirmMinutes"/> device minutes unless it is confirmed.</summary>
    /// <param name="Before">The backup: the running configuration before the change, what a rollback restores.</param>
    /// <param name="RestorePoint">Where the device keeps that configuration itself (IOS archive file), if it does.</param>
    public sealed record ChangeApplied(string JobId, DateTimeOffset At, string Device, int PlayIndex, int TaskIndex, int ItemIndex,
        string Transaction, string Diff, string? RestorePoint, int ConfirmMinutes, string Before) : IEvent
    {
        public StepKey Key => new(Device, PlayIndex, TaskIndex, ItemIndex);

        /// <summary>How the change was made (replace, merge, none); null in events written before strategies existed,
        /// which were all made under the device's own safety net (replace).</summary>
        public string? Strategy { get; init; }

        /// <summary>How the change reached the device: <c>netconf</c>, or null for CLI lines (and events written before
        /// NETCONF existed); a restore goes the same way.</summary>
        public string? Transport { get; init; }
    }

    /// <summary>The post-checks passed and the change was confirmed on the device: it stays.</summary>
    public sealed record DeviceConfirmed(string JobId, DateTimeOffset At, string Device, int PlayIndex, int TaskIndex, int ItemIndex,
        string Transaction) : IEvent
    {
        public StepKey Key => new(Device, PlayIndex, TaskIndex, ItemIndex);
    }

    /// <summary>A device was put back to its backup (or left to its own timed revert).</summary>
    /// <param name="Reason">Why: the failed post-check, the drop, the halt.</param>
    /// <param name="Verified">The running configuration read back afterwards equals the backup.</param>
    /// <param name="By">netfleet (restored and read back) or device-timer (NetFleet could not reach it; the change was
    /// never confirmed, so the device reverts by itself).</param>
    public sealed record DeviceRolledBack(string JobId, DateTimeOffset At, string Device, int PlayIndex, int TaskIndex, int ItemIndex,
        string Reason, bool Verified, string By) : IEvent;

    /// <summary>A batch waits for <c>netfleet jobs approve</c>.</summary>
    public sealed record ApprovalRequested(string JobId, DateTimeOffset At, int PlayIndex, int BatchIndex) : IEvent;

    /// <summary>The waiting batch was approved and goes on.</summary>
    public sealed record BatchApproved(string JobId, DateTimeOffset At, int PlayIndex, int BatchIndex, string User) : IEvent;

    /// <summary>A capture of a play's <c>capture:</c> block ended (stopped after its tasks or batch, ended by a limit, or
    /// failed): where it ran and what it saw.</summary>
    /// <param name="BatchIndex">The batch it was around (<c>per_batch</c>); null when it was around the whole play.</param>
    /// <param name="Status">finished or failed (<paramref name="Error"/> says why).</param>
    /// <param name="PacketsPerSecond">Over the capture's whole run, as is <paramref name="BytesPerSecond"/>.</param>
    /// <param name="OtherDropped">Packets the interface or the sensor's decoder dropped, beside the kernel's drops.</param>
    /// <param name="Files">The pcap files on the sensor (<c>netfleet capture fetch ID</c>).</param>
    /// <param name="Summary">The whole traffic summary (protocol mix, services, top talkers and conversations) as JSON.</param>
    public sealed record CaptureFinished(string JobId, DateTimeOffset At, int PlayIndex, int? BatchIndex, string CaptureId, string Sensor,
        string SensorAddress, string Interface, string? Filter, string Status, string? Error, DateTimeOffset StartedAt,
        DateTimeOffset StoppedAt, string? StopReason, double DurationMs, long Packets, long Bytes, double PacketsPerSecond,
        double BytesPerSecond, long Syn, long Rst, long KernelDropped, long OtherDropped, IReadOnlyList<string> Files,
        JsonElement? Summary) : IEvent;

    /// <summary>A play's <c>gate:</c> measured the traffic: before a batch's changes (<paramref name="Phase"/> baseline) or after
    /// them (after).</summary>
    public sealed record GateMeasured(string JobId, DateTimeOffset At, int PlayIndex, int BatchIndex, string Phase,
        GateMeasurement Measurement) : IEvent;

    /// <summary>A gate compared the traffic after a batch with its limits and its baseline; a failed one halts the job and
    /// rolls the batch back.</summary>
    public sealed record GateJudged(string JobId, DateTimeOffset At, int PlayIndex, int BatchIndex, bool Passed,
        IReadOnlyList<string> Failures, IReadOnlyList<string> Notes) : IEvent;

    /// <summary>A configuration the job read (a backup, or the backup before a change) differs from the last one NetFleet
    /// wrote or saw of the device: someone changed it outside NetFleet.</summary>
    /// <param name="Diff">Unified diff from the expected configuration to the one found.</param>
    /// <param name="ChangedBy">Who changed it last, as far as the device tells; <paramref name="ChangedAt"/> likewise.</param>
    /// <param name="Expected">What it was compared with: an archive commit, or this job's own change.</param>
    /// <param name="Source">backup, or pre-change (the read a configuration change makes first).</param>
    public sealed record ConfigDrifted(string JobId, DateTimeOffset At, string Device, string Diff, string? ChangedBy, DateTimeOffset? ChangedAt,
        string Expected, string Source) : IEvent;

    /// <summary>The job's backups and written configurations went into the archive as one commit (<paramref name="Commit"/> null
    /// when nothing differed, or when <paramref name="Error"/> says why it failed): a resumed job does not commit again.</summary>
    public sealed record ConfigsArchived(string JobId, DateTimeOffset At, string? Commit, IReadOnlyList<string> Devices,
        IReadOnlyList<string> Changed, IReadOnlyList<string> Drifted, string? Error) : IEvent;

    /// <summary>Someone cancelled the job: no new tasks start; running ones finish, then <see cref="JobFinished"/> (cancelled).</summary>
    public sealed record JobCancelled(string JobId, DateTimeOffset At, string User) : IEvent;

    /// <param name="Outcome">succeeded, failed, halted or cancelled.</param>
    public sealed record JobFinished(string JobId, DateTimeOffset At, string Outcome, string? HaltReason,
        int Ok, int Changed, int Failed, int Unreachable, int Skipped) : IEvent;

    /// <summary>The snapshot: the job's state as rebuilt from its events, so recovery reads it and the events after it.</summary>
    public sealed record Snapshot(
        JobSubmitted? Submitted,
        IReadOnlyList<BatchStarted> Batches,
        IReadOnlyList<TaskStarted> InFlight,
        IReadOnlyList<ConfigRead> ConfigsBefore,
        IReadOnlyList<TaskFinished> Finished,
        JobFinished? Ended,
        int Resumes,
        IReadOnlyList<ChangeApplied>? Changes = null,
        IReadOnlyList<DeviceConfirmed>? Confirmed = null,
        IReadOnlyList<DeviceRolledBack>? RolledBack = null,
        IReadOnlyList<BatchApproved>? Approved = null,
        string? CancelledBy = null,
        IReadOnlyList<GateMeasured>? Gates = null,
        IReadOnlyList<GateJudged>? GateVerdicts = null,
        IReadOnlyList<DeviceChanged>? Written = null,
        ConfigsArchived? Archived = null);

    /// <summary>The recovered state of one job; <see cref="Apply"/> is the one place events change it.</summary>
    public sealed class State
    {
        public JobSubmitted? Submitted { get; private set; }
        public JobFinished? Ended { get; private set; }
        public int Resumes { get; private set; }

        /// <summary>Who cancelled the job, if someone did: a resumed job stays cancelled.</summary>
        public string? CancelledBy { get; private set; }
        public HashSet<(int Play, int Batch)> Batches { get; } = [];
        public Dictionary<StepKey, TaskStarted> InFlight { get; } = [];
        public Dictionary<StepKey, string> ConfigsBefore { get; } = [];
        public Dictionary<StepKey, TaskFinished> Finished { get; } = [];
        private readonly List<BatchStarted> batchEvents = [];

        /// <summary>Every change made live, in order; with <see cref="Confirmed"/> and <see cref="RolledBack"/>, what a
        /// rollback of the job has to take back.</summary>
        public List<ChangeApplied> Changes { get; } = [];
        public List<DeviceConfirmed> Confirmed { get; } = [];
        public List<DeviceRolledBack> RolledBack { get; } = [];
        public List<BatchApproved> Approved { get; } = [];

        /// <summary>The configurations the job wrote, in order (before and after each change): what its archive commit holds
        /// beside its backups.</summary>
        public List<DeviceChanged> Written { get; } = [];

        /// <summary>The job's archive commit, once made.</summary>
        public ConfigsArchived? Archived { get; private set; }

        /// <summary>Gate measurements by play, batch and phase (baseline, after), and verdicts by play and batch: a resumed
        /// job neither measures a baseline again once its batch began nor judges a batch twice.</summary>
        public Dictionary<(int Play, int Batch, string Phase), GateMeasured> GateMeasurements { get; } = [];
        public Dictionary<(int Play, int Batch), GateJudged> GateVerdicts { get; } = [];

        /// <summary>Per device, the backup from before the job's first confirmed change that has not been rolled back
        /// since: what <c>rollback</c> restores.</summary>
        public IReadOnlyList<ChangeApplied> StandingChanges()
        {
            var confirmed = Confirmed.Select(c => c.Key).ToHashSet();
            var result = new List<ChangeApplied>();
            foreach (var device in Changes.Select(c => c.Device).Distinct(StringComparer.Ordinal))
            {
                var lastRollback = RolledBack.LastOrDefault(r => r.Device == device && r.Verified)?.At ?? DateTimeOffset.MinValue;
                var first = Changes.FirstOrDefault(c => c.Device == device && confirmed.Contains(c.Key) && c.At > lastRollback);
                if (first is not null) result.Add(first);
            }

            return result;
        }

        public void Apply(IEvent e)
        {
            switch (e)
            {
                case JobSubmitted submitted:
                    Submitted = submitted;
                    break;
                case JobResumed:
                    Resumes++;
                    break;
                case BatchStarted batch:
                    if (Batches.Add((batch.PlayIndex, batch.BatchIndex))) batchEvents.Add(batch);
                    break;
                case TaskStarted started:
                    InFlight[started.Key] = started;
                    break;
                case ConfigRead read:
                    ConfigsBefore[read.Key] = read.Config;
                    break;
                case TaskFinished finished:
                    InFlight.Remove(finished.Key);
                    ConfigsBefore.Remove(finished.Key);
                    Finished[finished.Key] = finished;
                    break;
                case ChangeApplied applied:
                    Changes.Add(applied);
                    break;
                case DeviceConfirmed confirmed:
                    Confirmed.Add(confirmed);
                    break;
                case DeviceRolledBack rolledBack:
                    RolledBack.Add(rolledBack);
                    break;
                case BatchApproved approved:
                    Approved.Add(approved);
                    break;
                case JobCancelled cancelled:
                    CancelledBy ??= cancelled.User;
                    break;
                case GateMeasured measured:
                    GateMeasurements[(measured.PlayIndex, measured.BatchIndex, measured.Phase)] = measured;
                    break;
                case GateJudged judged:
                    GateVerdicts[(judged.PlayIndex, judged.BatchIndex)] = judged;
                    break;
                case DeviceChanged changed:
                    Written.Add(changed);
                    break;
                case ConfigsArchived archived:
                    Archived = archived;
                    break;
                case JobFinished ended:
                    Ended = ended;
                    break;
            }
        }

        public Snapshot ToSnapshot() => new(Submitted, [.. batchEvents], [.. InFlight.Values],
            [.. ConfigsBefore.Select(c => new ConfigRead(Submitted?.JobId ?? "", DateTimeOffset.MinValue, c.Key.Device, c.Key.PlayIndex,
                c.Key.TaskIndex, c.Key.ItemIndex, c.Value))],
            [.. Finished.Values], Ended, Resumes, [.. Changes], [.. Confirmed], [.. RolledBack], [.. Approved], CancelledBy,
            [.. GateMeasurements.Values], [.. GateVerdicts.Values], [.. Written], Archived);

        public static State From(Snapshot snapshot)
        {
            var state = new State
            {
                Submitted = snapshot.Submitted, Ended = snapshot.Ended, Resumes = snapshot.Resumes, CancelledBy = snapshot.CancelledBy,
            };
            foreach (var b in snapshot.Batches) state.Apply(b);
            foreach (var s in snapshot.InFlight) state.Apply(s);
            foreach (var c in snapshot.ConfigsBefore) state.Apply(c);
            foreach (var f in snapshot.Finished) state.Finished[f.Key] = f;
            state.Changes.AddRange(snapshot.Changes ?? []);
            state.Confirmed.AddRange(snapshot.Confirmed ?? []);
            state.RolledBack.AddRange(snapshot.RolledBack ?? []);
            state.Approved.AddRange(snapshot.Approved ?? []);
            foreach (var g in snapshot.Gates ?? []) state.Apply(g);
            foreach (var v in snapshot.GateVerdicts ?? []) state.Apply(v);
            state.Written.AddRange(snapshot.Written ?? []);
            state.Archived = snapshot.Archived;
            return state;
        }
    }
}

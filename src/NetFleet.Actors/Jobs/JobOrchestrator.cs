using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using NetFleet.Actors.Devices;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using NetFleet.Devices;
using NetFleet.Devices.Platforms;
using static NetFleet.Actors.Devices.DeviceProtocol;
using static NetFleet.Actors.Jobs.JobProtocol;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// Runs one job: plays in order, each play's hosts in <c>serial</c> batches, each host's tasks in order (a host
/// goes on as soon as its previous task ended; hosts do not wait for each other within a batch). Device work goes
/// to the device actors through the registry, at most <c>forks</c> requests at a time; local modules run on the
/// thread pool and pipe back. A failed or unreachable host leaves the rest of the job; <c>any_errors_fatal</c> and
/// <c>max_fail_percentage</c> halt it. Emits the <see cref="JobEvent"/>s in order.
/// <para>Event-sourced (<see cref="JobJournal"/>): a task is recorded as started before its device work is sent, and a
/// configuration task records the running configuration before it applies anything. A resumed job walks the same
/// steps again: finished ones are replayed from the journal (results, registered facts) without touching the device;
/// one that was in flight is reconciled — its configuration is re-read and applied only if the lines are missing.</para>
/// <para>The actor is split by concern: this file holds the job's start and end and the journal; plays, batches, approvals
/// and halts are in <c>JobOrchestrator.Batches.cs</c>; each host's steps and the device requests (with forks) in
/// <c>JobOrchestrator.Steps.cs</c>; a play's captures in <c>JobOrchestrator.Captures.cs</c>; its gate in <c>JobOrchestrator.Gates.cs</c>. A configuration change is
/// driven by a <see cref="ConfigChange"/> per step, a plain state machine.</para>
/// </summary>
public sealed partial class JobOrchestrator : ReceivePersistentActor, IWithTimers
{
    /// <summary>The first snapshot comes after this many events.</summary>
    public const int FirstSnapshotAfter = 250;

    private static readonly string[] Tags = [JobJournal.Tag];

    private readonly JobSpec spec;
    private readonly Serilog.ILogger log;
    private readonly IReadOnlyList<IReadOnlyList<Host>> playHosts;
    private readonly IReadOnlyList<string> allDevices;
    private readonly Dictionary<string, Dictionary<string, object?>> facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceConnectionOptions> connections = new(StringComparer.Ordinal);
    private readonly HashSet<string> removed = new(StringComparer.Ordinal);
    private readonly HashSet<string> failedHosts = new(StringComparer.Ordinal);
    private readonly Dictionary<long, HostRun> awaiting = [];
    /// <summary>The step each device request in flight is for.</summary>
    private readonly Dictionary<long, long> requests = [];
    private JobJournal.State journal = new();
    private readonly ForkQueue waitingForFork = new();
    private readonly List<TaskResult> results = [];
    private readonly Dictionary<long, JobJournal.TaskFinished> replayed = [];
    private readonly HashSet<long> reconciled = [];
    private readonly CancellationTokenSource localModules = new();
    private readonly DateTimeOffset startedAt = DateTimeOffset.UtcNow;
    private readonly long startedTicks = Stopwatch.GetTimestamp();
    private readonly TimeSpan idleTimeout;
    private long nextStep;
    private long nextSnapshotAt = FirstSnapshotAfter;
    private Exception? stopReason;
    /// <summary>Device entities drop a (job, request id) they have seen, so a job's next incarnation (after a crash or a
    /// failover) must not count from where its last one did: each starts at its own random point.</summary>
    private long nextRequest = DeviceRequestIds.Start();
    private int devicesInFlight;
    private int playIndex = -1;
    private IReadOnlyList<IReadOnlyList<Host>> batches = [];
    private int batchIndex;
    private List<HostRun> runs = [];
    private int failedInBatch;
    private string? haltReason;
    private bool cancelled;
    private bool finished;
    private bool haltRollbackStarted;
    private readonly Dictionary<long, JobJournal.ChangeApplied> haltRestores = [];
    private string? haltRollbackScope;
    private (int Play, int Batch)? waitingFor;
    private IActorRef? approvalReader;

    public JobOrchestrator(JobSpec spec, Serilog.ILogger log)
    {
        this.spec = spec;
        this.log = log.ForContext("JobId", spec.JobId);
        idleTimeout = spec.Options.IdleTimeout ?? JobRunner.DefaultIdleTimeout;
        playHosts = spec.Playbook.Plays.Select(HostsOf).ToList();
        allDevices = playHosts.SelectMany(h => h).Select(h => h.Name).Distinct().ToList();

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is JobJournal.Snapshot snapshot) journal = JobJournal.State.From(snapshot);
        });
        Recover<JobJournal.IEvent>(e => journal.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            nextSnapshotAt = NextSnapshotAfter(LastSequenceNr);
            Begin();
        });
        Command<DeviceRequestCompleted>(done => DeviceReplied(done.RequestId, done));
        Command<DeviceRequestFailed>(failed => DeviceReplied(failed.RequestId, failed));
        Command<LocalModuleFinished>(done => StepFinished(done.StepId, done.Result, DeviceReplies.OutcomeOf(done.Result), null, null));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => log.Warning(f.Cause, "Job {JobId}: snapshot failed", spec.JobId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<StepTimedOut>(t =>
        {
            if (!awaiting.TryGetValue(t.StepId, out var run)) return;
            var task = Task(run);
            log.Warning("Job {JobId} task {Task} on {Device} timed out after {Timeout}", spec.JobId, task.Name, run.Host.Name, task.Timeout);
            StepFinished(t.StepId, ModuleResult.Fail($"timed out after {task.Timeout!.Value.TotalSeconds:0.###} s"), TaskOutcome.Failed, null, null);
        });
        Command<PostCheckDone>(done =>
        {
            if (awaiting.TryGetValue(done.StepId, out var run) && run.Change is { } change) Perform(run, change.CheckDone(done.Index, done.Failure));
        });
        Command<RetryChange>(retry =>
        {
            if (awaiting.TryGetValue(retry.StepId, out var run) && run.Change is { } change) Perform(run, change.Retry());
        });
        BatchCommands();
        Command<CancelJob>(cancel =>
        {
            if (cancelled || finished) return;
            log.Information("Job {JobId} cancelled by {User}", spec.JobId, cancel.User);
            cancelled = true;
            localModules.Cancel();
            waitingForFork.Clear();
            if (journal.CancelledBy is null) Record(new JobJournal.JobCancelled(spec.JobId, DateTimeOffset.UtcNow, cancel.User));
            FinishIfIdle();
        });
        CaptureCommands();
        GateCommands();
        ArchiveCommands();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => JobJournal.PersistenceId(spec.JobId);

    public static Props Props(JobSpec spec, Serilog.ILogger log) => Akka.Actor.Props.Create(() => new JobOrchestrator(spec, log));

    private bool Stopping => cancelled || haltReason is not null;
    private Play Play => spec.Playbook.Plays[playIndex];

    /// <summary>Runs once the journal has been read: a new job records its submission, a resumed one goes on.</summary>
    private void Begin()
    {
        if (journal.Ended is { } ended)
        {
            log.Information("Job {JobId} had already finished ({Outcome}); nothing to resume", spec.JobId, ended.Outcome);
            finished = true;
            results.AddRange(journal.Finished.Values.OrderBy(f => f.At).Select(f => f.ToResult()));
            spec.Completion.TrySetResult(Summary(Enum.Parse<JobOutcome>(ended.Outcome, ignoreCase: true), ended.HaltReason));
            Context.Stop(Self);
            return;
        }

        if (spec.Resume || journal.Submitted is not null)
        {
            if (journal.Submitted is null)
            {
                spec.Completion.TrySetException(new InvalidOperationException($"no job {spec.JobId} in the journal"));
                Context.Stop(Self);
                return;
            }

            log.Information("Job {JobId} resumed by {User}: {Done} step(s) done, {InFlight} to reconcile",
                spec.JobId, spec.Options.User, journal.Finished.Count, journal.InFlight.Count);
            Record(new JobJournal.JobResumed(spec.JobId, DateTimeOffset.UtcNow, spec.Options.User));
            // Cancelled before the process running it died: it goes on only to wind down.
            if (journal.CancelledBy is { } cancelledBy) Self.Tell(new CancelJob(cancelledBy));
        }
        else
        {
            log.Information("Job {JobId} started by {User}: {Playbook} on {DeviceCount} device(s)",
                spec.JobId, spec.Options.User, spec.Submission.PlaybookPath, allDevices.Count);
            Record(spec.Submission with
            {
                At = DateTimeOffset.UtcNow, Devices = allDevices, TaskCount = spec.Playbook.Plays.Sum(p => p.Tasks.Count),
            });
        }

        Emit(new JobStarted(spec.JobId, DateTimeOffset.UtcNow, spec.Submission.PlaybookPath, allDevices,
            spec.Playbook.Plays.Sum(p => p.Tasks.Count)));
        NextPlay();
    }

    protected override void PostStop()
    {
        localModules.Dispose();
        if (!finished)
        {
            spec.Completion.TrySetException(new InvalidOperationException(
                $"job {spec.JobId} stopped before it finished{(stopReason is null ? "" : ": " + stopReason.Message)}", stopReason));
        }
    }

    // Akka's own logging is off (NetFleet logs through Serilog), so why the job stopped is said here and in the error.
    protected override void PreRestart(Exception reason, object message)
    {
        stopReason ??= reason;
        log.Error(reason, "Job {JobId} failed while handling {Message}", spec.JobId, message.GetType().Name);
        base.PreRestart(reason, message);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        stopReason ??= cause;
        log.Error(cause, "Job {JobId} could not write event {SequenceNr} ({Event}) to its journal", spec.JobId, sequenceNr, @event.GetType().Name);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        stopReason ??= cause;
        log.Error(cause, "The journal rejected event {SequenceNr} ({Event}) of job {JobId}", sequenceNr, @event.GetType().Name, spec.JobId);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private IReadOnlyList<Host> HostsOf(Play play)
    {
        play.Hosts.Evaluate(spec.Inventory, out var hosts);
        if (spec.Options.Limit is { } limit)
        {
            var limited = spec.Inventory.Select(limit).Hosts.ToHashSet();
            hosts = hosts.Where(limited.Contains).ToList();
        }

        return hosts;
    }

    private void FinishIfIdle()
    {
        if (finished || awaiting.Count > 0 || haltRestores.Count > 0) return;
        if (!cancelled && StartHaltRollback()) return;
        if (CapturesStillOpen() || ArchiveStillOpen()) return;
        finished = true;
        var outcome = cancelled ? JobOutcome.Cancelled
            : haltReason is not null ? JobOutcome.Halted
            : failedHosts.Count > 0 ? JobOutcome.Failed
            : JobOutcome.Succeeded;
        var summary = Summary(outcome, haltReason);
        log.Information("Job {JobId} finished: {Outcome} in {ElapsedMs:0} ms", spec.JobId, outcome, summary.Duration.TotalMilliseconds);
        var counted = results.Where(r => !r.Ignored).ToList();
        int Count(TaskOutcome o) => counted.Count(r => r.Outcome == o);
        Record(new JobJournal.JobFinished(spec.JobId, DateTimeOffset.UtcNow, outcome.ToString().ToLowerInvariant(), haltReason,
            Count(TaskOutcome.Ok), Count(TaskOutcome.Changed), Count(TaskOutcome.Failed), Count(TaskOutcome.Unreachable),
            Count(TaskOutcome.Skipped)), () =>
        {
            Emit(new JobFinished(spec.JobId, DateTimeOffset.UtcNow, summary));
            spec.Completion.TrySetResult(summary);
            Context.Stop(Self);
        });
    }

    private JobSummary Summary(JobOutcome outcome, string? halt) =>
        new(spec.JobId, outcome, results, HostRecap.From(results, allDevices), journal.Submitted?.At ?? startedAt,
            Stopwatch.GetElapsedTime(startedTicks)) { HaltReason = halt, Archive = JobArchive.Summary(journal) };

    /// <summary>Writes an event to the journal (tagged for the history) and runs <paramref name="then"/> once it is
    /// stored. Events are written in order; commands keep flowing meanwhile.</summary>
    private void Record(JobJournal.IEvent e, Action? then = null)
    {
        journal.Apply(e);
        PersistAsync(new Tagged(e, Tags), _ =>
        {
            if (LastSequenceNr >= nextSnapshotAt)
            {
                SaveSnapshot(journal.ToSnapshot());
                nextSnapshotAt = NextSnapshotAfter(LastSequenceNr);
            }

            then?.Invoke();
        });
    }

    /// <summary>A snapshot holds the whole job so far (every result), so one every fixed number of events would write
    /// O(n²) bytes over a job of n events (≈ 100 MB for 5,000 devices, stalling its journal). Each snapshot waits instead
    /// until the journal has doubled since the last one: O(n) bytes in all, and recovery still reads one snapshot and at
    /// most as many events again.</summary>
    internal static long NextSnapshotAfter(long sequenceNr) => Math.Max(sequenceNr + FirstSnapshotAfter, 2 * sequenceNr);

    private Dictionary<string, object?> FactsOf(string host)
    {
        if (!facts.TryGetValue(host, out var hostFacts))
        {
            facts[host] = hostFacts = new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        return hostFacts;
    }

    /// <summary>Built once per host and job; the secrets are read here and go to the driver only.</summary>
    private DeviceConnectionOptions ConnectionOf(Host host)
    {
        if (connections.TryGetValue(host.Name, out var options)) return options;
        return connections[host.Name] = DeviceConnections.For(host, spec.Options);
    }

    private void Emit(JobEvent e)
    {
        try
        {
            spec.OnEvent(e);
        }
        catch (Exception error)
        {
            log.Error(error, "Job {JobId}: the event handler failed on {Event}", spec.JobId, e.GetType().Name);
        }
    }
}

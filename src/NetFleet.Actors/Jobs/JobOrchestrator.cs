using System.Diagnostics;
using System.Text.Json;
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
/// </summary>
public sealed partial class JobOrchestrator : ReceivePersistentActor, IWithTimers
{
    /// <summary>A snapshot every this many events keeps recovery of long jobs short.</summary>
    public const int SnapshotEvery = 250;

    private static readonly string[] Tags = [JobJournal.Tag];

    /// <summary>One host's progress through the current batch.</summary>
    private sealed class HostRun(Host host)
    {
        public Host Host { get; } = host;
        public int TaskIndex;
        public IReadOnlyList<object?>? Items;
        public bool Looping;
        public int ItemIndex;
        public long StepId;
        public DateTimeOffset StepStartedAt;
        public long StepStartedTicks;
        public readonly List<ModuleResult> ItemResults = [];
        public string? ConfigBefore;
        public DeviceRequestCompleted? Applied;
        /// <summary>The transaction of the configuration change in progress, and where the device keeps its backup.</summary>
        public string? Transaction;
        public string? RestorePoint;
        /// <summary>How the change in progress was made (replace, merge, none), as the device reported it.</summary>
        public string? Strategy;
        public int CheckIndex;
        public int ApplyAttempts;
        public int RestoreAttempts;
        /// <summary>Why the change in progress is being rolled back, and whether retrying could help.</summary>
        public string? Failure;
        public bool Transient;
        public bool Done;
        /// <summary>True while <see cref="Advance"/> walks this host, so a step finishing inline does not re-enter it.</summary>
        public bool Advancing;
    }

    private static readonly object?[] NoLoop = [null];

    // The task's timeout is the orchestrator's to enforce (and to report); the device gets a little longer, so it
    // frees itself from a hung request without racing the orchestrator's verdict.
    private static readonly TimeSpan DeviceGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>A change cut short by a drop or a timeout is rolled back and tried again this many times in all.</summary>
    private const int MaxApplyAttempts = 2;

    /// <summary>Restores that could not reach the device are tried again this many times in all, with backoff.</summary>
    private const int MaxRestoreAttempts = 3;

    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ApprovalPollInterval = TimeSpan.FromMilliseconds(250);

    private readonly JobSpec spec;
    private readonly Serilog.ILogger log;
    private readonly IReadOnlyList<IReadOnlyList<Host>> playHosts;
    private readonly IReadOnlyList<string> allDevices;
    private readonly Dictionary<string, Dictionary<string, object?>> facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceConnectionOptions> connections = new(StringComparer.Ordinal);
    private readonly HashSet<string> removed = new(StringComparer.Ordinal);
    private readonly HashSet<string> failedHosts = new(StringComparer.Ordinal);
    private readonly Dictionary<long, HostRun> awaiting = [];
    private readonly Dictionary<long, (long StepId, Phase Phase)> requests = [];
    private JobJournal.State journal = new();
    private readonly Queue<(HostRun Run, RunDeviceRequest Request)> waitingForFork = new();
    private readonly List<TaskResult> results = [];
    private readonly Dictionary<long, JobJournal.TaskFinished> replayed = [];
    private readonly HashSet<long> reconciled = [];
    private readonly CancellationTokenSource localModules = new();
    private readonly DateTimeOffset startedAt = DateTimeOffset.UtcNow;
    private readonly long startedTicks = Stopwatch.GetTimestamp();
    private readonly TimeSpan idleTimeout;
    private long nextStep;
    private long nextRequest;
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
        Recover<RecoveryCompleted>(_ => Begin());
        Command<DeviceRequestCompleted>(done => DeviceReplied(done.RequestId, done));
        Command<DeviceRequestFailed>(failed => DeviceReplied(failed.RequestId, failed));
        Command<LocalModuleFinished>(done => StepFinished(done.StepId, done.Result, TaskOutcomeOf(done.Result), null, null));
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
            if (!awaiting.TryGetValue(done.StepId, out var run) || run.CheckIndex != done.Index) return;
            if (done.Failure is { } failure) RollBack(run, $"post-check '{Play.PostChecks[done.Index].Name}' failed: {failure}");
            else NextCheck(run, done.Index + 1);
        });
        Command<RetryRestore>(retry =>
        {
            if (awaiting.TryGetValue(retry.StepId, out var run)) Restore(run);
        });
        Command<RetryApply>(retry =>
        {
            if (!awaiting.TryGetValue(retry.StepId, out var run)) return;
            log.Information("Job {JobId}: applying task {Task} on {Device} again (attempt {Attempt})", spec.JobId, Task(run).Name,
                run.Host.Name, run.ApplyAttempts + 1);
            ApplyTransaction(run);
        });
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
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => JobJournal.PersistenceId(spec.JobId);

    public static Props Props(JobSpec spec, Serilog.ILogger log) => Akka.Actor.Props.Create(() => new JobOrchestrator(spec, log));

    private bool Stopping => cancelled || haltReason is not null;
    private Play Play => spec.Playbook.Plays[playIndex];
    private PlaybookTask Task(HostRun run) => Play.Tasks[run.TaskIndex];

    /// <summary>Runs once the journal has been read: a new job records its submission, a resumed one goes on.</summary>
    private void Begin()
    {
        if (journal.Ended is { } ended)
        {
            log.Information("Job {JobId} had already finished ({Outcome}); nothing to resume", spec.JobId, ended.Outcome);
            finished = true;
            results.AddRange(journal.Finished.Values.OrderBy(f => f.At).Select(ResultOf));
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
                spec.JobId, spec.Options.User, spec.PlaybookPath, allDevices.Count);
            Record(spec.Submission with
            {
                At = DateTimeOffset.UtcNow, Devices = allDevices, TaskCount = spec.Playbook.Plays.Sum(p => p.Tasks.Count),
            });
        }

        Emit(new JobStarted(spec.JobId, DateTimeOffset.UtcNow, spec.PlaybookPath, allDevices,
            spec.Playbook.Plays.Sum(p => p.Tasks.Count)));
        NextPlay();
    }

    protected override void PostStop()
    {
        localModules.Dispose();
        if (!finished) spec.Completion.TrySetException(new InvalidOperationException($"job {spec.JobId} stopped before it finished"));
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

        if (batchIndex == 0 || journal.Batches.Contains((playIndex, batchIndex)))
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

        if (StartCapturesBeforeBatch()) return;

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

    /// <summary>Starts the host's next step, recording skipped items and tasks on the way.</summary>
    private void Advance(HostRun run)
    {
        run.Advancing = true;
        try
        {
            Walk(run);
        }
        finally
        {
            run.Advancing = false;
        }
    }

    private void Walk(HostRun run)
    {
        while (!run.Done)
        {
            if (Stopping || run.TaskIndex >= Play.Tasks.Count)
            {
                run.Done = true;
                return;
            }

            var task = Task(run);
            Core.Templating.VariableScope scope;
            try
            {
                scope = TaskScope.ForTask(task, TaskScope.ForPlay(Play, run.Host, FactsOf(run.Host.Name)));
                if (run.Items is null)
                {
                    run.Looping = task.Loop is not null;
                    run.Items = task.Loop?.Expand(scope) ?? NoLoop;
                    run.ItemIndex = 0;
                    run.ItemResults.Clear();
                }
            }
            catch (Exception e)
            {
                run.Items = NoLoop;
                run.Looping = false;
                BeginStep(run);
                awaiting[run.StepId] = run;
                StepFinished(run.StepId, ModuleResult.Fail(e.Message), TaskOutcome.Failed, null, null);
                continue;
            }

            if (run.ItemIndex >= run.Items.Count)
            {
                TaskDone(run);
                continue;
            }

            var item = run.Items[run.ItemIndex];
            var itemScope = run.Looping ? TaskScope.ForItem(scope, item) : scope;
            BeginStep(run);
            awaiting[run.StepId] = run;
            var key = Key(run);
            if (journal.Finished.TryGetValue(key, out var recorded))
            {
                Replay(run, recorded);
                continue;
            }

            try
            {
                if (task.When is { } when && !when.IsTrue(itemScope))
                {
                    StepFinished(run.StepId, new ModuleResult(false, false, $"condition is false: {when.Source}",
                        new Dictionary<string, object?> { ["skipped"] = true }, new Dictionary<string, object?>()), TaskOutcome.Skipped, null, null);
                    continue;
                }

                var inFlight = journal.InFlight.ContainsKey(key);
                Emit(new TaskStarted(spec.JobId, DateTimeOffset.UtcNow, run.Host.Name, playIndex, run.TaskIndex, task.Name));
                if (task.Timeout is { } timeout) Timers.StartSingleTimer(run.StepId, new StepTimedOut(run.StepId), timeout);
                var stepId = run.StepId;
                Action start = task.Module switch
                {
                    ILocalModule local => () => StartLocal(stepId, local, task.Args, itemScope),
                    IDeviceModule device => DeviceStart(run, key, device.Prepare(task.Args, itemScope), inFlight),
                    _ => throw new NotSupportedException($"module '{task.Module.Name}' cannot run here"),
                };
                if (inFlight)
                {
                    start();
                }
                else
                {
                    // The device work goes out only once the journal holds the start, so a crash can never leave
                    // work on a device that the journal does not know about.
                    Record(new JobJournal.TaskStarted(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex,
                        key.ItemIndex, task.Name, task.Module.Name), start);
                }

                return;
            }
            catch (Exception e)
            {
                StepFinished(run.StepId, ModuleResult.Fail(e.Message), TaskOutcome.Failed, null, null);
            }
        }
    }

    private void BeginStep(HostRun run)
    {
        run.StepId = ++nextStep;
        run.StepStartedAt = DateTimeOffset.UtcNow;
        run.StepStartedTicks = Stopwatch.GetTimestamp();
    }

    private void StartLocal(long stepId, ILocalModule module, ModuleArgs args, Core.Templating.VariableScope scope)
    {
        var pending = module.ExecuteAsync(args, new TaskContext(scope), localModules.Token);
        if (pending.IsCompletedSuccessfully)
        {
            Self.Tell(new LocalModuleFinished(stepId, pending.Result));
            return;
        }

        pending.AsTask().PipeTo(Self,
            success: r => new LocalModuleFinished(stepId, r),
            failure: e => new LocalModuleFinished(stepId, ModuleResult.Fail(e is OperationCanceledException ? "cancelled" : e.Message)));
    }

    private JobJournal.StepKey Key(HostRun run) => new(run.Host.Name, playIndex, run.TaskIndex, run.ItemIndex);

    /// <summary>How a device step starts. A configuration change is bracketed by reads of the running
    /// configuration (the audit trail); one that was in flight when the last process died is reconciled first.</summary>
    private Action DeviceStart(HostRun run, JobJournal.StepKey key, DeviceRequest request, bool inFlight)
    {
        run.ConfigBefore = null;
        run.Applied = null;
        run.Transaction = null;
        run.RestorePoint = null;
        run.Strategy = null;
        run.ApplyAttempts = 0;
        run.RestoreAttempts = 0;
        run.Failure = null;
        if (request is not ApplyConfig || spec.Options.Check) return () => Request(run, request, Phase.Run);
        if (inFlight && journal.ConfigsBefore.TryGetValue(key, out var before))
        {
            run.ConfigBefore = before;
            return () => Request(run, new ReadConfig(), Phase.Reconcile);
        }

        return () => Request(run, new ReadConfig(), Phase.ReadBefore);
    }

    private void Request(HostRun run, DeviceRequest request, Phase phase)
    {
        var task = Task(run);
        var requestId = ++nextRequest;
        requests[requestId] = (run.StepId, phase);
        if (request is SnmpRequest snmp) request = snmp with { Endpoint = SnmpEndpoint.For(run.Host) };
        SendToDevice(run, new RunDeviceRequest(run.Host.Name, requestId, spec.JobId, ConnectionOf(run.Host), request,
            spec.Options.Check, task.Timeout + DeviceGrace, idleTimeout));
    }

    private void SendToDevice(HostRun run, RunDeviceRequest request)
    {
        if (spec.Options.Forks is { } forks && devicesInFlight >= forks)
        {
            waitingForFork.Enqueue((run, request));
            return;
        }

        devicesInFlight++;
        spec.Devices.Tell(request);
    }

    private void DeviceReplied(long requestId, object reply)
    {
        devicesInFlight--;
        while (waitingForFork.Count > 0 && (spec.Options.Forks is not { } forks || devicesInFlight < forks))
        {
            var (_, request) = waitingForFork.Dequeue();
            devicesInFlight++;
            spec.Devices.Tell(request);
        }

        if (haltRestores.Remove(requestId, out var change))
        {
            HaltRestored(change, reply);
            return;
        }

        if (!requests.Remove(requestId, out var of) || !awaiting.TryGetValue(of.StepId, out var run) || run.StepId != of.StepId) return;
        if (reply is DeviceRequestFailed failed)
        {
            switch (of.Phase)
            {
                case Phase.Apply when run.Transaction is not null && failed.Kind is FailureKind.Dropped or FailureKind.TimedOut:
                    // Part of the change (or all of it) may be on the device: take it back before anything else.
                    RollBack(run, $"the change was cut short: {failed.Message}", transient: true);
                    return;
                case Phase.PostCheck:
                    RollBack(run, $"post-check '{Play.PostChecks[run.CheckIndex].Name}' failed: {failed.Message}");
                    return;
                case Phase.Confirm:
                    RollBack(run, $"the change could not be confirmed: {failed.Message}");
                    return;
                case Phase.Restore:
                    RestoreFailed(run, failed);
                    return;
            }

            var (result, outcome, output, diff) = Failed(failed);
            if (of.Phase == Phase.ReadAfter && run.Applied is { } applied)
            {
                // The change went in; only the audit read failed. The task changed the device all the same.
                FinishApplied(run, applied, null);
                return;
            }

            StepFinished(of.StepId, result, outcome, output, diff);
            return;
        }

        var done = (DeviceRequestCompleted)reply;
        var key = Key(run);
        switch (of.Phase)
        {
            case Phase.Run:
            {
                var (result, outcome, output, diff) = Completed(done);
                if (Task(run).Args is CommandArgs { Parse: not null } command && output is not null)
                {
                    (result, outcome) = Parsed(run, command, result, output);
                }

                StepFinished(of.StepId, result, outcome, output, diff);
                break;
            }
            case Phase.ReadBefore:
                run.ConfigBefore = done.Output ?? "";
                Record(new JobJournal.ConfigRead(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex,
                    run.ConfigBefore), () => ApplyTransaction(run));
                break;
            case Phase.Apply when done.Changed && run.Transaction is not null:
                run.Applied = done with { Output = null };
                run.RestorePoint = done.Output;
                run.Strategy = done.Strategy;
                Record(new JobJournal.ChangeApplied(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex,
                    run.Transaction, done.Diff ?? PlannedDiff(run), done.Output, Play.ConfirmMinutes, run.ConfigBefore ?? "") { Strategy = done.Strategy },
                    () => NextCheck(run, 0));
                break;
            case Phase.PostCheck:
                CheckOutput(run, done.Output ?? "");
                break;
            case Phase.Confirm:
                run.Applied = run.Applied! with { Output = done.Output };
                Record(new JobJournal.DeviceConfirmed(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex,
                    run.Transaction!), () => Request(run, new ReadConfig(), Phase.ReadAfter));
                break;
            case Phase.Restore:
                Restored(run, done.Output ?? "");
                break;
            case Phase.Apply when done.Changed:
                run.Applied = done;
                Request(run, new ReadConfig(), Phase.ReadAfter);
                break;
            case Phase.Apply:
            {
                // Every line was on the device already: nothing was sent, nothing needs confirming.
                var (result, outcome, output, diff) = Completed(done);
                if (run.Transaction is not null) result = result with { Message = "already configured: every line is on the device, nothing sent" };
                StepFinished(of.StepId, result, outcome, output, diff);
                break;
            }
            case Phase.ReadAfter:
                FinishApplied(run, run.Applied!, done.Output);
                break;
            case Phase.Reconcile:
                Reconcile(run, done.Output ?? "");
                break;
        }
    }

    /// <summary>The change goes in under its transaction: the device's own safety net where it has one (commit confirmed,
    /// commit timer, configure replace with a timer), live but reverting by itself unless confirmed after the
    /// post-checks; otherwise merged, with the backup read before as the way back.</summary>
    private void ApplyTransaction(HostRun run)
    {
        var key = Key(run);
        run.Transaction = ConfigTransaction.NameFor(spec.JobId, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex);
        run.ApplyAttempts++;
        run.Failure = null;
        run.RestoreAttempts = 0;
        Request(run, CurrentRequest(run) with
        {
            ConfirmMinutes = Play.ConfirmMinutes, Transaction = run.Transaction, Strategy = RequestedStrategy(run.Host), Backup = run.ConfigBefore,
        }, Phase.Apply);
    }

    /// <summary>The play's <c>transaction:</c>, else the host's; null (auto) lets the device's capabilities decide.</summary>
    private string? RequestedStrategy(Host host) =>
        (Play.Transaction ?? host.Transaction) is { } mode and not TransactionMode.Auto ? mode.Name() : null;

    /// <summary>What a strategy means for the operator reading a result.</summary>
    private static string Describe(string? strategy) => strategy switch
    {
        "merge" => "transaction 'merge': backup taken, lines merged, verified restore on failure",
        "none" => "transaction 'none': lines merged, nothing restored on failure",
        _ => "transaction 'replace': the device's own timed revert, confirmed after the post-checks",
    };

    private Core.Templating.VariableScope StepScope(HostRun run)
    {
        var task = Task(run);
        var scope = TaskScope.ForTask(task, TaskScope.ForPlay(Play, run.Host, FactsOf(run.Host.Name)));
        return run.Looping ? TaskScope.ForItem(scope, run.Items![run.ItemIndex]) : scope;
    }

    /// <summary>Runs post-check <paramref name="index"/>, or confirms the change once every check passed.</summary>
    private void NextCheck(HostRun run, int index)
    {
        run.CheckIndex = index;
        if (index >= Play.PostChecks.Count)
        {
            Request(run, new ConfirmConfig(run.Transaction!, CurrentRequest(run).Save, run.Strategy), Phase.Confirm);
            return;
        }

        var check = Play.PostChecks[index];
        try
        {
            var scope = StepScope(run);
            if (check.Command is { } command)
            {
                Request(run, new CommandModule().Prepare(command, scope), Phase.PostCheck);
                return;
            }

            var stepId = run.StepId;
            PostChecks.ReachabilityAsync(check, run.Host, scope, localModules.Token).PipeTo(Self,
                success: failure => new PostCheckDone(stepId, index, failure),
                failure: e => new PostCheckDone(stepId, index, e.Message));
        }
        catch (Exception e)
        {
            RollBack(run, $"post-check '{check.Name}' failed: {e.Message}");
        }
    }

    private void CheckOutput(HostRun run, string output)
    {
        var check = Play.PostChecks[run.CheckIndex];
        try
        {
            var command = check.Command!;
            var scope = StepScope(run).With("output", output);
            var sent = (SendCommand)new CommandModule().Prepare(command, scope);
            if (CommandModule.ParseOutput(command, run.Host.Platform ?? "", sent.Command, output) is { } records)
            {
                scope = scope.With("parsed", records);
            }

            if (check.That.FirstOrDefault(c => !c.IsTrue(scope)) is { } failing)
            {
                RollBack(run, $"post-check '{check.Name}' failed: {failing.Source} is false");
                return;
            }
        }
        catch (Exception e)
        {
            RollBack(run, $"post-check '{check.Name}' failed: {e.Message}");
            return;
        }

        NextCheck(run, run.CheckIndex + 1);
    }

    /// <summary>Takes the change in progress back: the device is restored to the backup read before the change, and read
    /// back to verify the restore took.</summary>
    private void RollBack(HostRun run, string reason, bool transient = false)
    {
        if (run.Strategy == "none")
        {
            FailChange(run, $"{reason}; not rolled back: the change stays on the device ({Describe(run.Strategy)}; "
                + "set 'transaction: merge' or 'auto' on the play or host to have NetFleet restore the backup)", verified: false, rolledBack: false);
            return;
        }

        log.Information("Job {JobId}: rolling {Device} back: {Reason}", spec.JobId, run.Host.Name, reason);
        run.Failure = reason;
        run.Transient = transient;
        run.RestoreAttempts = 0;
        Restore(run);
    }

    private void Restore(HostRun run)
    {
        run.RestoreAttempts++;
        Request(run, new RestoreConfig(run.ConfigBefore ?? "", run.RestorePoint, run.Transaction!), Phase.Restore);
    }

    private void Restored(HostRun run, string current)
    {
        var key = Key(run);
        var verified = ConfigText.Same(current, run.ConfigBefore ?? "");
        Record(new JobJournal.DeviceRolledBack(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex,
            run.Failure ?? "", verified, "netfleet"), () =>
        {
            if (verified && run.Transient && run.ApplyAttempts < MaxApplyAttempts && !Stopping)
            {
                Timers.StartSingleTimer(("retry-apply", run.StepId), new RetryApply(run.StepId), RetryBackoff * run.ApplyAttempts);
                return;
            }

            var outcome = verified
                ? $"rolled back to the backup (verified: the running configuration equals it; {Describe(run.Strategy)})"
                : "rolled back, but the running configuration read back differs from the backup:\n"
                  + ConfigText.LineDiff(run.ConfigBefore ?? "", current);
            FailChange(run, $"{run.Failure}; {outcome}", verified);
        });
    }

    private void RestoreFailed(HostRun run, DeviceRequestFailed failed)
    {
        if (run.RestoreAttempts < MaxRestoreAttempts && failed.Kind is not FailureKind.Rejected)
        {
            Timers.StartSingleTimer(("retry-restore", run.StepId), new RetryRestore(run.StepId), RetryBackoff * Math.Pow(2, run.RestoreAttempts));
            return;
        }

        var key = Key(run);
        var reason = $"{run.Failure}; NetFleet could not restore the backup ({failed.Message})";
        if (run.Strategy == "merge")
        {
            // A merged change has no timer on the device: it stays until someone restores the backup.
            Record(new JobJournal.DeviceRolledBack(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex,
                reason, false, "netfleet"), () => FailChange(run,
                $"{reason}; the change stays on the device ({Describe(run.Strategy)}): restore it with 'netfleet rollback {spec.JobId}'", false));
            return;
        }

        // The change was never confirmed: the device's own timer takes it back.
        Record(new JobJournal.DeviceRolledBack(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex,
            reason, false, "device-timer"), () => FailChange(run,
            $"{reason}; the change was never confirmed, so the device reverts it by itself within {Play.ConfirmMinutes} minute(s)", false));
    }

    private void FailChange(HostRun run, string message, bool verified, bool rolledBack = true)
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["rolled_back"] = rolledBack, ["rollback_verified"] = verified };
        if (run.Strategy is { } strategy) data["transaction"] = strategy;
        var diff = run.Applied is null ? null : run.Applied.Diff ?? PlannedDiff(run);
        if (diff is not null) data["diff"] = diff;
        StepFinished(run.StepId, ModuleResult.Fail(message, data), TaskOutcome.Failed, null, diff);
    }

    /// <summary>On a halt with <c>rollback: batch</c> or <c>job</c>, the confirmed changes of the failed batch (or of the
    /// whole job) are taken back too, each device to its backup from before the job's first change to it.</summary>
    private bool StartHaltRollback()
    {
        if (haltRollbackStarted || haltReason is null || playIndex < 0 || playIndex >= spec.Playbook.Plays.Count) return false;
        haltRollbackStarted = true;
        var scope = Play.Rollback;
        var batch = runs.Select(r => r.Host.Name).ToHashSet(StringComparer.Ordinal);
        var targets = journal.StandingChanges()
            .Where(c => scope == RollbackScope.Job || (scope == RollbackScope.Batch ? batch.Contains(c.Device) : failedHosts.Contains(c.Device)))
            .ToList();
        if (targets.Count == 0) return false;
        haltRollbackScope = scope.ToString().ToLowerInvariant();
        log.Warning("Job {JobId}: rollback {Scope}: restoring {Count} device(s)", spec.JobId, haltRollbackScope, targets.Count);
        foreach (var change in targets)
        {
            var host = spec.Inventory.Hosts.FirstOrDefault(h => h.Name == change.Device);
            if (host is null) continue;
            var requestId = ++nextRequest;
            haltRestores[requestId] = change;
            devicesInFlight++;
            spec.Devices.Tell(new RunDeviceRequest(change.Device, requestId, spec.JobId, ConnectionOf(host),
                new RestoreConfig(change.Before, change.RestorePoint, change.Transaction), false, null, idleTimeout));
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

    /// <summary>
    /// Adds the records a command task asked for (<c>parse: textfsm</c>) as <c>parsed</c>; output the
    /// template cannot take fails the task with the reason, like any other device answer it cannot use.
    /// </summary>
    private (ModuleResult, TaskOutcome) Parsed(HostRun run, CommandArgs command, ModuleResult result, string output)
    {
        var task = Task(run);
        var scope = TaskScope.ForTask(task, TaskScope.ForPlay(Play, run.Host, FactsOf(run.Host.Name)));
        if (run.Looping) scope = TaskScope.ForItem(scope, run.Items![run.ItemIndex]);
        var sent = (SendCommand)((IDeviceModule)task.Module).Prepare(task.Args, scope);
        try
        {
            var records = CommandModule.ParseOutput(command, run.Host.Platform ?? "", sent.Command, output);
            var data = new Dictionary<string, object?>(result.Data, StringComparer.Ordinal) { ["parsed"] = records };
            var parsed = result with { Data = data };
            return (parsed, TaskOutcomeOf(parsed));
        }
        catch (CommandParseException e)
        {
            log.Warning("Job {JobId}: {Device}: {Reason}", spec.JobId, run.Host.Name, e.Message);
            return (ModuleResult.Fail(e.Message, result.Data), TaskOutcome.Failed);
        }
    }

    /// <summary>The configuration request this step's task renders to (rendered again: templates are pure).</summary>
    private ApplyConfig CurrentRequest(HostRun run)
    {
        var task = Task(run);
        var scope = TaskScope.ForTask(task, TaskScope.ForPlay(Play, run.Host, FactsOf(run.Host.Name)));
        if (run.Looping) scope = TaskScope.ForItem(scope, run.Items![run.ItemIndex]);
        return (ApplyConfig)((IDeviceModule)task.Module).Prepare(task.Args, scope);
    }

    private void FinishApplied(HostRun run, DeviceRequestCompleted applied, string? after)
    {
        var before = run.ConfigBefore ?? "";
        var key = Key(run);
        var diff = applied.Diff ?? LineDiff(before, after ?? before);
        Record(new JobJournal.DeviceChanged(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex,
            Task(run).Name, before, after ?? "", diff));
        var (result, outcome, output, _) = Completed(applied);
        if (run.Strategy is { } strategy)
        {
            result = result with
            {
                Message = $"applied under {Describe(strategy)}",
                Data = new Dictionary<string, object?>(result.Data, StringComparer.Ordinal) { ["transaction"] = strategy },
            };
        }

        StepFinished(run.StepId, result, outcome, output, diff);
    }

    /// <summary>A configuration step that was in flight when the last process died: if every line is on the device
    /// now, the change took (or was there already) and is not applied again; otherwise it is applied.</summary>
    private void Reconcile(HostRun run, string current)
    {
        var apply = CurrentRequest(run);
        var key = Key(run);
        var before = run.ConfigBefore ?? "";
        if (!journal.Confirmed.Any(c => c.Key == key) && Missing(run, apply.Lines, before).Count > 0)
        {
            // The change was made (or begun) under a transaction that was never confirmed.
            var applied = journal.Changes.LastOrDefault(c => c.Key == key);
            run.Transaction = applied?.Transaction ?? ConfigTransaction.NameFor(spec.JobId, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex);
            run.RestorePoint = applied?.RestorePoint;
            run.Strategy = applied?.Strategy;
            if (Missing(run, apply.Lines, current).Count == 0)
            {
                log.Information("Job {JobId}: {Device} holds the unconfirmed change of task {Task}; checking and confirming it",
                    spec.JobId, run.Host.Name, Task(run).Name);
                run.ApplyAttempts = 1;
                var changeDiff = applied?.Diff ?? LineDiff(before, current);
                run.Applied = new DeviceRequestCompleted(key.Device, 0, null, true, changeDiff, TimeSpan.Zero, TimeSpan.Zero);
                if (applied is not null)
                {
                    NextCheck(run, 0);
                    return;
                }

                Record(new JobJournal.ChangeApplied(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex,
                    run.Transaction, changeDiff, null, Play.ConfirmMinutes, before), () => NextCheck(run, 0));
                return;
            }

            // Partly there, or reverted by the device already: back to the backup, then the change again.
            run.ApplyAttempts = 0;
            RollBack(run, "the change was cut short by a restart", transient: true);
            return;
        }

        if (Missing(run, apply.Lines, current).Count > 0)
        {
            log.Information("Job {JobId}: {Device} lacks part of task {Task}; applying it", spec.JobId, run.Host.Name, Task(run).Name);
            Request(run, apply, Phase.Apply);
            return;
        }

        var changed = Missing(run, apply.Lines, before).Count > 0;
        string? diff = null;
        if (changed)
        {
            diff = LineDiff(before, current);
            Record(new JobJournal.DeviceChanged(spec.JobId, DateTimeOffset.UtcNow, key.Device, key.PlayIndex, key.TaskIndex, key.ItemIndex,
                Task(run).Name, before, current, diff));
        }

        reconciled.Add(run.StepId);
        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["reconciled"] = true };
        if (diff is not null) data["diff"] = diff;
        var result = ModuleResult.Ok("reconciled after a restart: the configuration was already on the device", data, changed: changed);
        StepFinished(run.StepId, result, TaskOutcomeOf(result), null, diff);
    }

    /// <summary>What a change sent, for a platform without a diff of its own (IOS) before the configuration is read back:
    /// the lines the backup lacked.</summary>
    private string PlannedDiff(HostRun run) =>
        string.Join('\n', Missing(run, CurrentRequest(run).Lines, run.ConfigBefore ?? "").Select(l => "+ " + l.TrimEnd()));

    /// <summary>The lines the configuration lacks, compared the way the host's platform compares them (section-aware).</summary>
    private static IReadOnlyList<string> Missing(HostRun run, IReadOnlyList<string> lines, string config) =>
        PlatformCatalog.Find(run.Host.Platform ?? "")?.PendingLines(lines, config) ?? ConfigText.IndentedPending(lines, config);

    /// <summary>The change between two reads of the running configuration, without the lines the device changes by
    /// itself (timestamps, sizes); empty when they hold the same configuration.</summary>
    private static string LineDiff(string before, string after) => ConfigText.LineDiff(before, after) ?? "";

    /// <summary>A step the journal says finished before the restart: its result and facts count, the device is not asked.</summary>
    private void Replay(HostRun run, JobJournal.TaskFinished recorded)
    {
        var result = new ModuleResult(recorded.Failed, recorded.Changed, recorded.Message ?? recorded.Output,
            JsonValues.ToDictionary(recorded.Data), JsonValues.ToDictionary(recorded.Facts));
        replayed[run.StepId] = recorded;
        StepFinished(run.StepId, result, Enum.Parse<TaskOutcome>(recorded.Status, ignoreCase: true), recorded.Output, recorded.Diff);
    }

    private void StepFinished(long stepId, ModuleResult result, TaskOutcome outcome, string? output, string? diff)
    {
        if (!awaiting.Remove(stepId, out var run) || run.StepId != stepId) return;
        Timers.Cancel(stepId);
        var task = Task(run);
        var ignored = outcome == TaskOutcome.Failed && task.IgnoreErrors;
        TaskResult taskResult;
        if (replayed.Remove(stepId, out var recorded))
        {
            taskResult = ResultOf(recorded);
        }
        else
        {
            taskResult = new TaskResult(spec.JobId, run.Host.Name, playIndex, run.TaskIndex, task.Name, task.Module.Name, outcome,
                run.StepStartedAt, Stopwatch.GetElapsedTime(run.StepStartedTicks))
            {
                Output = output ?? (outcome is TaskOutcome.Ok or TaskOutcome.Changed ? result.Message : null),
                Diff = diff,
                Message = outcome is TaskOutcome.Failed or TaskOutcome.Unreachable or TaskOutcome.Skipped ? result.Message : null,
                Parsed = result.Data.TryGetValue("parsed", out var records) ? records : result.Facts.Count > 0 ? result.Facts : null,
                Item = run.Looping ? Convert.ToString(run.Items![run.ItemIndex], System.Globalization.CultureInfo.InvariantCulture) : null,
                Ignored = ignored,
                Transaction = result.Data.TryGetValue("transaction", out var strategy) ? strategy as string : null,
            };
            if (!journal.Finished.ContainsKey(Key(run))) Record(new JobJournal.TaskFinished(spec.JobId, DateTimeOffset.UtcNow, run.Host.Name, playIndex, run.TaskIndex, run.ItemIndex,
                task.Name, task.Module.Name, outcome.ToString().ToLowerInvariant(), result.Failed, result.Changed, taskResult.Output,
                taskResult.Message, diff, taskResult.Item, ignored, JsonValues.ToElement(result.Data), JsonValues.ToElement(result.Facts),
                taskResult.StartedAt, taskResult.Duration.TotalMilliseconds, reconciled.Remove(stepId)));
        }

        results.Add(taskResult);
        Emit(new TaskFinished(spec.JobId, DateTimeOffset.UtcNow, taskResult));
        if (outcome is TaskOutcome.Failed or TaskOutcome.Unreachable)
        {
            log.Warning("Job {JobId} task {Task} {Outcome} on {Device}: {Message}", spec.JobId, task.Name, outcome, run.Host.Name, result.Message);
        }

        foreach (var (name, value) in result.Facts) FactsOf(run.Host.Name)[name] = value;
        run.ItemResults.Add(result);
        run.ItemIndex++;

        if (outcome == TaskOutcome.Unreachable || (outcome == TaskOutcome.Failed && !ignored))
        {
            // The rest of the items and tasks do not run on this host; it leaves the job.
            Register(run, task);
            HostFailed(run, task, outcome);
        }

        if (run.Advancing) return;
        if (!run.Done) Advance(run);
        BatchMayBeDone();
    }

    private void TaskDone(HostRun run)
    {
        Register(run, Task(run));
        run.TaskIndex++;
        run.Items = null;
    }

    private void Register(HostRun run, PlaybookTask task)
    {
        if (task.Register is not { } name) return;
        var ran = run.ItemResults.Where(r => !r.Data.ContainsKey("skipped")).ToList();
        // A skipped task does not overwrite what an earlier task registered under the same name, so two tasks
        // with opposite conditions can share one name (the sample playbook does this).
        if (ran.Count == 0) return;
        FactsOf(run.Host.Name)[name] = run.Looping
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["results"] = run.ItemResults.Select(r => (object?)r.ToRegistered()).ToList(),
                ["changed"] = ran.Any(r => r.Changed),
                ["failed"] = ran.Any(r => r.Failed),
                ["msg"] = ran.LastOrDefault(r => r.Failed)?.Message ?? "all items completed",
            }
            : ran[^1].ToRegistered();
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

        if (runs.All(r => r.Done) && !StopCapturesAfterBatch()) NextBatch();
    }

    private void FinishIfIdle()
    {
        if (finished || awaiting.Count > 0 || haltRestores.Count > 0) return;
        if (!cancelled && StartHaltRollback()) return;
        if (CapturesStillOpen()) return;
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
            Stopwatch.GetElapsedTime(startedTicks)) { HaltReason = halt };

    private TaskResult ResultOf(JobJournal.TaskFinished f) =>
        new(spec.JobId, f.Device, f.PlayIndex, f.TaskIndex, f.Task, f.Module, Enum.Parse<TaskOutcome>(f.Status, ignoreCase: true),
            f.StartedAt, TimeSpan.FromMilliseconds(f.DurationMs))
        {
            Output = f.Output,
            Diff = f.Diff,
            Message = f.Message,
            Parsed = f.Facts is { } facts && JsonValues.ToDictionary(facts) is { Count: > 0 } parsed ? parsed : null,
            Item = f.Item,
            Ignored = f.Ignored,
            Transaction = f.Data is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("transaction", out var strategy)
                && strategy.ValueKind == JsonValueKind.String ? strategy.GetString() : null,
        };

    /// <summary>Writes an event to the journal (tagged for the history) and runs <paramref name="then"/> once it is
    /// stored. Events are written in order; commands keep flowing meanwhile.</summary>
    private void Record(JobJournal.IEvent e, Action? then = null)
    {
        journal.Apply(e);
        PersistAsync(new Tagged(e, Tags), _ =>
        {
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(journal.ToSnapshot());
            then?.Invoke();
        });
    }

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

    private static TaskOutcome TaskOutcomeOf(ModuleResult result) =>
        result.Failed ? TaskOutcome.Failed : result.Changed ? TaskOutcome.Changed : TaskOutcome.Ok;

    private static (ModuleResult, TaskOutcome, string?, string?) Completed(DeviceRequestCompleted done)
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (done.Output is { } output)
        {
            data["stdout"] = output;
            data["stdout_lines"] = output.Split('\n').Select(l => (object?)l).ToList();
        }

        if (done.Diff is { } diff) data["diff"] = diff;
        if (done.Data is { } extra)
        {
            foreach (var (key, value) in extra) data[key] = value;
        }
        var result = ModuleResult.Ok(data: data, changed: done.Changed);
        return (result, TaskOutcomeOf(result), done.Output, done.Diff);
    }

    private static (ModuleResult, TaskOutcome, string?, string?) Failed(DeviceRequestFailed failed) =>
        (ModuleResult.Fail(failed.Message),
            failed.Kind is FailureKind.Unreachable or FailureKind.Dropped ? TaskOutcome.Unreachable : TaskOutcome.Failed,
            null, null);
}

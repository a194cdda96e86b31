using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using DiffPlex;
using NetFleet.Actors.Devices;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using NetFleet.Devices;
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
public sealed class JobOrchestrator : ReceivePersistentActor, IWithTimers
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
        public bool Done;
        /// <summary>True while <see cref="Advance"/> walks this host, so a step finishing inline does not re-enter it.</summary>
        public bool Advancing;
    }

    private static readonly object?[] NoLoop = [null];

    // The task's timeout is the orchestrator's to enforce (and to report); the device gets a little longer, so it
    // frees itself from a hung request without racing the orchestrator's verdict.
    private static readonly TimeSpan DeviceGrace = TimeSpan.FromMilliseconds(500);

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
        Command<CancelJob>(_ =>
        {
            if (cancelled || finished) return;
            log.Information("Job {JobId} cancelled", spec.JobId);
            cancelled = true;
            localModules.Cancel();
            waitingForFork.Clear();
            FinishIfIdle();
        });
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

        if (!requests.Remove(requestId, out var of) || !awaiting.TryGetValue(of.StepId, out var run) || run.StepId != of.StepId) return;
        if (reply is DeviceRequestFailed failed)
        {
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
                    run.ConfigBefore), () => Request(run, CurrentRequest(run), Phase.Apply));
                break;
            case Phase.Apply when done.Changed:
                run.Applied = done;
                Request(run, new ReadConfig(), Phase.ReadAfter);
                break;
            case Phase.Apply:
            {
                var (result, outcome, output, diff) = Completed(done);
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
        StepFinished(run.StepId, result, outcome, output, diff);
    }

    /// <summary>A configuration step that was in flight when the last process died: if every line is on the device
    /// now, the change took (or was there already) and is not applied again; otherwise it is applied.</summary>
    private void Reconcile(HostRun run, string current)
    {
        var apply = CurrentRequest(run);
        if (Missing(apply.Lines, current).Count > 0)
        {
            log.Information("Job {JobId}: {Device} lacks part of task {Task}; applying it", spec.JobId, run.Host.Name, Task(run).Name);
            Request(run, apply, Phase.Apply);
            return;
        }

        var before = run.ConfigBefore ?? "";
        var changed = Missing(apply.Lines, before).Count > 0;
        var key = Key(run);
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

    private static List<string> Missing(IReadOnlyList<string> lines, string config)
    {
        var present = config.Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        return lines.Where(l => !present.Contains(l.Trim())).ToList();
    }

    private static string LineDiff(string before, string after)
    {
        var diff = Differ.Instance.CreateLineDiffs(before, after, ignoreWhitespace: true);
        var lines = new List<string>();
        foreach (var block in diff.DiffBlocks)
        {
            lines.AddRange(diff.PiecesOld.Skip(block.DeleteStartA).Take(block.DeleteCountA).Select(l => "- " + l));
            lines.AddRange(diff.PiecesNew.Skip(block.InsertStartB).Take(block.InsertCountB).Select(l => "+ " + l));
        }

        return string.Join('\n', lines);
    }

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

        if (runs.All(r => r.Done)) NextBatch();
    }

    private void FinishIfIdle()
    {
        if (finished || awaiting.Count > 0) return;
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
        var platform = host.Platform ?? throw new InvalidOperationException($"{host.Name} has no platform in the inventory");
        var username = host.Username ?? throw new InvalidOperationException($"{host.Name} has no username in the inventory");
        options = new DeviceConnectionOptions(host.Hostname, platform, new SshCredentials(username) { Password = host.Password?.Reveal() })
        {
            Name = host.Name,
            Port = host.Port,
            EnableSecret = host.EnableSecret?.Reveal(),
            TrustNewHostKeys = spec.Options.TrustNewHostKeys,
        };
        if (spec.Options.KnownHostsPath is { } knownHosts) options = options with { KnownHostsPath = knownHosts };
        connections[host.Name] = options;
        return options;
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
        var result = ModuleResult.Ok(data: data, changed: done.Changed);
        return (result, TaskOutcomeOf(result), done.Output, done.Diff);
    }

    private static (ModuleResult, TaskOutcome, string?, string?) Failed(DeviceRequestFailed failed) =>
        (ModuleResult.Fail(failed.Message),
            failed.Kind is FailureKind.Unreachable or FailureKind.Dropped ? TaskOutcome.Unreachable : TaskOutcome.Failed,
            null, null);
}

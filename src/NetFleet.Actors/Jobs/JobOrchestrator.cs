using System.Diagnostics;
using Akka.Actor;
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
/// </summary>
public sealed class JobOrchestrator : ReceiveActor, IWithTimers
{
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
    private readonly Queue<(HostRun Run, RunDeviceRequest Request)> waitingForFork = new();
    private readonly List<TaskResult> results = [];
    private readonly CancellationTokenSource localModules = new();
    private readonly DateTimeOffset startedAt = DateTimeOffset.UtcNow;
    private readonly long startedTicks = Stopwatch.GetTimestamp();
    private readonly TimeSpan idleTimeout;
    private long nextStep;
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

        Receive<DeviceRequestCompleted>(done => DeviceReplied(done.RequestId, Completed(done)));
        Receive<DeviceRequestFailed>(failed => DeviceReplied(failed.RequestId, Failed(failed)));
        Receive<LocalModuleFinished>(done => StepFinished(done.StepId, done.Result, TaskOutcomeOf(done.Result), null, null));
        Receive<StepTimedOut>(t =>
        {
            if (!awaiting.TryGetValue(t.StepId, out var run)) return;
            var task = Task(run);
            log.Warning("Job {JobId} task {Task} on {Device} timed out after {Timeout}", spec.JobId, task.Name, run.Host.Name, task.Timeout);
            StepFinished(t.StepId, ModuleResult.Fail($"timed out after {task.Timeout!.Value.TotalSeconds:0.###} s"), TaskOutcome.Failed, null, null);
        });
        Receive<CancelJob>(_ =>
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

    public static Props Props(JobSpec spec, Serilog.ILogger log) => Akka.Actor.Props.Create(() => new JobOrchestrator(spec, log));

    private bool Stopping => cancelled || haltReason is not null;
    private Play Play => spec.Playbook.Plays[playIndex];
    private PlaybookTask Task(HostRun run) => Play.Tasks[run.TaskIndex];

    protected override void PreStart()
    {
        log.Information("Job {JobId} started by {User}: {Playbook} on {DeviceCount} device(s)",
            spec.JobId, spec.Options.User, spec.PlaybookPath, allDevices.Count);
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
        Emit(new BatchStarted(spec.JobId, DateTimeOffset.UtcNow, playIndex, batchIndex, batches.Count, batch.Select(h => h.Name).ToList()));
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
            try
            {
                if (task.When is { } when && !when.IsTrue(itemScope))
                {
                    StepFinished(run.StepId, new ModuleResult(false, false, $"condition is false: {when.Source}",
                        new Dictionary<string, object?> { ["skipped"] = true }, new Dictionary<string, object?>()), TaskOutcome.Skipped, null, null);
                    continue;
                }

                Emit(new TaskStarted(spec.JobId, DateTimeOffset.UtcNow, run.Host.Name, playIndex, run.TaskIndex, task.Name));
                if (task.Timeout is { } timeout) Timers.StartSingleTimer(run.StepId, new StepTimedOut(run.StepId), timeout);
                switch (task.Module)
                {
                    case ILocalModule local:
                        StartLocal(run.StepId, local, task.Args, itemScope);
                        break;
                    case IDeviceModule device:
                        SendToDevice(run, new RunDeviceRequest(run.Host.Name, run.StepId, spec.JobId, ConnectionOf(run.Host),
                            device.Prepare(task.Args, itemScope), spec.Options.Check, task.Timeout + DeviceGrace, idleTimeout));
                        break;
                    default:
                        throw new NotSupportedException($"module '{task.Module.Name}' cannot run here");
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

    private void DeviceReplied(long stepId, (ModuleResult Result, TaskOutcome Outcome, string? Output, string? Diff) reply)
    {
        devicesInFlight--;
        while (waitingForFork.Count > 0 && (spec.Options.Forks is not { } forks || devicesInFlight < forks))
        {
            var (_, request) = waitingForFork.Dequeue();
            devicesInFlight++;
            spec.Devices.Tell(request);
        }

        StepFinished(stepId, reply.Result, reply.Outcome, reply.Output, reply.Diff);
    }

    private void StepFinished(long stepId, ModuleResult result, TaskOutcome outcome, string? output, string? diff)
    {
        if (!awaiting.Remove(stepId, out var run) || run.StepId != stepId) return;
        Timers.Cancel(stepId);
        var task = Task(run);
        var ignored = outcome == TaskOutcome.Failed && task.IgnoreErrors;
        var taskResult = new TaskResult(spec.JobId, run.Host.Name, playIndex, run.TaskIndex, task.Name, task.Module.Name, outcome,
            run.StepStartedAt, Stopwatch.GetElapsedTime(run.StepStartedTicks))
        {
            Output = output ?? (outcome is TaskOutcome.Ok or TaskOutcome.Changed ? result.Message : null),
            Diff = diff,
            Message = outcome is TaskOutcome.Failed or TaskOutcome.Unreachable or TaskOutcome.Skipped ? result.Message : null,
            Parsed = result.Facts.Count > 0 ? result.Facts : null,
            Item = run.Looping ? Convert.ToString(run.Items![run.ItemIndex], System.Globalization.CultureInfo.InvariantCulture) : null,
            Ignored = ignored,
        };
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
        var summary = new JobSummary(spec.JobId, outcome, results, HostRecap.From(results, allDevices), startedAt,
            Stopwatch.GetElapsedTime(startedTicks)) { HaltReason = haltReason };
        log.Information("Job {JobId} finished: {Outcome} in {ElapsedMs:0} ms", spec.JobId, outcome, summary.Duration.TotalMilliseconds);
        Emit(new JobFinished(spec.JobId, DateTimeOffset.UtcNow, summary));
        spec.Completion.TrySetResult(summary);
        Context.Stop(Self);
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

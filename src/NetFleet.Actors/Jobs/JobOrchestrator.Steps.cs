// Over 400 lines: a step's whole life (start, device or local, retries, results) reads best in one file.
using System.Diagnostics;
using Akka.Actor;
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
/// Each host's steps: a host goes on to its next task (or loop item) as soon as its previous one ended, without waiting
/// for the other hosts of its batch. Local modules run on the thread pool and pipe back; device work goes to the device
/// actors, at most <c>forks</c> requests at a time.
/// </summary>
public sealed partial class JobOrchestrator
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
        /// <summary>The device request of the step in progress, and the configuration change it is part of, if any.</summary>
        public DeviceRequest? Sent;
        public ConfigChange? Change;
        public bool Done;
        /// <summary>True while <see cref="Advance"/> walks this host, so a step finishing inline does not re-enter it.</summary>
        public bool Advancing;
    }

    private static readonly object?[] NoLoop = [null];

    // The task's timeout is the orchestrator's to enforce (and to report); the device gets a little longer, so it
    // frees itself from a hung request without racing the orchestrator's verdict.
    private static readonly TimeSpan DeviceGrace = TimeSpan.FromMilliseconds(500);

    private PlaybookTask Task(HostRun run) => Play.Tasks[run.TaskIndex];

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
                    var reason = $"condition is false: {when.Source}";
                    StepFinished(run.StepId, new ModuleResult(false, false, reason,
                        new Dictionary<string, object?> { ["skipped"] = true, ["skip_reason"] = reason }, new Dictionary<string, object?>()),
                        TaskOutcome.Skipped, null, null);
                    continue;
                }

                var inFlight = journal.InFlight.ContainsKey(key);
                Emit(new TaskStarted(spec.JobId, DateTimeOffset.UtcNow, run.Host.Name, playIndex, run.TaskIndex, task.Name));
                if (task.Timeout is { } timeout) Timers.StartSingleTimer(run.StepId, new StepTimedOut(run.StepId), timeout);
                var stepId = run.StepId;
                Action start = task.Module switch
                {
                    ILocalModule local => () => StartLocal(stepId, local, task.Args, itemScope),
                    IDeviceModule device => DeviceStart(run, key, device.Prepare(task.Args, itemScope), itemScope, inFlight),
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
        run.Sent = null;
        run.Change = null;
        run.StepStartedAt = DateTimeOffset.UtcNow;
        run.StepStartedTicks = Stopwatch.GetTimestamp();
    }

    private void StartLocal(long stepId, ILocalModule module, ModuleArgs args, Core.Templating.VariableScope scope)
    {
        ValueTask<ModuleResult> pending;
        try
        {
            pending = module.ExecuteAsync(args, new TaskContext(scope), localModules.Token);
        }
        catch (Core.Templating.TemplateEvaluationException e)
        {
            // A condition that cannot be evaluated fails its task; thrown from here it would stop the orchestrator mid-job.
            pending = ValueTask.FromResult(ModuleResult.Fail(e.Message));
        }

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

    /// <summary>How a device step starts. A configuration change (outside check mode) is a <see cref="ConfigChange"/>,
    /// bracketed by reads of the running configuration; one that was in flight when the last process died is reconciled.</summary>
    private Action DeviceStart(HostRun run, JobJournal.StepKey key, DeviceRequest request, Core.Templating.VariableScope scope, bool inFlight)
    {
        run.Sent = request;
        if (request is not ConfigChangeRequest apply || spec.Options.Check) return () => Request(run, request);
        var change = run.Change = new ConfigChange(new ConfigChange.Setup(spec.JobId, key, Task(run).Name, run.Host.Platform ?? "", apply,
            Play.ConfirmMinutes, Play.PostChecks, RequestedStrategy(run.Host), scope, (lines, config) => Pending(run.Host, lines, config),
            () => Stopping), log);
        if (inFlight && journal.ConfigsBefore.TryGetValue(key, out var before))
        {
            return () => Perform(run, change.Resume(before, journal.Confirmed.Any(c => c.Key == key), journal.Changes.LastOrDefault(c => c.Key == key)));
        }

        return () => Perform(run, change.Start());
    }

    /// <summary>The play's <c>transaction:</c>, else the host's; null (auto) lets the device's capabilities decide.</summary>
    private string? RequestedStrategy(Host host) =>
        (Play.Transaction ?? host.Transaction) is { } mode and not TransactionMode.Auto ? mode.Name() : null;

    /// <summary>The lines the configuration lacks, compared the way the host's platform compares them (section-aware).</summary>
    private static IReadOnlyList<string> Pending(Host host, IReadOnlyList<string> lines, string config) =>
        PlatformCatalog.Find(host.Platform ?? "")?.PendingLines(lines, config) ?? ConfigText.IndentedPending(lines, config);

    private void Request(HostRun run, DeviceRequest request)
    {
        var task = Task(run);
        var requestId = ++nextRequest;
        requests[requestId] = run.StepId;
        if (request is SnmpRequest snmp) request = snmp with { Endpoint = SnmpEndpoint.For(run.Host) };
        SendToDevice(new RunDeviceRequest(run.Host.Name, requestId, spec.JobId, ConnectionOf(run.Host), request,
            spec.Options.Check, task.Timeout + DeviceGrace, idleTimeout));
    }

    /// <summary>Sends now, or queues until fewer than <c>forks</c> requests are in flight (devices already reached first).</summary>
    private void SendToDevice(RunDeviceRequest request)
    {
        if (spec.Options.Forks is { } forks && devicesInFlight >= forks)
        {
            waitingForFork.Enqueue(request);
            return;
        }

        devicesInFlight++;
        spec.Devices.Tell(waitingForFork.Sending(request));
    }

    private void DeviceReplied(long requestId, object reply)
    {
        devicesInFlight--;
        while (waitingForFork.Count > 0 && (spec.Options.Forks is not { } forks || devicesInFlight < forks))
        {
            devicesInFlight++;
            spec.Devices.Tell(waitingForFork.Dequeue());
        }

        if (haltRestores.Remove(requestId, out var change))
        {
            HaltRestored(change, reply);
            return;
        }

        if (!requests.Remove(requestId, out var stepId) || !awaiting.TryGetValue(stepId, out var run) || run.StepId != stepId) return;
        if (run.Change is { } configChange)
        {
            Perform(run, reply is DeviceRequestCompleted completed ? configChange.Completed(completed) : configChange.Failed((DeviceRequestFailed)reply));
            return;
        }

        if (reply is DeviceRequestFailed failed)
        {
            var (failure, failedOutcome) = DeviceReplies.Failed(failed);
            StepFinished(stepId, failure, failedOutcome, null, null);
            return;
        }

        var (result, _, output, diff) = DeviceReplies.Completed((DeviceRequestCompleted)reply);
        var task = Task(run);
        result = ((IDeviceModule)task.Module).Interpret(task.Args, run.Sent!, run.Host.Platform ?? "", output, result, StepScope(run));
        StepFinished(stepId, result, DeviceReplies.OutcomeOf(result), output, diff);
    }

    /// <summary>Carries out what a step's <see cref="ConfigChange"/> asked for, in order; after a <see cref="ConfigChange.Record"/>
    /// the rest waits until the event is stored, and is dropped if the step has ended meanwhile (timed out, cancelled).</summary>
    private void Perform(HostRun run, IReadOnlyList<ConfigChange.Effect> effects, int from = 0)
    {
        var stepId = run.StepId;
        for (var i = from; i < effects.Count; i++)
        {
            switch (effects[i])
            {
                case ConfigChange.Record { Wait: true } record:
                    var next = i + 1;
                    Record(record.Event, next == effects.Count ? null : () =>
                    {
                        if (awaiting.TryGetValue(stepId, out var current) && current == run && run.StepId == stepId) Perform(run, effects, next);
                    });
                    return;
                case ConfigChange.Record record:
                    Record(record.Event);
                    break;
                case ConfigChange.Send send:
                    Request(run, send.Request);
                    break;
                case ConfigChange.RunCheck check:
                    var index = check.Index;
                    PostChecks.ReachabilityAsync(check.Check, run.Host, StepScope(run), localModules.Token).PipeTo(Self,
                        success: failure => new PostCheckDone(stepId, index, failure),
                        failure: e => new PostCheckDone(stepId, index, e.Message));
                    break;
                case ConfigChange.RetryAfter retry:
                    Timers.StartSingleTimer(("retry", stepId), new RetryChange(stepId), retry.Delay);
                    break;
                case ConfigChange.Finish finish:
                    if (finish.Reconciled) reconciled.Add(stepId);
                    StepFinished(stepId, finish.Result, finish.Outcome, finish.Output, finish.Diff);
                    break;
            }
        }
    }

    private Core.Templating.VariableScope StepScope(HostRun run)
    {
        var scope = TaskScope.ForTask(Task(run), TaskScope.ForPlay(Play, run.Host, FactsOf(run.Host.Name)));
        return run.Looping ? TaskScope.ForItem(scope, run.Items![run.ItemIndex]) : scope;
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
            taskResult = recorded.ToResult();
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

    /// <summary>What <c>register</c> stores, as Ansible does: the result (or, for a loop, every item's result under
    /// <c>results</c>); a skipped task registers <c>skipped: true</c> with the reason too, so a later task sees that it
    /// did not run rather than what an earlier task left under the same name.</summary>
    private void Register(HostRun run, PlaybookTask task)
    {
        if (task.Register is not { } name || run.ItemResults.Count == 0) return;
        var ran = run.ItemResults.Where(r => !Skipped(r)).ToList();
        if (!run.Looping)
        {
            FactsOf(run.Host.Name)[name] = run.ItemResults[^1].ToRegistered();
            return;
        }

        var registered = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["results"] = run.ItemResults.Select(r => (object?)r.ToRegistered()).ToList(),
            ["changed"] = ran.Any(r => r.Changed),
            ["failed"] = ran.Any(r => r.Failed),
            ["msg"] = ran.Count == 0 ? "all items skipped" : ran.LastOrDefault(r => r.Failed)?.Message ?? "all items completed",
        };
        if (ran.Count == 0) registered["skipped"] = true;
        FactsOf(run.Host.Name)[name] = registered;
    }

    private static bool Skipped(ModuleResult result) => result.Data.TryGetValue("skipped", out var skipped) && skipped is true;
}

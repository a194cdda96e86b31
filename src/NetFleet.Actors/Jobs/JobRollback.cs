using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using NetFleet.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// <c>netfleet rollback JOB</c>: a job of its own (journal <c>job-ID</c>, in the history like any job) that puts every
/// device a finished job changed back to the configuration it had before the job's first confirmed change to it,
/// using the backups the job recorded. A device already on its backup is left alone (<c>ok</c>); every other one is
/// restored and read back to verify (<c>changed</c>, or <c>failed</c> when the read-back differs). Restarted (a crash,
/// a failover of the job manager), it goes on from its journal: devices it finished are not asked again, the others are
/// read and restored if they still need it.
/// </summary>
public sealed class JobRollback : ReceivePersistentActor
{
    public const string Module = "rollback";

    /// <param name="Submission">The rollback's submission, <see cref="JobJournal.JobSubmitted.RollbackOf"/> naming the job.</param>
    public sealed record RollbackSpec(JobJournal.JobSubmitted Submission, Inventory Inventory, JobOptions Options, IActorRef Devices,
        Action<JobEvent> OnEvent, TaskCompletionSource<JobSummary> Completion)
    {
        public string JobId => Submission.JobId;

        /// <summary>The job whose changes are taken back.</summary>
        public string Of => Submission.RollbackOf!;
    }

    private sealed record Recovered(JobJournal.State State);

    private static readonly string[] Tags = [JobJournal.Tag];
    private readonly RollbackSpec spec;
    private readonly Serilog.ILogger log;
    private readonly DateTimeOffset startedAt = DateTimeOffset.UtcNow;
    private readonly long startedTicks = Stopwatch.GetTimestamp();
    /// <summary>Requests in flight: the change they take back and, once read, the configuration found on the device.</summary>
    private readonly Dictionary<long, (JobJournal.ChangeApplied Change, string? Found, DateTimeOffset At)> pending = [];
    private readonly List<TaskResult> results = [];
    private readonly JobJournal.State own = new();
    private List<string> devices = [];
    /// <summary>Device entities drop a (job, request id) they have seen, so a job's next incarnation (after a crash or a
    /// failover) must not count from where its last one did: each starts at its own random point.</summary>
    private long nextRequest = DeviceRequestIds.Start();
    private bool finished;
    private string Task => $"roll back job {spec.Of}";

    public JobRollback(RollbackSpec spec, Serilog.ILogger log)
    {
        this.spec = spec;
        this.log = log.ForContext("JobId", spec.JobId);
        PersistenceId = JobJournal.PersistenceId(spec.JobId);
        Recover<JobJournal.IEvent>(e => own.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (own.Ended is { } ended)
            {
                finished = true;
                results.AddRange(own.Finished.Values.OrderBy(f => f.At).Select(f => f.ToResult()));
                spec.Completion.TrySetResult(Summary(Enum.Parse<JobOutcome>(ended.Outcome, ignoreCase: true), own.Submitted?.Devices ?? []));
                Context.Stop(Self);
                return;
            }

            Context.ActorOf(Akka.Actor.Props.Create(() => new JournalReader(spec.Of, Self)));
        });
        Command<Recovered>(r => Begin(r.State));
        Command<DeviceRequestCompleted>(done => Replied(done.RequestId, done));
        Command<DeviceRequestFailed>(failed => Replied(failed.RequestId, failed));
        // The configurations restored go into the archive like any job's (a rollback is NetFleet's change, not drift).
        Command<JobArchive.Done>(done =>
        {
            var events = JobArchive.Events(done.Outcome, own, Hosts(), spec.JobId).ToList();
            foreach (var e in events.SkipLast(1)) Record(e);
            Record(events[^1], () =>
            {
                archiving = false;
                FinishIfDone();
            });
        });
    }

    private bool archiving;

    private Dictionary<string, Host> Hosts() => spec.Inventory.Hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);

    public override string PersistenceId { get; }

    public static Props Props(RollbackSpec spec, Serilog.ILogger log) => Akka.Actor.Props.Create(() => new JobRollback(spec, log));

    private void Begin(JobJournal.State of)
    {
        if (of.Submitted is null || of.Ended is null)
        {
            spec.Completion.TrySetException(new InvalidOperationException(of.Submitted is null
                ? $"no job {spec.Of} in the journal" : $"job {spec.Of} has not finished; roll it back once it has"));
            Context.Stop(Self);
            return;
        }

        var changes = of.StandingChanges();
        devices = [.. changes.Select(c => c.Device)];
        if (own.Submitted is null)
        {
            Record(spec.Submission with { At = DateTimeOffset.UtcNow, Devices = devices, TaskCount = devices.Count });
            log.Information("Job {JobId}: rolling back job {Of} on {Count} device(s)", spec.JobId, spec.Of, devices.Count);
        }
        else
        {
            Record(new JobJournal.JobResumed(spec.JobId, DateTimeOffset.UtcNow, spec.Options.User));
            log.Information("Job {JobId}: rollback of job {Of} resumed, {Done} of {Count} device(s) done", spec.JobId, spec.Of,
                own.Finished.Count, devices.Count);
        }

        Emit(new JobStarted(spec.JobId, DateTimeOffset.UtcNow, spec.Submission.PlaybookPath, devices, devices.Count));
        foreach (var change in changes)
        {
            if (own.Finished.TryGetValue(new JobJournal.StepKey(change.Device, 0, 0, 0), out var done))
            {
                results.Add(done.ToResult());
                continue;
            }

            if (!own.InFlight.ContainsKey(new JobJournal.StepKey(change.Device, 0, 0, 0)))
            {
                Record(new JobJournal.TaskStarted(spec.JobId, DateTimeOffset.UtcNow, change.Device, 0, 0, 0, Task, Module));
            }

            Send(change, ConfigChangeKind.ReadFor(change), found: null, DateTimeOffset.UtcNow);
        }

        FinishIfDone();
    }

    private JobSummary Summary(JobOutcome outcome, IReadOnlyList<string> all) =>
        new(spec.JobId, outcome, results, HostRecap.From(results, all), own.Submitted?.At ?? startedAt, Stopwatch.GetElapsedTime(startedTicks))
        {
            Archive = JobArchive.Summary(own),
        };

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

    private void Send(JobJournal.ChangeApplied change, DeviceRequest request, string? found, DateTimeOffset at)
    {
        var host = spec.Inventory.FindHost(change.Device);
        if (host is null)
        {
            Finish(change, TaskOutcome.Failed, $"{change.Device} is no longer in the inventory", at, verified: false);
            return;
        }

        var requestId = ++nextRequest;
        pending[requestId] = (change, found, at);
        spec.Devices.Tell(new RunDeviceRequest(change.Device, requestId, spec.JobId, DeviceConnections.For(host, spec.Options), request,
            false, null, spec.Options.IdleTimeout ?? JobRunner.DefaultIdleTimeout));
    }

    private void Replied(long requestId, object reply)
    {
        if (!pending.Remove(requestId, out var of)) return;
        var (change, found, at) = of;
        if (reply is DeviceRequestFailed failed)
        {
            Finish(change, failed.Kind is FailureKind.Unreachable ? TaskOutcome.Unreachable : TaskOutcome.Failed, failed.Message, at, false);
            return;
        }

        var current = ((DeviceRequestCompleted)reply).Output ?? "";
        var same = ConfigText.Same(current, change.Before);
        if (found is null)
        {
            if (same) Finish(change, TaskOutcome.Ok, "already on its configuration from before the job", at, true);
            else Send(change, ConfigChangeKind.RestoreFor(change), current, at);
            return;
        }

        // The device's audit trail (netfleet history DEVICE) shows the rollback like any other change.
        Record(new JobJournal.DeviceChanged(spec.JobId, DateTimeOffset.UtcNow, change.Device, 0, 0, 0, Task, found, current,
            ConfigText.LineDiff(found, current) ?? ""));

        Finish(change, same ? TaskOutcome.Changed : TaskOutcome.Failed, same
            ? "restored to its configuration from before the job (verified)"
            : "restored, but the running configuration read back differs from the backup:\n" + ConfigText.LineDiff(change.Before, current),
            at, same);
    }

    private void Finish(JobJournal.ChangeApplied change, TaskOutcome outcome, string message, DateTimeOffset at, bool verified)
    {
        var result = new TaskResult(spec.JobId, change.Device, 0, 0, Task, Module, outcome, at, DateTimeOffset.UtcNow - at)
        {
            Message = outcome is TaskOutcome.Failed or TaskOutcome.Unreachable ? message : null,
            Output = outcome is TaskOutcome.Ok or TaskOutcome.Changed ? message : null,
        };
        results.Add(result);
        Emit(new Core.Results.TaskFinished(spec.JobId, DateTimeOffset.UtcNow, result));
        if (outcome != TaskOutcome.Ok)
        {
            Record(new JobJournal.DeviceRolledBack(spec.JobId, DateTimeOffset.UtcNow, change.Device, change.PlayIndex, change.TaskIndex,
                change.ItemIndex, $"rollback of job {spec.Of}", verified, "netfleet"));
        }

        Record(new JobJournal.TaskFinished(spec.JobId, DateTimeOffset.UtcNow, change.Device, 0, 0, 0, Task, Module,
            outcome.ToString().ToLowerInvariant(), outcome is TaskOutcome.Failed or TaskOutcome.Unreachable, outcome == TaskOutcome.Changed,
            result.Output, result.Message, null, null, false, null, null, at, result.Duration.TotalMilliseconds, false));
        FinishIfDone();
    }

    private void FinishIfDone()
    {
        if (finished || pending.Count > 0 || results.Count < devices.Count) return;
        if (archiving || (archiving = JobArchive.Start(spec.Options.Configs, false, own, Hosts(), spec.JobId, spec.Submission.User, Self))) return;
        var outcome = results.Any(r => r.Outcome is TaskOutcome.Failed or TaskOutcome.Unreachable) ? JobOutcome.Failed : JobOutcome.Succeeded;
        int Count(TaskOutcome o) => results.Count(r => r.Outcome == o);
        var summary = Summary(outcome, devices);
        finished = true;
        Record(new JobJournal.JobFinished(spec.JobId, DateTimeOffset.UtcNow, outcome.ToString().ToLowerInvariant(), null,
            Count(TaskOutcome.Ok), Count(TaskOutcome.Changed), Count(TaskOutcome.Failed), Count(TaskOutcome.Unreachable), 0), () =>
        {
            Emit(new JobFinished(spec.JobId, DateTimeOffset.UtcNow, summary));
            spec.Completion.TrySetResult(summary);
            Context.Stop(Self);
        });
    }

    /// <summary>Journals <paramref name="e"/> and applies it to the job's own state (what its archive commit reads).</summary>
    private void Record(JobJournal.IEvent e, Action? then = null)
    {
        own.Apply(e);
        PersistAsync(new Tagged(e, Tags), _ => then?.Invoke());
    }

    protected override void PostStop()
    {
        if (!finished) spec.Completion.TrySetException(new InvalidOperationException($"rollback job {spec.JobId} stopped before it finished"));
    }

    /// <summary>Reads a job's journal as it is now into its state, reports it to the parent and stops.</summary>
    private sealed class JournalReader : ReceivePersistentActor
    {
        private JobJournal.State state = new();

        public JournalReader(string jobId, IActorRef replyTo)
        {
            PersistenceId = JobJournal.PersistenceId(jobId);
            Recover<SnapshotOffer>(offer =>
            {
                if (offer.Snapshot is JobJournal.Snapshot snapshot) state = JobJournal.State.From(snapshot);
            });
            Recover<JobJournal.IEvent>(e => state.Apply(e));
            Recover<RecoveryCompleted>(_ =>
            {
                replyTo.Tell(new Recovered(state));
                Context.Stop(Self);
            });
        }

        public override string PersistenceId { get; }
    }
}

/// <summary>How a job reaches a host: built from the inventory, with the secrets read only here and passed to the driver.</summary>
internal static class DeviceConnections
{
    public static DeviceConnectionOptions For(Host host, JobOptions job)
    {
        var platform = host.Platform ?? throw new InvalidOperationException($"{host.Name} has no platform in the inventory");
        var username = host.Username ?? throw new InvalidOperationException($"{host.Name} has no username in the inventory");
        var options = new DeviceConnectionOptions(host.Hostname, platform, new SshCredentials(username) { Password = host.Password?.Reveal() })
        {
            Name = host.Name,
            Port = host.Port,
            NetconfPort = host.Netconf?.Port,
            EnableSecret = host.EnableSecret?.Reveal(),
            TrustNewHostKeys = job.TrustNewHostKeys,
        };
        return job.KnownHostsPath is { } knownHosts ? options with { KnownHostsPath = knownHosts } : options;
    }
}

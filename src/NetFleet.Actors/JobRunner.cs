using Akka.Actor;
using Akka.Configuration;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;

namespace NetFleet.Actors;

/// <summary>How one job runs; the command line's options.</summary>
/// <param name="User">Who runs the job (for logs and, later, the job history); not the SSH username.</param>
public sealed record JobOptions(string User)
{
    /// <summary>The options a recorded job ran with, for resuming it (by <paramref name="user"/>).</summary>
    public static JobOptions Resuming(JobJournal.JobSubmitted submitted, string user) => new(user)
    {
        JobId = submitted.JobId,
        InventoryPath = submitted.InventoryPath,
        Limit = submitted.Limit,
        Check = submitted.Check,
        Forks = submitted.Forks,
        TrustNewHostKeys = submitted.TrustNewHostKeys,
        KnownHostsPath = submitted.KnownHostsPath,
    };

    /// <summary><c>--limit</c> pattern, intersected with each play's hosts.</summary>
    public string? Limit { get; init; }

    /// <summary><c>--check</c>: configuration tasks report the diff they would make and change nothing.</summary>
    public bool Check { get; init; }

    /// <summary>At most this many device requests at a time; null is no artificial limit.</summary>
    public int? Forks { get; init; }

    /// <summary><c>--trust-new-host-keys</c>: record unknown host keys (a changed key still fails).</summary>
    public bool TrustNewHostKeys { get; init; }

    /// <summary>OpenSSH known_hosts file; <c>~/.ssh/known_hosts</c> when null.</summary>
    public string? KnownHostsPath { get; init; }

    /// <summary>The new job's id (so it can be shown before the job starts); a fresh one when null.</summary>
    public string? JobId { get; init; }

    /// <summary>The inventory folder, recorded (path, files, hash) with the job so it can be resumed.</summary>
    public string? InventoryPath { get; init; }

    /// <summary>How long device sessions stay open once they have nothing to do; <see cref="JobRunner.DefaultIdleTimeout"/> when null.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Where the job commits the configurations it backed up or wrote; null commits nothing.</summary>
    public Configs.ConfigArchive? Configs { get; init; }
}

/// <summary>
/// The facade the CLI (and later the node's API) runs jobs through. Composes the actor system in one place:
/// a <see cref="DeviceRegistry"/> whose device actors, sessions and circuits outlive single jobs, and one
/// <see cref="JobOrchestrator"/> per job.
/// </summary>
public sealed class JobRunner : IAsyncDisposable
{
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>What every NetFleet actor system needs: Akka's own logging off (NetFleet logs through Serilog with
    /// the job and device on every event) and the job journal's and the cross-node messages' serializers. The journal itself is in memory here;
    /// the node's hosting puts it in SQL.</summary>
    public static readonly Config SystemConfig = ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = OFF
          stdout-loglevel = OFF
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          log-config-on-start = off
          actor {
            serializers.netfleet-jobs = "{{typeof(JobJournalSerializer).AssemblyQualifiedName}}"
            serialization-bindings {
              "{{typeof(JobJournal.IEvent).AssemblyQualifiedName}}" = netfleet-jobs
              "{{typeof(JobJournal.Snapshot).AssemblyQualifiedName}}" = netfleet-jobs
            }
            serialization-identifiers { "{{typeof(JobJournalSerializer).AssemblyQualifiedName}}" = {{JobJournalSerializer.Id}} }
          }
          persistence {
            journal.plugin = "akka.persistence.journal.inmem"
            snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
          }
        }
        """).WithFallback(Wire.WireFormat.Config);

    private readonly ActorSystem system;
    private readonly Serilog.ILogger log;

    private JobRunner(ActorSystem system, IActorRef devices, Serilog.ILogger log)
    {
        this.system = system;
        Devices = devices;
        this.log = log;
    }

    /// <summary>The device registry: send it <see cref="DeviceProtocol.IDeviceMessage"/>s.</summary>
    public IActorRef Devices { get; }

    public static JobRunner Start(Serilog.ILogger log) => Start(log, DeviceActorSettings.Default);

    public static JobRunner Start(Serilog.ILogger log, DeviceActorSettings settings) =>
        Start(ActorSystem.Create("netfleet", SystemConfig), log, settings);

    public static JobRunner Start(ActorSystem system, Serilog.ILogger log, DeviceActorSettings settings) =>
        On(system, system.ActorOf(DeviceRegistry.Props(settings, log), "devices"), log);

    /// <summary>On a system composed elsewhere (the node's hosting, with its journal and device registry); the runner
    /// owns it from here.</summary>
    public static JobRunner On(ActorSystem system, IActorRef devices, Serilog.ILogger log) => new(system, devices, log);

    public ActorSystem System => system;

    /// <summary>Runs a job to its end (a playbook, or a rollback). <paramref name="onEvent"/> is called in order, from any
    /// thread. Cancelling stops starting work; in-flight device work finishes or times out, then the summary is
    /// <see cref="JobOutcome.Cancelled"/>.</summary>
    public Task<JobSummary> RunAsync(PreparedJob job, JobOptions options, Action<JobEvent> onEvent, CancellationToken cancellationToken) =>
        RunAsync(job, options, resume: false, onEvent, cancellationToken);

    /// <summary>A playbook this process loaded itself (tests, the benchmark), run as <see cref="RunAsync(PreparedJob, JobOptions, Action{JobEvent}, CancellationToken)"/>.</summary>
    public async Task<JobSummary> RunAsync(string playbookPath, Playbook playbook, Inventory inventory, JobOptions options,
        Action<JobEvent> onEvent, CancellationToken cancellationToken)
    {
        var job = await JobLauncher.FromLoadedAsync(playbookPath, playbook, inventory, options, cancellationToken).ConfigureAwait(false);
        return await RunAsync(job, options with { JobId = job.JobId }, resume: false, onEvent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Continues a job from its journal: what finished is not run again, what was in flight is reconciled.
    /// <paramref name="job"/> is the job's recorded submission, loaded (<see cref="JobLauncher.Load"/>).</summary>
    public Task<JobSummary> ResumeAsync(PreparedJob job, JobOptions options, Action<JobEvent> onEvent, CancellationToken cancellationToken) =>
        RunAsync(job, options, resume: true, onEvent, cancellationToken);

    private async Task<JobSummary> RunAsync(PreparedJob job, JobOptions options, bool resume, Action<JobEvent> onEvent,
        CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<JobSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Under the user guardian a crashed job actor restarts: it reads its journal again and continues.
        var actor = JobLauncher.Start(system, job, options, Devices, onEvent, completion, log, resume);
        await using var registration = cancellationToken.Register(() => actor.Tell(new JobProtocol.CancelJob()));
        return await completion.Task.ConfigureAwait(false);
    }

    /// <summary>Closes every device session, then stops the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Devices.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TaskCanceledException)
        {
            log.Warning("Device actors did not stop within 5 s");
        }

        await system.Terminate().ConfigureAwait(false);
    }
}

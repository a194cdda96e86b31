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

    /// <summary>How long device sessions stay open once they have nothing to do; <see cref="JobRunner.DefaultIdleTimeout"/> when null.</summary>
    public TimeSpan? IdleTimeout { get; init; }
}

/// <summary>
/// The facade the CLI (and later the node's API) runs jobs through. Composes the actor system in one place:
/// a <see cref="DeviceRegistry"/> whose device actors, sessions and circuits outlive single jobs, and one
/// <see cref="JobOrchestrator"/> per job.
/// </summary>
public sealed class JobRunner : IAsyncDisposable
{
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(30);

    // Akka's own logging stays off: NetFleet logs through Serilog with the job and device on every event.
    private static readonly Config SystemConfig = ConfigurationFactory.ParseString("""
        akka {
          loglevel = OFF
          stdout-loglevel = OFF
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          log-config-on-start = off
        }
        """);

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

    public static JobRunner Start(Serilog.ILogger log, DeviceActorSettings settings)
    {
        var system = ActorSystem.Create("netfleet", SystemConfig);
        var devices = system.ActorOf(DeviceRegistry.Props(settings, log), "devices");
        return new JobRunner(system, devices, log);
    }

    /// <summary>Runs a job to its end. <paramref name="onEvent"/> is called in order, from any thread.
    /// Cancelling stops starting work; in-flight device work finishes or times out, then the summary is
    /// <see cref="JobOutcome.Cancelled"/>.</summary>
    public async Task<JobSummary> RunAsync(string playbookPath, Playbook playbook, Inventory inventory, JobOptions options,
        Action<JobEvent> onEvent, CancellationToken cancellationToken)
    {
        var jobId = Guid.NewGuid().ToString("N")[..12];
        var completion = new TaskCompletionSource<JobSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        var spec = new JobProtocol.JobSpec(jobId, playbookPath, playbook, inventory, options, Devices, onEvent, completion);
        var job = system.ActorOf(JobOrchestrator.Props(spec, log), "job-" + jobId);
        await using var registration = cancellationToken.Register(() => job.Tell(new JobProtocol.CancelJob()));
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

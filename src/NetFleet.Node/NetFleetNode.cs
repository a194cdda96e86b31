using Akka.Streams;
using Akka.Streams.Dsl;
using NetFleet.Actors;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Node.History;
using NetFleet.Node.Hosting;

namespace NetFleet.Node;

/// <summary>
/// One NetFleet process in the job-runner role (<c>netfleet run</c>, <c>submit</c>, <c>jobs</c>): <see cref="NetFleetHost"/>
/// without roles (the job journal and snapshots in the configured <see cref="JobStore"/>, device actors in this
/// process), the <see cref="JobRunner"/> on top of it, and the job history (read model) beside it.
/// </summary>
public sealed class NetFleetNode : IAsyncDisposable
{
    private readonly NetFleetHost host;

    private NetFleetNode(NetFleetHost host, JobRunner runner, HistoryStore history, HistoryProjector projector)
    {
        this.host = host;
        Runner = runner;
        History = history;
        Projector = projector;
    }

    public JobStore Store => host.Store;
    public JobRunner Runner { get; }
    public HistoryStore History { get; }
    public HistoryProjector Projector { get; }

    public static async Task<NetFleetNode> StartAsync(JobStore store, Serilog.ILogger log, DeviceActorSettings? settings = null,
        CancellationToken cancellationToken = default)
    {
        var host = await NetFleetHost.StartAsync(NodeSettings.SingleProcess(store), log, settings, cancellationToken: cancellationToken);
        var runner = JobRunner.On(host.System, host.Registry.Get<DeviceRegistry>(), log);
        var history = new HistoryStore(store);
        return new NetFleetNode(host, runner, history, new HistoryProjector(host.System, history, log));
    }

    /// <summary>The job history brought up to date with the journal, for a process that only reads it: the actor system (and
    /// the read journal) is started only when the journal holds events the history has not applied.</summary>
    public static async Task<HistoryStore> CaughtUpHistoryAsync(JobStore store, Serilog.ILogger log, CancellationToken cancellationToken = default)
    {
        var history = new HistoryStore(store);
        if (await history.CaughtUpAsync(cancellationToken)) return history;
        await using var node = await StartAsync(store, log, cancellationToken: cancellationToken);
        await node.Projector.CatchUpAsync(cancellationToken);
        return node.History;
    }

    /// <summary>Records an approval of the job's next gate (any node sharing the store sees it) and returns it.</summary>
    public Task<JobApprovals.Approved> ApproveAsync(string jobId, string user, CancellationToken cancellationToken = default) =>
        Approvals.ApproveAsync(Runner.System, jobId, user, cancellationToken);

    /// <summary>A job's recorded submission (its first event), or null when the journal has no such job.</summary>
    public async Task<JobJournal.JobSubmitted?> FindSubmissionAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var journal = await JournalStartup.ReadJournalAsync(Runner.System, cancellationToken);
        var first = await journal.CurrentEventsByPersistenceId(JobJournal.PersistenceId(jobId), 0, long.MaxValue)
            .Select(e => e.Event)
            .Where(e => e is JobJournal.JobSubmitted)
            .Take(1)
            .RunWith(Sink.FirstOrDefault<object>(), Runner.System.Materializer()).WaitAsync(cancellationToken);
        return first as JobJournal.JobSubmitted;
    }

    /// <summary>Stops the runner (closing device sessions and the actor system).</summary>
    public async ValueTask DisposeAsync()
    {
        Projector.Dispose();
        await Runner.DisposeAsync();
        await host.DisposeAsync();
    }
}

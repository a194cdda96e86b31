using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using NetFleet.Actors;
using NetFleet.Actors.Devices;
using NetFleet.Node.History;

namespace NetFleet.Node;

/// <summary>
/// The hosting of one NetFleet process in the job-runner role: the actor system with the job journal and
/// snapshots in the configured <see cref="JobStore"/> (Akka.Persistence.Sql, tables created on first use), the
/// <see cref="JobRunner"/> on top of it, and the job history (read model) beside it.
/// </summary>
public sealed class NetFleetNode : IAsyncDisposable
{
    private NetFleetNode(JobStore store, JobRunner runner, HistoryStore history, HistoryProjector projector)
    {
        Store = store;
        Runner = runner;
        History = history;
        Projector = projector;
    }

    public JobStore Store { get; }
    public JobRunner Runner { get; }
    public HistoryStore History { get; }
    public HistoryProjector Projector { get; }

    public static async Task<NetFleetNode> StartAsync(JobStore store, Serilog.ILogger log, DeviceActorSettings? settings = null,
        CancellationToken cancellationToken = default)
    {
        store.EnsureLocation();
        var history = new HistoryStore(store);
        await history.EnsureSchemaAsync(cancellationToken);
        var system = ActorSystem.Create("netfleet", PersistenceConfig(store).WithFallback(JobRunner.SystemConfig));
        var runner = JobRunner.Start(system, log, settings ?? DeviceActorSettings.Default);
        return new NetFleetNode(store, runner, history, new HistoryProjector(system, history, log));
    }

    /// <summary>The journal, snapshot store and read journal on one database; polled every 100 ms.</summary>
    public static Config PersistenceConfig(JobStore store)
    {
        var connection = Quote(store.ConnectionString);
        var provider = Quote(store.ProviderName);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = on
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = on
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                connection-string = {{connection}}
                provider-name = {{provider}}
                refresh-interval = 100ms
                journal-sequence-retrieval.query-delay = 100ms
              }
            }
            """);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>A job's recorded submission (its first event), or null when the journal has no such job.</summary>
    public async Task<NetFleet.Actors.Jobs.JobJournal.JobSubmitted?> FindSubmissionAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var journal = await JournalStartup.ReadJournalAsync(Runner.System, cancellationToken);
        var first = await journal.CurrentEventsByPersistenceId(NetFleet.Actors.Jobs.JobJournal.PersistenceId(jobId), 0, long.MaxValue)
            .Select(e => e.Event)
            .Where(e => e is NetFleet.Actors.Jobs.JobJournal.JobSubmitted)
            .Take(1)
            .RunWith(Sink.FirstOrDefault<object>(), Runner.System.Materializer()).WaitAsync(cancellationToken);
        return first as NetFleet.Actors.Jobs.JobJournal.JobSubmitted;
    }

    /// <summary>Stops the runner (closing device sessions and the actor system).</summary>
    public async ValueTask DisposeAsync()
    {
        Projector.Dispose();
        await Runner.DisposeAsync();
    }
}

using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using NetFleet.Actors.Jobs;

namespace NetFleet.Node.History;

/// <summary>
/// Feeds the <see cref="HistoryStore"/> from the journal: the events tagged <c>job</c>, from the offset the history
/// last stored, in batches of up to 500. <see cref="CatchUpAsync"/> applies what is in the journal now (every query
/// command does this first, so a job whose process died still shows up); <see cref="Start"/> follows new events live.
/// </summary>
public sealed class HistoryProjector(ActorSystem system, HistoryStore store, Serilog.ILogger log) : IDisposable
{
    private UniqueKillSwitch? live;

    public async Task CatchUpAsync(CancellationToken ct = default)
    {
        var journal = await JournalStartup.ReadJournalAsync(system, ct);
        var from = await store.OffsetAsync(ct);
        await Apply(journal.CurrentEventsByTag(JobJournal.Tag, Offset.Sequence(from)))
            .RunWith(Sink.Ignore<NotUsed>(), system.Materializer());
    }

    /// <summary>Follows the journal until disposed; restarts with backoff (from the stored offset) after a failure.</summary>
    public void Start()
    {
        if (live is not null) return;
        var source = RestartSource.WithBackoff(() => Source.FromTask(JournalStartup.ReadJournalAsync(system))
                .ConcatMany(journal => Source.FromTask(store.OffsetAsync())
                    .ConcatMany(from => Apply(journal.EventsByTag(JobJournal.Tag, Offset.Sequence(from))))),
            RestartSettings.Create(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), 0.2));
        live = source.ViaMaterialized(KillSwitches.Single<NotUsed>(), Keep.Right)
            .To(Sink.Ignore<NotUsed>())
            .Run(system.Materializer());
    }

    private Source<NotUsed, NotUsed> Apply(Source<EventEnvelope, NotUsed> events) =>
        events
            .Where(e => e.Event is JobJournal.IEvent)
            .Select(e => (((Sequence)e.Offset).Value, (JobJournal.IEvent)e.Event))
            .GroupedWithin(500, TimeSpan.FromMilliseconds(100))
            .SelectAsync(1, async batch =>
            {
                try
                {
                    await store.ApplyAsync(batch.ToList());
                }
                catch (Exception e)
                {
                    log.Error(e, "The job history could not apply {Count} event(s)", batch.Count());
                    throw;
                }

                return NotUsed.Instance;
            });

    public void Dispose() => live?.Shutdown();
}

using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;

namespace NetFleet.Node.History;

/// <summary>
/// Creates the read journal off the caller's thread, trying again while the write journal is still starting.
/// Akka.Persistence.Sql's read journal constructor blocks on the write journal's initialisation with a fixed 5 s
/// timeout (its message for that is internal); on a busy machine a journal's first start (creating its tables) takes
/// longer and the constructor throws. <see cref="PersistenceQuery"/> keeps the read journal once one is made, so every
/// later query finds it ready.
/// </summary>
public static class JournalStartup
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The read journal, made on first use (it starts an actor that queries the database every 100 ms from
    /// then on, which a process that only writes jobs never needs).</summary>
    public static async Task<SqlReadJournal> ReadJournalAsync(ActorSystem system, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            try
            {
                return await Task.Run(() => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier), cancellationToken);
            }
            catch (Exception e) when (IsAskTimeout(e) && DateTime.UtcNow < deadline)
            {
            }
        }
    }

    private static bool IsAskTimeout(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is AskTimeoutException) return true;
            if (e is AggregateException { InnerExceptions: var inner } && inner.Any(IsAskTimeout)) return true;
        }

        return false;
    }
}

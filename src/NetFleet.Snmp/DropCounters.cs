using System.Collections.Concurrent;
using Serilog;

namespace NetFleet.Snmp;

/// <summary>
/// Counts packets dropped, by reason. The first drop of each reason is logged as a warning and
/// later ones at debug level, so a flood of garbage cannot flood the log.
/// </summary>
public sealed class DropCounters(ILogger log, string owner)
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);
    private long total;

    public long Total => Interlocked.Read(ref total);

    public IReadOnlyDictionary<string, long> ByReason => new Dictionary<string, long>(counts, StringComparer.Ordinal);

    public void Drop(string reason, object? from)
    {
        Interlocked.Increment(ref total);
        var count = counts.AddOrUpdate(reason, 1, (_, n) => n + 1);
        if (count == 1)
        {
            log.Warning("{Owner}: dropped a packet from {From}: {Reason} (further drops for this reason are logged at debug level)", owner, from, reason);
        }
        else
        {
            log.Debug("{Owner}: dropped a packet from {From}: {Reason} ({Count} so far)", owner, from, reason, count);
        }
    }
}

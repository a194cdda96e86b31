using NetFleet.Snmp;

namespace NetFleet.Actors.Devices;

/// <summary>One poll sample: when it was taken (from the poll's start) and what the agent answered.</summary>
public sealed record PollSample(TimeSpan At, IReadOnlyList<Variable> Variables);

/// <param name="PerSecond">Total increase over total time between the first and last samples that had the counter.</param>
/// <param name="BitsPerSecond">For octet counters (ifInOctets, ifHCOutOctets…): <paramref name="PerSecond"/> × 8.</param>
/// <param name="Intervals">The rate between each pair of consecutive samples.</param>
/// <param name="Wraps">Intervals in which the counter passed its maximum and started again from zero.</param>
public sealed record CounterRate(string Name, double PerSecond, double? BitsPerSecond, IReadOnlyList<double> Intervals, int Wraps);

/// <summary>
/// Rates of Counter32 and Counter64 objects across poll samples. A counter that reads lower than before has
/// wrapped (RFC 2578: counters only grow, modulo 2^32 or 2^64), so the increase is taken modulo its width.
/// </summary>
public static class CounterRates
{
    public static IReadOnlyList<CounterRate> Of(IReadOnlyList<PollSample> samples)
    {
        var oids = samples.SelectMany(s => s.Variables).Where(v => v.Value is Counter32 or Counter64).Select(v => v.Oid).Distinct().ToList();
        var rates = new List<CounterRate>();
        foreach (var oid in oids)
        {
            var intervals = new List<double>();
            var (wraps, total, seconds) = (0, 0.0, 0.0);
            (TimeSpan At, SnmpValue Value)? previous = null;
            foreach (var sample in samples)
            {
                var value = sample.Variables.FirstOrDefault(v => v.Oid == oid)?.Value;
                if (value is not (Counter32 or Counter64)) continue;
                if (previous is { } p && Increase(p.Value, value) is { } increase && sample.At > p.At)
                {
                    var dt = (sample.At - p.At).TotalSeconds;
                    intervals.Add(increase.Delta / dt);
                    if (increase.Wrapped) wraps++;
                    total += increase.Delta;
                    seconds += dt;
                }

                previous = (sample.At, value);
            }

            if (intervals.Count == 0) continue;
            var name = MibNames.Format(oid);
            var perSecond = total / seconds;
            rates.Add(new CounterRate(name, perSecond, name.Contains("Octets", StringComparison.Ordinal) ? perSecond * 8 : null, intervals, wraps));
        }

        return rates;
    }

    /// <summary>How much a counter grew from <paramref name="before"/> to <paramref name="after"/>, modulo its width.</summary>
    public static (double Delta, bool Wrapped)? Increase(SnmpValue before, SnmpValue after) => (before, after) switch
    {
        (Counter32 a, Counter32 b) => (unchecked(b.Value - a.Value), b.Value < a.Value),
        (Counter64 a, Counter64 b) => (unchecked(b.Value - a.Value), b.Value < a.Value),
        _ => null,
    };
}

namespace NetFleet.Core.Playbooks;

/// <summary>One <c>serial</c> value: a host count or a percentage of the play's hosts.</summary>
public readonly record struct SerialStep(int Value, bool IsPercent)
{
    public override string ToString() => IsPercent ? $"{Value}%" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A play's <c>serial</c> with Ansible semantics: each step gives the next batch's size (a percentage is of all
/// the play's hosts, rounded down, at least 1); the last step repeats until every host had its turn; no steps
/// (or 0) means one batch with everyone.
/// </summary>
public sealed record Serial(IReadOnlyList<SerialStep> Steps)
{
    public static Serial All { get; } = new([]);

    public IReadOnlyList<int> BatchSizes(int hostCount)
    {
        var sizes = new List<int>();
        var remaining = hostCount;
        var step = 0;
        while (remaining > 0)
        {
            var size = Steps.Count == 0 ? 0 : SizeOf(Steps[step], hostCount);
            size = size <= 0 ? remaining : Math.Min(size, remaining);
            sizes.Add(size);
            remaining -= size;
            if (step < Steps.Count - 1) step++;
        }
        return sizes;
    }

    public IReadOnlyList<IReadOnlyList<T>> Batches<T>(IReadOnlyList<T> hosts)
    {
        var batches = new List<IReadOnlyList<T>>();
        var offset = 0;
        foreach (var size in BatchSizes(hosts.Count))
        {
            batches.Add(hosts.Skip(offset).Take(size).ToList());
            offset += size;
        }
        return batches;
    }

    private static int SizeOf(SerialStep step, int hostCount) =>
        step.IsPercent ? Math.Max(1, (int)(step.Value / 100.0 * hostCount)) : step.Value;

    public override string ToString() => Steps.Count == 0 ? "all" : string.Join(", ", Steps);
}

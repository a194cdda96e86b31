using NetFleet.Core.Diagnostics;

namespace NetFleet.Core.Inventory;

/// <summary>Resolved hosts in file order, plus the group and default entries they were resolved from.</summary>
public sealed class Inventory(
    IReadOnlyList<Host> hosts, IReadOnlyDictionary<string, InventoryEntry> groups, InventoryEntry defaults)
{
    private readonly Dictionary<string, Host> byName = ByName(hosts);

    public IReadOnlyList<Host> Hosts { get; } = hosts;
    public IReadOnlyDictionary<string, InventoryEntry> Groups { get; } = groups;
    public InventoryEntry Defaults { get; } = defaults;

    public Host? FindHost(string name) => byName.GetValueOrDefault(name);

    private static Dictionary<string, Host> ByName(IReadOnlyList<Host> hosts)
    {
        var byName = new Dictionary<string, Host>(hosts.Count, StringComparer.Ordinal);
        foreach (var host in hosts) byName.TryAdd(host.Name, host);
        return byName;
    }

    /// <summary>
    /// Hosts matching a <c>--limit</c> pattern such as <c>lon-*,&amp;ios,!lon-r2</c>. Problems are located at
    /// <paramref name="source"/> line 1, column = position in the pattern.
    /// </summary>
    public Selection Select(string pattern, string source = "--limit")
    {
        var selector = HostSelector.Parse(pattern, out var problems);
        IReadOnlyList<Host> hosts = [];
        if (selector is not null) problems = selector.Evaluate(this, out hosts);
        var diagnostics = problems.Select(p => p.ToDiagnostic(new SourceLocation(source, 1, p.Offset + 1))).ToList();
        return new Selection(diagnostics.Any(d => d.IsError) ? [] : hosts, diagnostics);
    }
}

public sealed record Selection(IReadOnlyList<Host> Hosts, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => !Diagnostics.Any(d => d.IsError);
}

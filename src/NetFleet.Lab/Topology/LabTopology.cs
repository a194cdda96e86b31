using System.Text.Json;

namespace NetFleet.Lab.Topology;

/// <summary>
/// FRRouting routers and the links between them, as a topology file describes them (see
/// <see cref="TopologyLoader"/>). Addresses are already resolved: every interface knows its own
/// address and its peer's, so the lab, the inventory and tests read them without arithmetic.
/// </summary>
public sealed record LabTopology(string Source, IReadOnlyList<TopologyRouter> Routers, IReadOnlyList<TopologyLink> Links)
{
    public TopologyRouter? Find(string router) => Routers.FirstOrDefault(r => r.Name == router);

    public TopologyRouter this[string router] =>
        Find(router) ?? throw new KeyNotFoundException($"the topology {Source} has no router '{router}'");

    /// <summary>Routers whose management address is a simulated device's, located in the topology file.</summary>
    public IReadOnlyList<string> CollisionsWith(IEnumerable<(string Name, string Address)> devices)
    {
        var byAddress = devices.GroupBy(d => d.Address).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        return Routers.Where(r => byAddress.ContainsKey(r.Management))
            .Select(r => $"{r.Where}: router {r.Name}'s management address {r.Management} is the lab's device {byAddress[r.Management]}'s; "
                + "give the router another `management:` address or the lab fewer devices")
            .ToList();
    }

    /// <summary>The lab daemon reads the topology as <c>lab up</c> resolved it, so a config_file edited afterwards changes nothing.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, SavedJson));

    public static LabTopology LoadSaved(string path) =>
        JsonSerializer.Deserialize<LabTopology>(File.ReadAllText(path), SavedJson)
        ?? throw new InvalidDataException($"{path} holds no topology");

    private static readonly JsonSerializerOptions SavedJson = new() { WriteIndented = true };
}

/// <param name="Management">The loopback address (127/8) the lab's sshd answers on for this router.</param>
/// <param name="Loopbacks">Prefixes on the namespace's <c>lo</c> (198.18.0.0/15 or 2001:db8::/32).</param>
/// <param name="Config">The router's starting frr.conf as the topology gives it.</param>
/// <param name="Asn">The AS of <c>router bgp N</c> in the starting configuration, when there is one.</param>
/// <param name="Where">file:line:col of the router's name, for errors found after loading.</param>
public sealed record TopologyRouter(string Name, string Management, IReadOnlyList<string> Daemons,
    IReadOnlyList<string> Loopbacks, string Config, IReadOnlyList<RouterInterface> Interfaces, long? Asn, string Where)
{
    /// <summary>Where <see cref="Config"/>'s first line sits (in the topology file or a config_file), for errors in it.</summary>
    public ConfigPlace? ConfigAt { get; init; }

    /// <summary>
    /// What the router starts with and resets to: <see cref="Config"/> with <c>hostname</c> first
    /// when it names none, because the daemons take it from there too and a reload keeps it.
    /// </summary>
    public string StartingConfig => Config.Split('\n').Any(l => l.StartsWith("hostname ", StringComparison.Ordinal))
        ? Config
        : $"hostname {Name}\n{Config}";

    /// <summary>The first IPv4 loopback without its prefix length: what a BGP router-id or an iBGP peer names.</summary>
    public string? Loopback => Loopbacks.Where(p => !p.Contains(':', StringComparison.Ordinal)).Select(Address).FirstOrDefault();

    /// <summary>"198.18.0.0/31" → "198.18.0.0".</summary>
    public static string Address(string prefix) => prefix[..prefix.IndexOf('/', StringComparison.Ordinal)];
}

/// <summary>file:line:col of line 1 of a router's configuration text.</summary>
public sealed record ConfigPlace(string File, int Line, int Column)
{
    public string At(int configLine) => $"{File}:{Line + configLine - 1}:{Column}";
}

/// <param name="Ipv4">The interface's address with the link's prefix length ("198.18.0.0/31"), or null.</param>
public sealed record RouterInterface(string Name, string? Ipv4, string? Ipv6, InterfacePeer Peer);

/// <summary>The other end of a link.</summary>
public sealed record InterfacePeer(string Router, string Interface, string? Ipv4, string? Ipv6);

/// <summary>One veth pair: end A in router A's namespace, end B in router B's.</summary>
public sealed record TopologyLink(string RouterA, string InterfaceA, string RouterB, string InterfaceB);

/// <summary>A topology file with problems; each line of the message names file:line:col.</summary>
public sealed class TopologyException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

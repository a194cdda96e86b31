using NetFleet.Core.Diagnostics;

namespace NetFleet.Core.Inventory;

/// <summary>
/// The fields shared by hosts, groups and defaults as written in the files; null means "not set here,
/// inherit". <see cref="Host"/> holds the resolved values.
/// </summary>
public sealed record InventoryEntry(
    string Name,
    SourceLocation Location,
    string? Hostname,
    int? Port,
    string? Username,
    Secret? Password,
    Secret? EnableSecret,
    string? Platform,
    IReadOnlyList<string> Groups,
    IReadOnlyDictionary<string, object?> Data)
{
    /// <summary>The <c>transaction:</c> strategy; null when not set here.</summary>
    public Playbooks.TransactionMode? Transaction { get; init; }

    /// <summary>The <c>netconf:</c> settings; null when not set here.</summary>
    public NetconfSettings? Netconf { get; init; }

    public static InventoryEntry Empty(string name, SourceLocation location) =>
        new(name, location, null, null, null, null, null, null, [], new Dictionary<string, object?>());
}

/// <summary>A host with every field resolved: its own value, then its groups (depth-first), then defaults.</summary>
public sealed class Host
{
    public const int DefaultPort = 22;

    /// <param name="chain">The host's own entry, then its groups depth-first, then the defaults.</param>
    internal Host(InventoryEntry own, IReadOnlyList<InventoryEntry> chain)
        : this(own, new Inherited(chain.Skip(1).ToList()))
    {
    }

    internal Host(InventoryEntry own, Inherited inherited)
    {
        Name = own.Name;
        Location = own.Location;
        Groups = own.Groups;
        AllGroups = inherited.AllGroups;
        Hostname = own.Hostname ?? inherited.Hostname ?? own.Name;
        Port = own.Port ?? inherited.Port ?? DefaultPort;
        Username = own.Username ?? inherited.Username;
        Platform = own.Platform ?? inherited.Platform;
        Password = (own.Password ?? inherited.Password)?.For(Name, "password");
        EnableSecret = (own.EnableSecret ?? inherited.EnableSecret)?.For(Name, "enable_secret");
        Transaction = own.Transaction ?? inherited.Transaction;
        Netconf = (own.Netconf ?? inherited.Netconf) is { Enabled: true } netconf ? netconf
            : Platform == NetconfSettings.Platform ? new NetconfSettings(NetconfSettings.DefaultPort) : null;
        if (own.Data.Count == 0)
        {
            Data = inherited.Data;
        }
        else
        {
            // Key by key, nearest wins: like Nornir, a nested map is one value and is not merged deeper.
            var data = new Dictionary<string, object?>(own.Data.Count + inherited.Data.Count, StringComparer.Ordinal);
            foreach (var (key, value) in own.Data) data[key] = value;
            foreach (var (key, value) in inherited.Data) data.TryAdd(key, value);
            Data = data;
        }
    }

    public string Name { get; }
    public SourceLocation Location { get; }
    public string Hostname { get; }
    public int Port { get; }
    public string? Username { get; }
    public Secret? Password { get; }
    public Secret? EnableSecret { get; }
    public string? Platform { get; }

    /// <summary>How configuration changes to this host are protected, unless the play says otherwise; null: auto.</summary>
    public Playbooks.TransactionMode? Transaction { get; }

    /// <summary>How to reach the host's NETCONF server; null when it has none. A host of platform <c>netconf</c> always has
    /// one (port 830 unless set).</summary>
    public NetconfSettings? Netconf { get; }

    /// <summary>True for a host reached only through NETCONF (platform <c>netconf</c>): it has no CLI session.</summary>
    public bool NetconfOnly => Platform == NetconfSettings.Platform;

    /// <summary>The groups the host names directly, in file order.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>Every group the host belongs to, directly or through parents, in resolution order.</summary>
    public IReadOnlyList<string> AllGroups { get; }

    public IReadOnlyDictionary<string, object?> Data { get; }

    public bool IsMemberOf(string group) => AllGroups.Contains(group, StringComparer.Ordinal);

    public override string ToString() => Name;
}

/// <summary>A host's NETCONF server (RFC 6242: the SSH <c>netconf</c> subsystem), from <c>netconf: {port: 830}</c> or
/// <c>netconf: true</c>; <c>netconf: false</c> turns an inherited one off.</summary>
public sealed record NetconfSettings(int Port, bool Enabled = true)
{
    public const int DefaultPort = 830;

    /// <summary>The platform of hosts that speak NETCONF only (e.g. Debian's netconfd).</summary>
    public const string Platform = "netconf";
}

/// <summary>What a host inherits from its groups and the defaults, resolved once and shared by every host that names the
/// same groups (in an inventory of 100,000 hosts, a few hundred distinct lists).</summary>
internal sealed class Inherited
{
    /// <param name="chain">The groups depth-first, then the defaults.</param>
    public Inherited(IReadOnlyList<InventoryEntry> chain)
    {
        AllGroups = chain.Where(e => e.Name != InventoryLoader.DefaultsName).Select(e => e.Name).ToList();
        Hostname = chain.Select(e => e.Hostname).FirstOrDefault(v => v is not null);
        Port = chain.Select(e => e.Port).FirstOrDefault(v => v is not null);
        Username = chain.Select(e => e.Username).FirstOrDefault(v => v is not null);
        Platform = chain.Select(e => e.Platform).FirstOrDefault(v => v is not null);
        Password = chain.Select(e => e.Password).FirstOrDefault(v => v is not null);
        EnableSecret = chain.Select(e => e.EnableSecret).FirstOrDefault(v => v is not null);
        Transaction = chain.Select(e => e.Transaction).FirstOrDefault(v => v is not null);
        Netconf = chain.Select(e => e.Netconf).FirstOrDefault(v => v is not null);
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var entry in chain)
        {
            foreach (var (key, value) in entry.Data) data.TryAdd(key, value);
        }
        Data = data;
    }

    public IReadOnlyList<string> AllGroups { get; }
    public string? Hostname { get; }
    public int? Port { get; }
    public string? Username { get; }
    public string? Platform { get; }
    public Secret? Password { get; }
    public Secret? EnableSecret { get; }
    public Playbooks.TransactionMode? Transaction { get; }
    public NetconfSettings? Netconf { get; }
    public IReadOnlyDictionary<string, object?> Data { get; }
}

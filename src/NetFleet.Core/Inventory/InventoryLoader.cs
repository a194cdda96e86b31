using NetFleet.Core.Diagnostics;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Inventory;

public sealed record InventoryLoadResult(Inventory? Inventory, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Inventory is not null;
}

/// <summary>
/// Reads a Nornir-style inventory directory: hosts.yaml (required), groups.yaml and defaults.yaml (optional).
/// Every problem in every file is reported at once; the inventory is returned only when there are no errors.
/// </summary>
public static class InventoryLoader
{
    public const string HostsFile = "hosts.yaml";
    public const string GroupsFile = "groups.yaml";
    public const string DefaultsFile = "defaults.yaml";
    internal const string DefaultsName = "defaults";

    private static readonly string[] EntryKeys = ["hostname", "port", "username", "password", "enable_secret", "platform", "transaction", "netconf", "groups", "data"];
    private static readonly string[] DefaultsKeys = EntryKeys.Where(k => k != "groups").ToArray();

    public static InventoryLoadResult Load(string directory)
    {
        var bag = new DiagnosticBag();
        var reader = new YamlReader(bag);
        var hostsPath = Path.Combine(directory, HostsFile);
        if (!File.Exists(hostsPath))
        {
            bag.Error(new SourceLocation(hostsPath, 0, 0), DiagnosticCodes.FileNotFound,
                $"inventory directory '{directory}' has no {HostsFile}");
            return new InventoryLoadResult(null, bag.ToList());
        }

        var hosts = ReadEntries(hostsPath, "host", reader);
        var groupsPath = Path.Combine(directory, GroupsFile);
        var groups = File.Exists(groupsPath) ? ReadEntries(groupsPath, "group", reader) : [];
        var defaultsPath = Path.Combine(directory, DefaultsFile);
        var defaults = InventoryEntry.Empty(DefaultsName, new SourceLocation(defaultsPath, 0, 0));
        if (File.Exists(defaultsPath) && YamlLoader.LoadFile(defaultsPath, bag) is { } root && !(root is YScalar { IsNull: true }))
        {
            if (reader.Mapping(root, "a mapping of default fields") is { } map)
                defaults = ReadEntry(DefaultsName, root.Start, map, DefaultsKeys, "defaults", Path.GetDirectoryName(defaultsPath)!, reader).Entry;
        }

        var groupsByName = groups.ToDictionary(g => g.Entry.Name, g => g.Entry, StringComparer.Ordinal);
        CheckGroupReferences(hosts.Concat(groups), groupsByName, bag);
        CheckCycles(groups, groupsByName, bag);
        if (bag.HasErrors) return new InventoryLoadResult(null, bag.ToList());

        // Hosts that name the same groups inherit the same values: resolved once per distinct list of groups, not per host.
        var inherited = new Dictionary<string, Inherited>(StringComparer.Ordinal);
        var resolved = new List<Host>(hosts.Count);
        foreach (var host in hosts)
        {
            var groupsKey = string.Join('\n', host.Entry.Groups);
            if (!inherited.TryGetValue(groupsKey, out var fromGroups))
                inherited[groupsKey] = fromGroups = new Inherited(ResolutionChain(host.Entry, groupsByName, defaults).Skip(1).ToList());
            resolved.Add(new Host(host.Entry, fromGroups));
        }
        return new InventoryLoadResult(new Inventory(resolved, groupsByName, defaults), bag.ToList());
    }

    /// <summary>Own entry, then each group depth-first (a group before its parents), then defaults.</summary>
    internal static IReadOnlyList<InventoryEntry> ResolutionChain(
        InventoryEntry own, IReadOnlyDictionary<string, InventoryEntry> groups, InventoryEntry defaults)
    {
        var chain = new List<InventoryEntry> { own };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string name)
        {
            if (!seen.Add(name) || !groups.TryGetValue(name, out var group)) return;
            chain.Add(group);
            foreach (var parent in group.Groups) Visit(parent);
        }
        foreach (var group in own.Groups) Visit(group);
        chain.Add(defaults);
        return chain;
    }

    private sealed record ParsedEntry(InventoryEntry Entry, IReadOnlyList<YScalar> GroupNodes);

    private static List<ParsedEntry> ReadEntries(string path, string kind, YamlReader reader)
    {
        var result = new List<ParsedEntry>();
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // Entry by entry as the file is parsed: a 100,000-host file's YAML tree never exists whole.
        var parsed = YamlLoader.StreamMapping(path, reader.Diagnostics, (key, value) =>
        {
            if (value is YScalar { IsNull: true })
                result.Add(new ParsedEntry(InventoryEntry.Empty(key.Value, key.Start), []));
            else if (reader.Mapping(value, $"a mapping of {kind} fields") is { } fields)
                result.Add(ReadEntry(key.Value, key.Start, fields, EntryKeys, $"{kind} '{key.Value}'", baseDirectory, reader));
        }, out var otherRoot);
        if (!parsed) return [];
        if (otherRoot is not (null or YScalar { IsNull: true })) reader.Mapping(otherRoot, $"a mapping of {kind} names to {kind} fields");
        return result;
    }

    private static ParsedEntry ReadEntry(
        string name, SourceLocation location, YMapping map, IReadOnlyCollection<string> allowed, string what,
        string baseDirectory, YamlReader reader)
    {
        reader.CheckKeys(map, allowed, what);
        string? Text(string key) => map[key] is { } node ? reader.String(node)?.Value : null;
        Secret? SecretField(string key)
        {
            if (map[key] is not { } node || reader.String(node) is not { } scalar) return null;
            var secret = Secret.Parse(scalar.Value, baseDirectory, scalar.Start, out var error);
            if (error is not null) reader.Diagnostics.Error(scalar.Start, DiagnosticCodes.BadSecretReference, error);
            return secret;
        }

        int? port = null;
        if (map["port"] is { } portNode && reader.Int(portNode, "a port number") is { } p)
        {
            if (p is < 1 or > 65535)
                reader.Diagnostics.Error(portNode.Start, DiagnosticCodes.InvalidValue, $"port {p} is out of range 1-65535");
            else
                port = p;
        }
        var transaction = Playbooks.TransactionModes.Read(map["transaction"], reader);
        var netconf = map["netconf"] is { } netconfNode ? ReadNetconf(netconfNode, what, reader) : null;
        var groupNodes = map["groups"] is { } g ? reader.StringList(g, "a list of group names") ?? [] : [];
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (map["data"] is { } dataNode && !(dataNode is YScalar { IsNull: true }) && reader.Mapping(dataNode) is { } dataMap)
        {
            foreach (var (key, value) in dataMap.Entries) data[key.Value] = YamlReader.ToPlain(value);
        }
        var entry = new InventoryEntry(name, location, Text("hostname"), port, Text("username"),
            SecretField("password"), SecretField("enable_secret"), Text("platform"),
            groupNodes.Select(n => n.Value).ToList(), data) { Transaction = transaction, Netconf = netconf };
        return new ParsedEntry(entry, groupNodes);
    }

    private static readonly string[] NetconfKeys = ["port"];

    /// <summary><c>netconf: true</c> / <c>false</c>, or <c>netconf: {port: N}</c>.</summary>
    private static NetconfSettings? ReadNetconf(YNode node, string what, YamlReader reader)
    {
        if (node is YScalar { IsNull: false } scalar)
        {
            return reader.Bool(scalar, "true, false or a mapping such as {port: 830}") is { } enabled
                ? new NetconfSettings(NetconfSettings.DefaultPort, enabled)
                : null;
        }

        if (reader.Mapping(node, "true, false or a mapping such as {port: 830}") is not { } map) return null;
        reader.CheckKeys(map, NetconfKeys, $"{what}'s netconf");
        if (map["port"] is not { } portNode) return new NetconfSettings(NetconfSettings.DefaultPort);
        if (reader.Int(portNode, "a port number") is not { } port) return null;
        if (port is >= 1 and <= 65535) return new NetconfSettings(port);
        reader.Diagnostics.Error(portNode.Start, DiagnosticCodes.InvalidValue, $"netconf port {port} is out of range 1-65535");
        return null;
    }

    private static void CheckGroupReferences(
        IEnumerable<ParsedEntry> entries, IReadOnlyDictionary<string, InventoryEntry> groups, DiagnosticBag bag)
    {
        foreach (var entry in entries)
        {
            foreach (var node in entry.GroupNodes.Where(n => !groups.ContainsKey(n.Value)))
            {
                bag.Error(node.Start, DiagnosticCodes.UnknownGroupReference,
                    $"'{entry.Entry.Name}' refers to unknown group '{node.Value}'", DidYouMean.Hint(node.Value, groups.Keys));
            }
        }
    }

    private static void CheckCycles(
        IReadOnlyList<ParsedEntry> groups, IReadOnlyDictionary<string, InventoryEntry> byName, DiagnosticBag bag)
    {
        var nodes = groups.ToDictionary(g => g.Entry.Name, StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        void Visit(ParsedEntry group)
        {
            var name = group.Entry.Name;
            if (done.Contains(name)) return;
            path.Add(name);
            foreach (var parent in group.GroupNodes)
            {
                var start = path.IndexOf(parent.Value);
                if (start >= 0)
                {
                    var cycle = string.Join(" -> ", path.Skip(start).Append(parent.Value));
                    bag.Error(parent.Start, DiagnosticCodes.GroupCycle, $"groups form a cycle: {cycle}");
                }
                else if (byName.ContainsKey(parent.Value))
                {
                    Visit(nodes[parent.Value]);
                }
            }
            path.RemoveAt(path.Count - 1);
            done.Add(name);
        }
        foreach (var group in groups) Visit(group);
    }
}

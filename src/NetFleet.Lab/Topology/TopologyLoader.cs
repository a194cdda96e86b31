using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetFleet.Lab.Topology;

/// <summary>
/// Reads a topology file. YamlDotNet's representation model keeps every node's position, so each
/// problem is reported as file:line:col with what was expected, all problems in one pass, the way
/// playbooks are checked (the Lab does not reference Core, whose YAML reader is internal to it).
/// </summary>
/// <example><code>
/// routers:
///   r1:
///     daemons: [zebra, staticd, bgpd, ospfd]
///     loopback: 198.18.255.1/32
///     management: 127.0.2.1
///     config: |
///       router bgp 65001
/// links:
///   - endpoints: [r1:eth1, r2:eth1]
///     ipv4: 198.18.0.0/31
///     ipv6: 2001:db8:0:1::/127
/// </code></example>
public static partial class TopologyLoader
{
    public static readonly IReadOnlyList<string> DefaultDaemons = ["zebra", "staticd", "bgpd", "ospfd"];

    /// <summary>FRR 8.4's routing daemons that run per namespace as zebra's clients.</summary>
    public static readonly IReadOnlyList<string> KnownDaemons =
    [
        "zebra", "staticd", "bgpd", "ospfd", "ospf6d", "isisd", "ripd", "ripngd", "bfdd", "pimd", "eigrpd",
        "babeld", "vrrpd", "pbrd", "fabricd", "ldpd", "nhrpd", "pathd",
    ];

    private static readonly string[] TopKeys = ["routers", "links"];
    private static readonly string[] RouterKeys = ["daemons", "loopback", "management", "config", "config_file"];
    private static readonly string[] LinkKeys = ["endpoints", "ipv4", "ipv6"];

    public static LabTopology Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TopologyException([$"{path}: cannot read the topology file: {e.Message}"]);
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <param name="baseDirectory">Where <c>config_file:</c> paths are relative to.</param>
    public static LabTopology Parse(string text, string file, string baseDirectory) => new Reader(file, baseDirectory).Read(text);

    /// <summary>The management address a router gets when the file names none: 127.0.2.1, 127.0.2.2, …
    /// (the lab's simulated devices start at 127.0.1.1).</summary>
    public static string DefaultManagement(int index) => $"127.0.{2 + (index / 254)}.{1 + (index % 254)}";

    [GeneratedRegex("^[a-z][a-z0-9-]{0,23}$")]
    private static partial Regex RouterName();

    // IFNAMSIZ is 16 with the terminating zero; "lo" is the namespace's own.
    [GeneratedRegex("^(?!lo$)[A-Za-z][A-Za-z0-9_.-]{0,14}$")]
    private static partial Regex InterfaceName();

    // Configuration sections and the daemon that must run for them (FRR 8.4's vtysh routes them so).
    private static readonly (string Prefix, string Daemon)[] DaemonOfSection =
    [
        ("router bgp ", "bgpd"), ("router ospf6", "ospf6d"), ("router ospf", "ospfd"), ("router isis ", "isisd"),
        ("router ripng", "ripngd"), ("router rip", "ripd"), ("router eigrp ", "eigrpd"), ("router babel", "babeld"),
        ("ip route ", "staticd"), ("ipv6 route ", "staticd"), ("bfd", "bfdd"),
    ];

    [GeneratedRegex(@"^\s*router bgp (\d+)", RegexOptions.Multiline)]
    private static partial Regex RouterBgp();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex YamlPositionPrefix();

    private sealed partial class Reader(string file, string baseDirectory)
    {
        private readonly List<(int Line, int Column, string Text)> errors = [];
        private string[] lines = [];

        private sealed record RouterEntry(string Name, YamlNode NameNode, List<string> Daemons, List<(IPNetwork Net, YamlNode Node)> Loopbacks,
            string? Management, YamlNode? ManagementNode, string Config, ConfigPlace? ConfigAt);

        private sealed record Endpoint(string Router, string Interface, YamlNode Node);

        public LabTopology Read(string text)
        {
            lines = text.Split('\n');
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                var message = YamlPositionPrefix().Replace(e.InnerException?.Message ?? e.Message, "").Trim().TrimEnd('.');
                throw new TopologyException([$"{file}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {message}"]);
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            {
                throw new TopologyException([$"{file}:1:1: the topology is empty; expected a mapping with `routers:` and `links:`"]);
            }

            if (Mapping(stream.Documents[0].RootNode, "a mapping with `routers:` and `links:`") is not { } root)
            {
                throw Failure();
            }

            CheckKeys(root, TopKeys, "the topology");
            var routers = new List<RouterEntry>();
            if (Child(root, "routers") is not { } routersNode)
            {
                Error(root, "the topology has no `routers:`; expected a mapping of router names to their settings");
            }
            else if (Mapping(routersNode, "a mapping of router names to their settings") is { } routerMap)
            {
                foreach (var (key, value) in routerMap.Children)
                {
                    if (ReadRouter(key, value) is { } router)
                    {
                        routers.Add(router);
                    }
                }
            }

            var links = Child(root, "links") is { } linksNode ? ReadLinks(linksNode, routers) : [];
            var managements = AssignManagement(routers);
            CheckOverlaps(routers, links);
            if (errors.Count > 0)
            {
                throw Failure();
            }

            var built = routers.Select((r, i) => new TopologyRouter(r.Name, managements[i], r.Daemons,
                r.Loopbacks.Select(l => l.Net.ToString()).ToList(), r.Config, Interfaces(r.Name, links),
                RouterBgp().Match(r.Config) is { Success: true } m && long.TryParse(m.Groups[1].Value, out var asn) ? asn : null,
                Where(r.NameNode)) { ConfigAt = r.ConfigAt }).ToList();
            return new LabTopology(file, built, links.Select(l => new TopologyLink(l.A.Router, l.A.Interface, l.B.Router, l.B.Interface)).ToList());
        }

        private RouterEntry? ReadRouter(YamlNode key, YamlNode value)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!RouterName().IsMatch(name))
            {
                Error(key, $"router name '{name}' is not allowed; expected lowercase letters, digits and '-', starting with a letter, at most 24 characters");
                return null;
            }

            var settings = value is YamlScalarNode { Value: null or "" } ? new YamlMappingNode() : Mapping(value, $"the settings of router {name} (a mapping)");
            if (settings is null)
            {
                return null;
            }

            CheckKeys(settings, RouterKeys, $"router {name}");
            var daemons = new List<string> { "zebra" };
            if (Child(settings, "daemons") is { } daemonsNode)
            {
                foreach (var item in Scalars(daemonsNode, "a list of FRR daemons such as [zebra, bgpd, ospfd]"))
                {
                    if (!KnownDaemons.Contains(item.Value))
                    {
                        Error(item, $"unknown daemon '{item.Value}'; expected one of {string.Join(", ", KnownDaemons)}");
                    }
                    else if (!daemons.Contains(item.Value!))
                    {
                        daemons.Add(item.Value!);
                    }
                }
            }
            else
            {
                daemons = [.. DefaultDaemons];
            }

            var loopbacks = new List<(IPNetwork, YamlNode)>();
            if (Child(settings, "loopback") is { } loopbackNode)
            {
                foreach (var item in Scalars(loopbackNode, "an address or a list of addresses such as 198.18.255.1/32"))
                {
                    var family = item.Value!.Contains(':', StringComparison.Ordinal) ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
                    var prefix = item.Value.Contains('/', StringComparison.Ordinal) ? item.Value
                        : item.Value + (family == AddressFamily.InterNetwork ? "/32" : "/128");
                    var (net, error) = TopologyAddresses.ParsePrefix(prefix, family, "loopback");
                    if (net is { } parsed)
                    {
                        loopbacks.Add((parsed, item));
                    }
                    else
                    {
                        Error(item, error!);
                    }
                }
            }

            string? management = null;
            var managementNode = Child(settings, "management");
            if (managementNode is not null && Scalar(managementNode, "a loopback address such as 127.0.2.1") is { } m)
            {
                if (IPAddress.TryParse(m.Value, out var address) && address.AddressFamily == AddressFamily.InterNetwork
                    && TopologyAddresses.ManagementRange.Contains(address))
                {
                    management = address.ToString();
                }
                else
                {
                    Error(m, $"management address '{m.Value}' is not an IPv4 loopback address (127.0.0.0/8) such as 127.0.2.1");
                }
            }

            var (config, configAt) = ReadConfig(name, settings);
            CheckDaemonsFor(name, config, configAt, daemons, settings);
            return new RouterEntry(name, key, daemons, loopbacks, management, managementNode, config, configAt);
        }

        private (string Text, ConfigPlace? At) ReadConfig(string router, YamlMappingNode settings)
        {
            var inline = Child(settings, "config");
            var fromFile = Child(settings, "config_file");
            if (inline is not null && fromFile is not null)
            {
                Error(fromFile, $"router {router} has both `config:` and `config_file:`; keep one");
                return ("", null);
            }

            if (inline is not null)
            {
                return Scalar(inline, "the router's frr.conf text (a `|` block)") is { } text ? (text.Value!, PlaceOf(text)) : ("", null);
            }

            if (fromFile is null || Scalar(fromFile, "a path to an frr.conf, relative to the topology file") is not { } path)
            {
                return ("", null);
            }

            var full = Path.Combine(baseDirectory, path.Value!);
            try
            {
                return (File.ReadAllText(full), new ConfigPlace(full, 1, 1));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Error(path, $"cannot read config_file {path.Value}: {e.Message}");
                return ("", null);
            }
        }

        /// <summary>A block scalar's text starts on the line after its <c>|</c>, at the block's indentation.</summary>
        private ConfigPlace PlaceOf(YamlScalarNode text)
        {
            if (text.Style is not (ScalarStyle.Literal or ScalarStyle.Folded))
            {
                return new ConfigPlace(file, (int)text.Start.Line, (int)text.Start.Column);
            }

            var first = (int)text.Start.Line;
            while (first < lines.Length && lines[first].Trim().Length == 0)
            {
                first++;
            }

            var indent = first < lines.Length ? lines[first].Length - lines[first].TrimStart(' ').Length : 0;
            return new ConfigPlace(file, (int)text.Start.Line + 1, indent + 1);
        }

        /// <summary>A configuration section whose daemon does not run would be refused when the router starts; say so now, at the line.</summary>
        private void CheckDaemonsFor(string router, string config, ConfigPlace? at, List<string> daemons, YamlMappingNode settings)
        {
            var configLines = config.Split('\n');
            foreach (var (prefix, daemon) in DaemonOfSection)
            {
                var index = Array.FindIndex(configLines, l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (index >= 0 && !daemons.Contains(daemon))
                {
                    var message = $"router {router}'s config has `{configLines[index].Trim()}` but {daemon} is not in its daemons";
                    if (at is null)
                    {
                        Error(settings, message);
                    }
                    else
                    {
                        // A config_file's lines sort after the topology's own.
                        errors.Add((at.File == file ? at.Line + index : int.MaxValue, at.Column, $"{at.At(index + 1)}: {message}"));
                    }
                }
            }
        }
    }
}

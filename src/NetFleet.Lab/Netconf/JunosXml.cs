using System.Xml.Linq;
using NetFleet.Lab.Config;

namespace NetFleet.Lab.Netconf;

/// <summary>
/// The Junos XML view of a lab Junos configuration, as a Junos device answers <c>get-config</c>: a
/// <c>&lt;configuration&gt;</c> whose hierarchy mirrors the set commands, lists as elements keyed by a
/// <c>&lt;name&gt;</c> child (<c>set interfaces ge-0/0/1 unit 0</c> is
/// <c>&lt;interfaces&gt;&lt;interface&gt;&lt;name&gt;ge-0/0/1&lt;/name&gt;&lt;unit&gt;&lt;name&gt;0&lt;/name&gt;…</c>).
/// Converting back gives the same statements, so a change made either way shows on both.
/// </summary>
internal static class JunosXml
{
    /// <summary>The namespace Junos puts on <c>&lt;configuration&gt;</c> in its NETCONF replies.</summary>
    public static readonly XNamespace Xnm = "http://xml.juniper.net/xnm/1.1/xnm";

    /// <summary>The namespace of Junos's own attributes (<c>junos:commit-seconds</c>); Junos names its release in it.</summary>
    public static readonly XNamespace Junos = "http://xml.juniper.net/junos/23.2R1/junos";

    // Statements whose word after the keyword names a child container: "family inet" is <family><inet/></family>.
    private static readonly HashSet<string> Nested = ["family"];

    // Containers whose entries are bare names in the set syntax: "interfaces ge-0/0/1" is <interface><name>….
    private static readonly Dictionary<string, string> ImplicitLists = new(StringComparer.Ordinal)
    {
        ["interfaces"] = "interface",
        ["vlans"] = "vlan",
        ["routing-instances"] = "instance",
    };

    // Keywords whose two-word leaves are list entries (<address><name>10.0.0.1/31</name></address>), as Junos has them.
    private static readonly HashSet<string> KeyedLeaves =
    [
        "unit", "area", "user", "interface", "group", "neighbor", "route", "policy-statement", "term", "prefix-list",
        "filter", "community", "address", "server", "instance", "vlan", "class", "zone", "security-zone", "policy",
        "client", "trap-group", "host", "file", "rib",
    ];

    public static XElement ToXml(JunosConfig config)
    {
        var root = new XElement(Xnm + "configuration");
        root.Add(Children(config.Root, ""));
        return root;
    }

    private static IEnumerable<XElement> Children(JunosNode parent, string parentStatement)
    {
        // Consecutive nested statements share one element: family inet and family inet6 sit in one <family>.
        XElement? lastNested = null;
        foreach (var node in parent.Children)
        {
            var (keyword, value) = Split(node.Statement);
            if (ImplicitLists.TryGetValue(parentStatement, out var entry))
            {
                lastNested = null;
                yield return new XElement(Xnm + entry, new XElement(Xnm + "name", node.Statement), Children(node, node.Statement));
                continue;
            }
            if (value is not null && Nested.Contains(keyword))
            {
                var inner = new XElement(Xnm + value, Children(node, node.Statement));
                if (lastNested?.Name.LocalName == keyword)
                {
                    lastNested.Add(inner);
                    continue;
                }
                lastNested = new XElement(Xnm + keyword, inner);
                yield return lastNested;
                continue;
            }
            lastNested = null;
            if (value is null)
            {
                yield return new XElement(Xnm + keyword, Children(node, node.Statement));
            }
            else if (node.Children.Count > 0 || KeyedLeaves.Contains(keyword))
            {
                yield return new XElement(Xnm + keyword, new XElement(Xnm + "name", value), Children(node, node.Statement));
            }
            else
            {
                yield return new XElement(Xnm + keyword, value);
            }
        }
    }

    /// <summary>The configuration an XML <c>&lt;configuration&gt;</c> describes (its namespace is not checked here).</summary>
    public static JunosConfig FromXml(XElement configuration)
    {
        var config = new JunosConfig();
        // Junos prints top-level statements in a fixed order, whatever order an edit added them in.
        config.Root.Children.AddRange(Statements(configuration, "").OrderBy(n => Array.IndexOf(JunosConfig.TopLevel, n.Statement.Split(' ')[0]) is var r and >= 0 ? r : int.MaxValue));
        return config;
    }

    private static IEnumerable<JunosNode> Statements(XElement parent, string parentStatement)
    {
        foreach (var element in parent.Elements())
        {
            var keyword = element.Name.LocalName;
            var name = element.Element(element.Name.Namespace + "name")?.Value.Trim();
            var children = element.Elements().Where(e => e.Name.LocalName != "name" || name is null).ToList();
            if (ImplicitLists.ContainsKey(parentStatement) && name is not null)
            {
                yield return Node(name, element, name);
            }
            else if (Nested.Contains(keyword) && name is null && children.Count > 0)
            {
                foreach (var inner in children)
                {
                    var statement = $"{keyword} {inner.Name.LocalName}";
                    yield return Node(statement, inner, statement);
                }
            }
            else if (name is not null)
            {
                var statement = $"{keyword} {Quote(name)}";
                yield return Node(statement, element, statement);
            }
            else if (children.Count == 0 && element.Value.Trim() is { Length: > 0 } value)
            {
                yield return new JunosNode($"{keyword} {Quote(value)}");
            }
            else
            {
                yield return Node(keyword, element, keyword);
            }
        }

        JunosNode Node(string statement, XElement from, string childParent)
        {
            var node = new JunosNode(statement);
            var inner = new XElement(from.Name, from.Elements().Where(e => e.Name.LocalName != "name"));
            node.Children.AddRange(Statements(inner, childParent));
            return node;
        }
    }

    /// <summary>The keyword and the rest of a statement (its value without quotes), or a null value for one word.</summary>
    private static (string Keyword, string? Value) Split(string statement)
    {
        var space = statement.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return (statement, null);
        }
        var value = statement[(space + 1)..];
        return (statement[..space], value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value);
    }

    // Junos quotes a value that is more than a plain word, address or name.
    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '/' or '*')
            ? value
            : $"\"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}

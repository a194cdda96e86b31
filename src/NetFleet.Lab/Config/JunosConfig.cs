using System.Text;

namespace NetFleet.Lab.Config;

/// <summary>A Junos configuration statement: a leaf (<c>host-name r1;</c>) or a container with children.</summary>
internal sealed class JunosNode(string statement)
{
    public string Statement { get; } = statement;
    public List<JunosNode> Children { get; } = [];

    public JunosNode? Child(string statement) => Children.Find(c => c.Statement == statement);
}

/// <summary>
/// A Junos configuration as a tree of statements, read from and printed in the brace format, changed
/// with <c>set</c>/<c>delete</c> word lists. Junos knows from its schema where one statement ends and
/// the next begins (<c>unit 0</c> is one, <c>family inet</c> another); the lab approximates the schema
/// with the identifiers it knows and the statements already present.
/// </summary>
internal sealed class JunosConfig
{
    // Keywords followed by a name: "unit 0", "user nflab", "area 0.0.0.0".
    private static readonly HashSet<string> Named =
    [
        "unit", "family", "area", "user", "interface", "group", "neighbor", "route", "policy-statement", "term",
        "prefix-list", "filter", "community", "address", "server", "instance", "vlan", "member", "class", "zone",
        "security-zone", "from-zone", "to-zone", "policy", "client", "trap-group", "host", "file", "rib",
    ];

    // Keywords that hold more than one value side by side.
    private static readonly HashSet<string> MultiValued = ["address", "server", "member", "interface", "neighbor", "route", "community", "host"];

    // Statements that only ever open a block, so "netconf ssh" is netconf { ssh; }.
    private static readonly HashSet<string> Containers =
    [
        "system", "services", "netconf", "ssh", "login", "ntp", "syslog", "protocols", "ospf", "ospf3", "bgp", "isis",
        "lldp", "mpls", "rsvp", "routing-options", "static", "snmp", "policy-options", "firewall", "interfaces",
        "chassis", "security", "then", "from", "authentication", "root-authentication", "vlans", "ethernet-switching",
    ];

    /// <summary>The order Junos prints top-level statements in.</summary>
    public static readonly string[] TopLevel =
    [
        "version", "groups", "apply-groups", "system", "chassis", "services", "security", "interfaces", "snmp",
        "forwarding-options", "event-options", "routing-options", "protocols", "policy-options", "class-of-service",
        "firewall", "routing-instances", "applications", "vlans",
    ];

    public JunosNode Root { get; } = new("");

    public static JunosConfig Parse(string text)
    {
        var config = new JunosConfig();
        var stack = new Stack<JunosNode>();
        stack.Push(config.Root);
        foreach (var raw in text.Split('\n'))
        {
            var line = StripComment(raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (line == "}")
            {
                if (stack.Count > 1)
                {
                    stack.Pop();
                }
                continue;
            }
            var opens = line.EndsWith('{');
            var node = new JunosNode(line.TrimEnd('{', ';', ' '));
            stack.Peek().Children.Add(node);
            if (opens)
            {
                stack.Push(node);
            }
        }
        return config;
    }

    /// <summary>The brace format, below <paramref name="path"/> (the whole configuration by default).</summary>
    public string Render(IReadOnlyList<string>? path = null)
    {
        var text = new StringBuilder();
        if (Find(path ?? []) is { } node)
        {
            foreach (var child in node.Children)
            {
                Write(text, child, 0);
            }
        }
        return text.ToString();
    }

    private static void Write(StringBuilder text, JunosNode node, int depth)
    {
        var indent = new string(' ', depth * 4);
        if (node.Children.Count == 0)
        {
            text.Append(indent).Append(node.Statement).Append(";\n");
            return;
        }
        text.Append(indent).Append(node.Statement).Append(" {\n");
        foreach (var child in node.Children)
        {
            Write(text, child, depth + 1);
        }
        text.Append(indent).Append("}\n");
    }

    /// <summary>The configuration as <c>set</c> commands (<c>| display set</c>).</summary>
    public string DisplaySet(IReadOnlyList<string>? path = null)
    {
        var text = new StringBuilder();
        var start = path ?? [];
        if (Find(start) is { } node)
        {
            foreach (var child in node.Children)
            {
                Lines(child, "set" + string.Concat(start.Select(s => " " + s)));
            }
        }
        return text.ToString();

        void Lines(JunosNode at, string prefix)
        {
            var here = prefix + " " + at.Statement;
            if (at.Children.Count == 0)
            {
                text.Append(here).Append('\n');
            }
            foreach (var child in at.Children)
            {
                Lines(child, here);
            }
        }
    }

    public JunosNode? Find(IReadOnlyList<string> path)
    {
        var node = Root;
        foreach (var statement in path)
        {
            if (node.Child(statement) is not { } next)
            {
                return null;
            }
            node = next;
        }
        return node;
    }

    /// <summary>Cuts <paramref name="words"/> (below <paramref name="path"/>) into statements.</summary>
    public List<string> Statements(IReadOnlyList<string> path, IReadOnlyList<string> words)
    {
        var statements = new List<string>();
        var node = Find(path);
        var i = 0;
        while (i < words.Count)
        {
            var existing = node?.Children.Where(c => StartsWith(words, i, c.Statement)).MaxBy(c => c.Statement.Length);
            var count = existing is not null ? existing.Statement.Split(' ').Length : Length(words, i);
            var statement = existing?.Statement ?? string.Join(' ', words.Skip(i).Take(count));
            statements.Add(statement);
            node = node?.Child(statement);
            i += count;
        }
        return statements;
    }

    private static int Length(IReadOnlyList<string> words, int i)
    {
        var left = words.Count - i;
        if (Named.Contains(words[i]) && left >= 2)
        {
            return 2;
        }
        return !Containers.Contains(words[i]) && left == 2 ? 2 : 1;
    }

    private static bool StartsWith(IReadOnlyList<string> words, int at, string statement)
    {
        var parts = statement.Split(' ');
        if (at + parts.Length > words.Count)
        {
            return false;
        }
        for (var k = 0; k < parts.Length; k++)
        {
            if (words[at + k] != parts[k])
            {
                return false;
            }
        }
        return true;
    }

    public void Set(IReadOnlyList<string> path, IReadOnlyList<string> words)
    {
        var node = Root;
        foreach (var statement in path.Concat(Statements(path, words)))
        {
            if (node.Child(statement) is { } next)
            {
                node = next;
                continue;
            }
            var created = new JunosNode(statement);
            var keyword = statement.Split(' ')[0];
            // A keyword with one value: setting it again replaces the value.
            var replaced = statement.Contains(' ', StringComparison.Ordinal) && !MultiValued.Contains(keyword) && !Named.Contains(keyword)
                ? node.Children.FindIndex(c => c.Statement.StartsWith(keyword + " ", StringComparison.Ordinal) && c.Children.Count == 0)
                : -1;
            if (replaced >= 0)
            {
                node.Children[replaced] = created;
            }
            else if (node == Root && TopLevel.Contains(statement))
            {
                var rank = Array.IndexOf(TopLevel, statement);
                var before = node.Children.FindIndex(c => Array.IndexOf(TopLevel, c.Statement) is var r && (r > rank || r < 0));
                node.Children.Insert(before < 0 ? node.Children.Count : before, created);
            }
            else
            {
                node.Children.Add(created);
            }
            node = created;
        }
    }

    /// <summary>Deletes the statement the words name (or every statement they begin, as
    /// <c>delete system host-name</c> does); false when there is none.</summary>
    public bool Delete(IReadOnlyList<string> path, IReadOnlyList<string> words)
    {
        var trail = new List<JunosNode> { Root };
        foreach (var statement in path)
        {
            if (trail[^1].Child(statement) is not { } next)
            {
                return false;
            }
            trail.Add(next);
        }
        var i = 0;
        while (i < words.Count)
        {
            var node = trail[^1];
            var child = node.Children.Where(c => StartsWith(words, i, c.Statement)).MaxBy(c => c.Statement.Length);
            if (child is null)
            {
                var rest = string.Join(' ', words.Skip(i));
                var removed = node.Children.RemoveAll(c => c.Statement.StartsWith(rest + " ", StringComparison.Ordinal));
                if (removed > 0)
                {
                    Prune(trail);
                }
                return removed > 0;
            }
            trail.Add(child);
            i += child.Statement.Split(' ').Length;
        }
        if (trail.Count == 1)
        {
            Root.Children.Clear();
            return true;
        }
        trail[^2].Children.Remove(trail[^1]);
        trail.RemoveAt(trail.Count - 1);
        Prune(trail);
        return true;
    }

    // Containers emptied by a delete disappear with it.
    private static void Prune(List<JunosNode> trail)
    {
        for (var k = trail.Count - 1; k > 0 && trail[k].Children.Count == 0; k--)
        {
            trail[k - 1].Children.Remove(trail[k]);
        }
    }

    /// <summary>The differences from <paramref name="from"/> to <paramref name="to"/> in the format of
    /// <c>show | compare</c>: an <c>[edit …]</c> line per place, then removed and added statements.</summary>
    public static string Compare(JunosConfig from, JunosConfig to)
    {
        var text = new StringBuilder();
        string? header = null;
        Walk(from.Root, to.Root, []);
        return text.ToString();

        void Walk(JunosNode a, JunosNode b, List<string> path)
        {
            var done = 0;
            foreach (var added in b.Children)
            {
                var same = a.Child(added.Statement);
                if (same is null)
                {
                    while (done < a.Children.Count && b.Child(a.Children[done].Statement) is null)
                    {
                        Emit('-', a.Children[done++], path);
                    }
                    Emit('+', added, path);
                    continue;
                }
                var at = a.Children.IndexOf(same);
                for (; done < at; done++)
                {
                    if (b.Child(a.Children[done].Statement) is null)
                    {
                        Emit('-', a.Children[done], path);
                    }
                }
                done = Math.Max(done, at + 1);
                if (same.Children.Count > 0 || added.Children.Count > 0)
                {
                    Walk(same, added, [.. path, added.Statement]);
                }
            }
            for (; done < a.Children.Count; done++)
            {
                if (b.Child(a.Children[done].Statement) is null)
                {
                    Emit('-', a.Children[done], path);
                }
            }
        }

        void Emit(char sign, JunosNode node, List<string> path)
        {
            var place = path.Count == 0 ? "[edit]" : $"[edit {string.Join(' ', path)}]";
            if (header != place)
            {
                text.Append(place).Append('\n');
                header = place;
            }
            var block = new StringBuilder();
            Write(block, node, 0);
            // Junos indents a changed statement two columns per level of its [edit …] header (at least two).
            var indent = new string(' ', Math.Max(2, path.Count * 2));
            foreach (var line in block.ToString().TrimEnd('\n').Split('\n'))
            {
                text.Append(sign).Append(indent).Append(line).Append('\n');
            }
        }
    }

    private static string StripComment(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && (line[i] == '#' || (line[i] == '/' && i + 1 < line.Length && line[i + 1] == '*')))
            {
                return line[..i];
            }
        }
        return line;
    }
}

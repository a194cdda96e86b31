// Over 400 lines: frr-reload.py's model (keywords, contexts, fix-ups) and the commands computed from it are one piece.
using System.Net;
using System.Text.RegularExpressions;

namespace NetFleet.Devices.Platforms;

/// <summary>
/// FRR's configuration as contexts, and the commands between two configurations. This is frr-reload.py's model
/// (FRR's tools/frr-reload.py, package frr-pythontools) done again in C#: that script computes the commands for a
/// target configuration but runs on the router beside vtysh, while NetFleet only has an SSH session into vtysh.
/// Mirrored from it: the tree of context keywords (<c>router bgp</c> → <c>address-family</c> → <c>vni</c> …), a
/// context keyed by its header lines, single-line top-level commands as header-only contexts, whole contexts removed
/// with one <c>no HEADER</c> except interfaces, VRFs and BGP address families (removed line by line), the address
/// fix-ups of <c>ip route</c>, <c>ip prefix-list</c> and BGP <c>network</c>, the lines that cannot be removed
/// (<c>frr version</c>, <c>frr defaults</c>, <c>service integrated-vtysh-config</c> …), a neighbour's own lines
/// dropped when the neighbour itself goes (<c>no neighbor X remote-as</c> deletes it with all its settings), and
/// deletes before adds. Done differently: a changed <c>neighbor X remote-as</c> is set again rather than removed
/// and re-added, so the neighbour keeps its other settings (frr-reload.py removes it and puts them back in a
/// second pass).
/// </summary>
public static partial class FrrConfig
{
    /// <summary>Which lines open a context, by the context they appear in (frr-reload.py's <c>ctx_keywords</c>).</summary>
    private sealed record Keywords(IReadOnlyDictionary<string, Keywords> Children)
    {
        public static Keywords Of(params (string Prefix, Keywords Children)[] children) =>
            new(children.ToDictionary(c => c.Prefix, c => c.Children, StringComparer.Ordinal));

        public static readonly Keywords None = Of();

        public Keywords? Opens(string line) =>
            Children.FirstOrDefault(c => line.StartsWith(c.Key, StringComparison.Ordinal)).Value;
    }

    private static readonly Keywords Top = Keywords.Of(
        ("router bgp ", Keywords.Of(
            ("address-family ", Keywords.Of(("vni ", Keywords.None))),
            ("vnc defaults", Keywords.None), ("vnc nve-group ", Keywords.None), ("vnc l2-group ", Keywords.None),
            ("vrf-policy ", Keywords.None), ("bmp targets ", Keywords.None), ("segment-routing srv6", Keywords.None))),
        ("router rip", Keywords.None), ("router ripng", Keywords.None), ("router isis ", Keywords.None),
        ("router openfabric ", Keywords.None), ("router ospf", Keywords.None), ("router ospf6", Keywords.None),
        ("router eigrp ", Keywords.None), ("router babel", Keywords.None),
        ("mpls ldp", Keywords.Of(("address-family ", Keywords.Of(("interface ", Keywords.None))))),
        ("l2vpn ", Keywords.Of(("member pseudowire ", Keywords.None))),
        ("key chain ", Keywords.Of(("key ", Keywords.None))),
        ("vrf ", Keywords.None),
        ("interface ", Keywords.Of(("link-params", Keywords.None))),
        ("pseudowire ", Keywords.None),
        ("segment-routing", Keywords.Of(
            ("traffic-eng", Keywords.Of(("segment-list ", Keywords.None), ("policy ", Keywords.Of(("candidate-path ", Keywords.None))),
                ("pcep", Keywords.Of(("pcc", Keywords.None), ("pce ", Keywords.None), ("pce-config ", Keywords.None))))),
            ("srv6", Keywords.Of(("locators", Keywords.Of(("locator ", Keywords.None))))))),
        ("nexthop-group ", Keywords.None), ("route-map ", Keywords.None), ("pbr-map ", Keywords.None),
        ("rpki", Keywords.None),
        ("bfd", Keywords.Of(("peer ", Keywords.None), ("profile ", Keywords.None))),
        ("line vty", Keywords.None));

    /// <summary>Top-level lines FRR cannot remove, or must not lose (frr-reload.py's <c>ignore_unconfigurable_lines</c>).</summary>
    private static readonly string[] Unremovable =
        ["agentx", "frr version", "frr defaults", "username", "password", "line vty", "service integrated-vtysh-config"];

    /// <summary>One line of configuration in its context: <see cref="Line"/> null stands for the context's header itself.</summary>
    internal sealed record Entry(IReadOnlyList<string> Context, string? Line)
    {
        public string Key => string.Join('\n', Context);
    }

    /// <summary>A context: its header lines (outermost first) and its own lines, in order.</summary>
    internal sealed class Context(IReadOnlyList<string> keys)
    {
        public IReadOnlyList<string> Keys { get; } = keys;
        public List<string> Lines { get; } = [];
        public HashSet<string> Set { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// The entries of a configuration text (FRR's <c>show running-config</c>, a <c>frr.conf</c>, or a change), in order.
    /// A context ends at <c>exit</c>/<c>exit-address-family</c>/<c>end</c>, at a line that opens a context of an outer
    /// level, or, when the text is indented, at a line indented no deeper than the context's header.
    /// </summary>
    internal static List<Entry> Entries(IEnumerable<string> text)
    {
        var lines = text.SelectMany(t => t.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
            .Select(l => l.TrimEnd())
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('!') && !l.TrimStart().StartsWith('#') && !ConfigText.IsVolatile(l.TrimStart()))
            .ToList();
        var indented = lines.Skip(1).Any(l => char.IsWhiteSpace(l[0]));
        var entries = new List<Entry>();
        var open = new List<(string Header, int Indent, Keywords Table)>();
        foreach (var raw in lines)
        {
            var line = Normalise(raw);
            var indent = raw.Length - raw.TrimStart().Length;
            if (line == "end")
            {
                open.Clear();
                continue;
            }

            if (line.StartsWith("exit", StringComparison.Ordinal))
            {
                if (open.Count > 0) open.RemoveAt(open.Count - 1);
                continue;
            }

            if (indented)
            {
                while (open.Count > 0 && open[^1].Indent >= indent) open.RemoveAt(open.Count - 1);
            }

            // The innermost level whose keywords open a context with this line: deeper levels first, so
            // `address-family` opens under `router bgp`, and an outer keyword (`interface`) closes inner contexts.
            var level = -1;
            Keywords? table = null;
            for (var depth = open.Count; depth >= 0 && table is null; depth--)
            {
                table = (depth == 0 ? Top : open[depth - 1].Table).Opens(line);
                if (table is not null) level = depth;
                if (indented) break;
            }

            if (table is not null)
            {
                open.RemoveRange(level, open.Count - level);
                open.Add((line, indent, table));
                entries.Add(new Entry([.. open.Select(o => o.Header)], null));
            }
            else if (open.Count == 0)
            {
                entries.Add(new Entry([line], null));
            }
            else
            {
                entries.Add(new Entry([.. open.Select(o => o.Header)], line));
            }
        }

        return entries;
    }

    /// <summary>The contexts of a configuration, keyed by their header lines, in the order they first appear.</summary>
    internal static Dictionary<string, Context> Contexts(string config)
    {
        var contexts = new Dictionary<string, Context>(StringComparer.Ordinal);
        foreach (var entry in Entries([config]))
        {
            if (!contexts.TryGetValue(entry.Key, out var context))
            {
                contexts[entry.Key] = context = new Context(entry.Context);
            }

            if (entry.Line is { } line && context.Set.Add(line))
            {
                context.Lines.Add(line);
            }
        }

        return contexts;
    }

    /// <summary>
    /// The lines of a change that the running configuration does not hold yet, with the context headers they need and
    /// <c>exit</c>s between contexts, ready to enter in <c>configure terminal</c>; empty when the change is all there.
    /// A line holds when its context shows it; <c>no X</c> holds when the context shows it, or shows no <c>X</c> and
    /// nothing starting with <c>X </c> (or the context is absent). A header alone holds when the context exists.
    /// Lines FRR never shows (defaults) are always pending: sending them again changes nothing.
    /// </summary>
    public static IReadOnlyList<string> Pending(IReadOnlyList<string> lines, string running)
    {
        var present = Contexts(running);
        return Script(Entries(lines).Where(e => !Holds(e, present)).Select(e => Step((e.Context, e.Line))));
    }

    private static bool Holds(Entry entry, Dictionary<string, Context> present)
    {
        if (entry.Line is null)
        {
            var header = entry.Context[^1];
            if (entry.Context.Count > 1 || !header.StartsWith("no ", StringComparison.Ordinal)) return present.ContainsKey(entry.Key);
            var negated = header[3..];
            return present.ContainsKey(entry.Key) || !present.Values.Any(c => c.Keys[0] == negated || c.Keys[0].StartsWith(negated + " ", StringComparison.Ordinal));
        }

        present.TryGetValue(entry.Key, out var context);
        if (context?.Set.Contains(entry.Line) == true) return true;
        if (!entry.Line.StartsWith("no ", StringComparison.Ordinal)) return false;
        var removed = entry.Line[3..];
        return context is null || !context.Lines.Any(l => l == removed || l.StartsWith(removed + " ", StringComparison.Ordinal));
    }

    /// <summary>
    /// What a change will do to the running configuration, worked out before it is applied: <c>+ </c> for lines it adds,
    /// <c>- </c> for lines its negations or replacements remove (a second <c>neighbor X remote-as</c>, <c>description</c>,
    /// router ids, metrics replace the one shown), under their context headers; null when nothing changes.
    /// </summary>
    public static string? Preview(IReadOnlyList<string> lines, string running)
    {
        var present = Contexts(running);
        var diff = new List<string>();
        IReadOnlyList<string> shown = [];
        foreach (var entry in Entries(lines).Where(e => !Holds(e, present)))
        {
            var parents = entry.Line is null ? [.. entry.Context.Take(entry.Context.Count - 1)] : entry.Context;
            var common = shown.Zip(parents).TakeWhile(p => p.First == p.Second).Count();
            diff.AddRange(parents.Skip(common).Select((header, i) => "  " + new string(' ', common + i) + header));
            shown = parents;
            var indent = new string(' ', parents.Count);
            var line = entry.Line ?? entry.Context[^1];
            var siblings = entry.Line is null
                ? present.Values.Where(c => c.Keys.Count == 1).Select(c => c.Keys[0])
                : present.TryGetValue(entry.Key, out var context) ? context.Lines : [];
            if (line.StartsWith("no ", StringComparison.Ordinal))
            {
                var removed = line[3..];
                diff.AddRange(siblings.Where(l => l == removed || l.StartsWith(removed + " ", StringComparison.Ordinal)).Select(l => "- " + indent + l));
                continue;
            }

            diff.AddRange(siblings.Where(l => Replaces(line, l)).Select(l => "- " + indent + l));
            diff.Add("+ " + indent + line);
            if (entry.Line is null) shown = entry.Context;
        }

        return diff.Any(l => l[0] != ' ') ? string.Join('\n', diff) : null;
    }

    /// <summary>True when entering <paramref name="line"/> replaces <paramref name="shown"/> rather than adding beside it:
    /// the settings FRR holds one value of.</summary>
    private static bool Replaces(string line, string shown) =>
        line != shown && SingleValued().Match(line) is { Success: true } m && shown.StartsWith(m.Value, StringComparison.Ordinal);

    /// <summary>
    /// The commands that turn the running configuration <paramref name="current"/> into <paramref name="target"/>, for
    /// <c>configure terminal</c>: every removal first (in the order the running configuration shows them), then every
    /// addition (in the target's order), with the headers and <c>exit</c>s that move between contexts.
    /// </summary>
    public static IReadOnlyList<string> RestoreCommands(string current, string target)
    {
        var now = Contexts(current);
        var goal = Contexts(target);
        var delete = new List<(IReadOnlyList<string> Context, string? Line)>();
        var add = new List<(IReadOnlyList<string> Context, string? Line)>();
        var bgpGone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, context) in now)
        {
            var first = context.Keys[0];
            if (Unremovable.Any(u => first.StartsWith(u, StringComparison.Ordinal))) continue;
            if (!goal.TryGetValue(key, out var wanted))
            {
                if (first.StartsWith("router bgp", StringComparison.Ordinal) && context.Keys.Count == 1)
                {
                    bgpGone.Add(first);
                    delete.Add((context.Keys, null));
                }
                else if (first.StartsWith("router bgp", StringComparison.Ordinal) && bgpGone.Contains(first))
                {
                    // `no router bgp` takes its address families with it.
                }
                else if (first.StartsWith("interface", StringComparison.Ordinal) || first.StartsWith("vrf", StringComparison.Ordinal)
                         || context.Keys.Count > 1 && context.Keys[1].StartsWith("address-family", StringComparison.Ordinal))
                {
                    // No `no interface` for an interface the kernel has, no `no address-family`: line by line.
                    delete.AddRange(context.Lines.Select(l => (context.Keys, (string?)l)));
                }
                else
                {
                    delete.Add((context.Keys, null));
                }

                continue;
            }

            delete.AddRange(context.Lines.Where(l => !wanted.Set.Contains(l)).Select(l => (context.Keys, (string?)l)));
        }

        foreach (var (key, context) in goal)
        {
            if (!now.TryGetValue(key, out var present))
            {
                add.Add((context.Keys, null));
                add.AddRange(context.Lines.Select(l => (context.Keys, (string?)l)));
                continue;
            }

            add.AddRange(context.Lines.Where(l => !present.Set.Contains(l)).Select(l => (context.Keys, (string?)l)));
        }

        List<(IReadOnlyList<string> At, string? Line)> steps =
        [
            .. BgpNeighbourDeletes(delete, add).Select(d => d.Line is null
                ? ((IReadOnlyList<string>)[.. d.Context.Take(d.Context.Count - 1)], (string?)Negate(d.Context[^1]))
                : (d.Context, Negate(d.Line))),
            .. add.Select(Step),
        ];
        return Script(steps);
    }

    /// <summary>
    /// Removals under FRR's rules: a setting FRR holds one value of (<c>neighbor X remote-as</c>, a description, a router
    /// id) that the target sets to another value is not removed, since setting it changes it in place and
    /// <c>no neighbor X remote-as</c> would delete the neighbour with all its settings; a neighbour or peer group that goes
    /// takes all its own lines with it, so it is removed by one line (a group's <c>neighbor X peer-group</c>, else the
    /// neighbour's <c>remote-as</c>) after the other removals (frr-reload.py's <c>delete_move_lines</c>).
    /// </summary>
    private static IEnumerable<(IReadOnlyList<string> Context, string? Line)> BgpNeighbourDeletes(
        List<(IReadOnlyList<string> Context, string? Line)> delete, List<(IReadOnlyList<string> Context, string? Line)> add)
    {
        bool Replaced(IReadOnlyList<string> context, string line) => add.Any(a =>
            a.Line is { } l && a.Context.SequenceEqual(context) && Replaces(l, line));

        // Each neighbour or group that goes, and the one line whose removal deletes it: a group's `peer-group` line
        // (its `remote-as` goes with it), else the neighbour's `remote-as`.
        var gone = new Dictionary<(string Bgp, string Neighbour), (IReadOnlyList<string> Context, string Line)>();
        foreach (var (context, line) in delete)
        {
            if (line is null || !context[0].StartsWith("router bgp", StringComparison.Ordinal) || Replaced(context, line)) continue;
            if (PeerGroup().Match(line) is { Success: true } g) gone[(context[0], g.Groups[1].Value)] = (context, line);
            else if (RemoteAs().Match(line) is { Success: true } r) gone.TryAdd((context[0], r.Groups[1].Value), (context, line));
        }

        foreach (var (context, line) in delete)
        {
            // A setting FRR holds one value of is replaced by the addition: removing it first would only flap it.
            if (line is not null && Replaced(context, line)) continue;
            if (line is not null && context[0].StartsWith("router bgp", StringComparison.Ordinal) && Neighbour().Match(line) is { Success: true } n
                && gone.ContainsKey((context[0], n.Groups[1].Value)))
            {
                continue;
            }

            yield return (context, line);
        }

        foreach (var (context, line) in gone.Values) yield return (context, line);
    }

    /// <summary>The removal of a line: <c>no X</c>, or <c>X</c> for a line shown as <c>no X</c>; a description's text is
    /// not repeated (FRR takes <c>no description</c>, and refuses <c>no description TEXT</c>).</summary>
    private static string Negate(string line) =>
        line.StartsWith("no ", StringComparison.Ordinal) ? line[3..]
        : Description().Match(line) is { Success: true } d ? "no " + d.Value.TrimEnd()
        : "no " + line;

    /// <summary>Where an entry is typed: a line in its context; a header by entering its context, except a single-line
    /// top-level command (<c>ip route …</c>), which is typed at the top and enters nothing.</summary>
    private static (IReadOnlyList<string> At, string? Line) Step((IReadOnlyList<string> Context, string? Line) entry) =>
        entry.Line is null && IsSingleLine(entry.Context) ? ([], entry.Context[0]) : entry;

    /// <summary>The lines to type for steps, in order: a step's line is typed in context <c>At</c> (null: only enter it);
    /// headers are typed to enter contexts and <c>exit</c> leaves them.</summary>
    private static List<string> Script(IEnumerable<(IReadOnlyList<string> At, string? Line)> steps)
    {
        var script = new List<string>();
        var at = new List<string>();
        foreach (var (target, line) in steps)
        {
            var common = 0;
            while (common < at.Count && common < target.Count && at[common] == target[common]) common++;
            for (var i = at.Count; i > common; i--) script.Add(new string(' ', i - 1) + "exit");
            at.RemoveRange(common, at.Count - common);
            for (var i = common; i < target.Count; i++)
            {
                script.Add(new string(' ', i) + target[i]);
                at.Add(target[i]);
            }

            if (line is not null) script.Add(new string(' ', at.Count) + line);
        }

        return script;
    }

    /// <summary>True for a top-level command that opens no context (<c>ip route …</c>, <c>hostname r1</c>).</summary>
    private static bool IsSingleLine(IReadOnlyList<string> context) => context.Count == 1 && Top.Opens(context[0]) is null;

    /// <summary>A line as FRR shows it: trimmed, blanks collapsed, and frr-reload.py's address fix-ups (host bits cleared in
    /// <c>ip route</c>, <c>ip prefix-list</c> and BGP <c>network</c> prefixes, <c>null0</c> as <c>Null0</c>,
    /// <c>le … ge …</c> as <c>ge … le …</c>).</summary>
    internal static string Normalise(string raw)
    {
        var line = ConfigText.Normalise(raw);
        if (Route().Match(line) is { Success: true } route)
        {
            line = $"{route.Groups[1].Value} route {Network(route.Groups[2].Value)}{route.Groups[3].Value}";
            line = Null0().Replace(line, " Null0");
        }
        else if (PrefixList().Match(line) is { Success: true } list)
        {
            var bounds = list.Groups[5].Value;
            if (LeGe().Match(bounds) is { Success: true } lege)
            {
                bounds = $"{lege.Groups[1].Value}ge {lege.Groups[3].Value} le {lege.Groups[2].Value}{lege.Groups[4].Value}";
            }

            line = $"{list.Groups[1].Value} prefix-list{list.Groups[2].Value}{list.Groups[3].Value} {Network(list.Groups[4].Value)}{bounds}";
        }
        else if (BgpNetwork().Match(line) is { Success: true } net)
        {
            line = $"network {Network(net.Groups[1].Value)}{net.Groups[2].Value}";
        }

        return line;
    }

    /// <summary>A prefix with its host bits cleared (<c>198.18.10.1/24</c> → <c>198.18.10.0/24</c>); anything else as is.</summary>
    private static string Network(string prefix)
    {
        var slash = prefix.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(prefix[..slash], out var address) || !int.TryParse(prefix[(slash + 1)..], out var length)) return prefix;
        var bytes = address.GetAddressBytes();
        if (length < 0 || length > bytes.Length * 8) return prefix;
        for (var bit = length; bit < bytes.Length * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return $"{new IPAddress(bytes)}/{length}";
    }

    [GeneratedRegex(@"^(ip|ipv6) route ([A-Fa-f:.0-9/]+)(.*)$")]
    private static partial Regex Route();

    [GeneratedRegex(@"\s+null0(\s*$)")]
    private static partial Regex Null0();

    [GeneratedRegex(@"^(ip|ipv6) prefix-list(.*)(permit|deny) ([A-Fa-f:.0-9/]+)(.*)$")]
    private static partial Regex PrefixList();

    [GeneratedRegex(@"(.*)le (\d+) ge (\d+)(.*)")]
    private static partial Regex LeGe();

    [GeneratedRegex(@"^network ([A-Fa-f:.0-9]+/\d+)(.*)$")]
    private static partial Regex BgpNetwork();

    [GeneratedRegex(@"^neighbor (\S+) (?:interface (?:v6only )?)?remote-as \S+$")]
    private static partial Regex RemoteAs();

    [GeneratedRegex(@"^neighbor (\S+) peer-group$")]
    private static partial Regex PeerGroup();

    [GeneratedRegex(@"^neighbor (\S+) ")]
    private static partial Regex Neighbour();

    [GeneratedRegex(@"^(neighbor \S+ (remote-as|description|update-source|ebgp-multihop|password|local-as|weight)|description|bgp router-id|ospf router-id|router-id|ip ospf (cost|hello-interval|dead-interval|priority|network)|set (metric|local-preference|weight|origin|tag)|hostname) ")]
    private static partial Regex SingleValued();

    [GeneratedRegex(@"^(neighbor \S+ )?description ")]
    private static partial Regex Description();
}

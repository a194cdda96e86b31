namespace NetFleet.Devices;

/// <summary>
/// A configuration change made under the device's own safety net: applied so that the device reverts it by itself
/// after <see cref="ConfirmMinutes"/> device minutes unless it is confirmed (Junos <c>commit confirmed</c>, EOS
/// <c>commit timer</c>, IOS <c>configure replace … time</c>). <see cref="Name"/> is stable for the change, so a
/// confirmation or a restore can come on a later session than the one that applied it.
/// </summary>
public sealed record ConfigTransaction(string Name, int ConfirmMinutes)
{
    /// <summary>The strategy asked for; null picks the strongest the device supports.</summary>
    public ConfigStrategy? Strategy { get; init; }

    /// <summary>The running configuration the caller read just before (in <see cref="Platforms.PlatformDefinition.LineConfigCommand"/>
    /// form), so the driver need not read it again; null makes the driver read it.</summary>
    public string? Backup { get; init; }

    /// <summary>A name the platforms accept for a config session or file: letters, digits and dashes.</summary>
    public static string NameFor(string jobId, string device, int play, int task, int item)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{jobId}/{device}/{play}/{task}/{item}"));
        return "netfleet-" + Convert.ToHexStringLower(hash.AsSpan(0, 5));
    }
}

/// <summary>Comparing configurations as text, without the lines a device changes by itself (timestamps, sizes).</summary>
public static class ConfigText
{
    /// <summary>The lines that carry configuration: not empty, not a bare <c>!</c> separator, not volatile.</summary>
    public static IReadOnlyList<string> Significant(string config) =>
        [.. config.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())
            .Where(l => l.Length > 0 && l.Trim() != "!" && !IsVolatile(l))];

    /// <summary>True when both hold the same configuration, line for line.</summary>
    public static bool Same(string a, string b) => Significant(a).SequenceEqual(Significant(b), StringComparer.Ordinal);

    /// <summary>
    /// The lines of an indented (IOS/EOS style) change that the running configuration <paramref name="config"/> does
    /// not hold yet, section-aware: a line indented under another is looked for under that parent only, and a parent
    /// is sent again (before its missing children) only when one of them is missing. Lines compare with runs of
    /// blanks collapsed; <c>no X</c> holds when the line itself is shown or nothing under the same parent is
    /// <c>X</c> or starts with <c>X </c>. Empty when the change is already there: nothing needs sending.
    /// </summary>
    public static IReadOnlyList<string> IndentedPending(IReadOnlyList<string> lines, string config)
    {
        var present = Tree(Significant(config).Where(l => l.Trim() != "end"));
        var change = Tree(lines.Where(l => l.Trim().Length > 0 && l.Trim() is not ("!" or "exit" or "end")));
        var pending = new List<string>();
        Walk(change, present, pending);
        return pending;

        static void Walk(ConfigNode wanted, ConfigNode? have, List<string> pending)
        {
            foreach (var child in wanted.Children)
            {
                var match = have?.Find(child.Key);
                if (child.Children.Count == 0)
                {
                    if (!Holds(child.Key, match, have)) pending.Add(child.Line);
                    continue;
                }

                var missing = new List<string>();
                Walk(child, match, missing);
                if (match is not null && missing.Count == 0) continue;
                pending.Add(child.Line);
                pending.AddRange(missing);
            }
        }

        static bool Holds(string key, ConfigNode? match, ConfigNode? parent)
        {
            if (match is not null) return true;
            if (!key.StartsWith("no ", StringComparison.Ordinal)) return false;
            var negated = key[3..];
            return parent is null || !parent.Children.Any(c => c.Key == negated || c.Key.StartsWith(negated + " ", StringComparison.Ordinal));
        }
    }

    /// <summary>Lines as a tree by indentation: each line's parent is the nearest line above it indented less.</summary>
    private static ConfigNode Tree(IEnumerable<string> lines)
    {
        var root = new ConfigNode("", "", -1);
        var open = new Stack<ConfigNode>();
        open.Push(root);
        foreach (var line in lines)
        {
            var text = line.TrimEnd();
            var indent = text.Length - text.TrimStart().Length;
            while (open.Peek().Indent >= indent) open.Pop();
            var node = new ConfigNode(Normalise(text), text, indent);
            open.Peek().Children.Add(node);
            open.Push(node);
        }

        return root;
    }

    /// <summary>A line trimmed, with runs of blanks inside it collapsed: how devices compare configuration lines.</summary>
    public static string Normalise(string line) => string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private sealed record ConfigNode(string Key, string Line, int Indent)
    {
        public List<ConfigNode> Children { get; } = [];
        public ConfigNode? Find(string key) => Children.FirstOrDefault(c => c.Key == key);
    }

    /// <summary>A line diff (DiffPlex) of two configurations, <c>- </c> and <c>+ </c> lines in order; null when they hold
    /// the same configuration.</summary>
    public static string? LineDiff(string before, string after)
    {
        var diff = DiffPlex.Differ.Instance.CreateLineDiffs(string.Join('\n', Significant(before)), string.Join('\n', Significant(after)),
            ignoreWhitespace: false);
        var lines = new List<string>();
        foreach (var block in diff.DiffBlocks)
        {
            lines.AddRange(diff.PiecesOld.Skip(block.DeleteStartA).Take(block.DeleteCountA).Select(l => "- " + l));
            lines.AddRange(diff.PiecesNew.Skip(block.InsertStartB).Take(block.InsertCountB).Select(l => "+ " + l));
        }

        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    /// <summary>
    /// A line diff of two indented configurations (canonical XML, brace-style Junos) in which every change is shown under
    /// the lines that enclose it, as unchanged context lines (<c>"  "</c>), once each, the way Junos's <c>show | compare</c>
    /// names the hierarchy of a change: <c>+ &lt;description&gt;</c> alone does not say which interface it is. Null when
    /// both hold the same configuration.
    /// </summary>
    public static string? HierarchyDiff(string before, string after)
    {
        var diff = DiffPlex.Differ.Instance.CreateLineDiffs(string.Join('\n', Significant(before)), string.Join('\n', Significant(after)),
            ignoreWhitespace: false);
        var lines = new List<string>();
        var shown = new HashSet<int>();
        foreach (var block in diff.DiffBlocks)
        {
            // Enclosing lines are unchanged, so they sit in the new text too: context is keyed by its index there.
            var enclosing = block.InsertCountB > 0
                ? Enclosing(diff.PiecesNew, block.InsertStartB).Select(i => (Index: i, Line: diff.PiecesNew[i]))
                : Enclosing(diff.PiecesOld, block.DeleteStartA).Select(i => (Index: i + NewOffset(diff, i), Line: diff.PiecesOld[i]));
            lines.AddRange(enclosing.Where(c => shown.Add(c.Index)).Select(c => "  " + c.Line));
            lines.AddRange(diff.PiecesOld.Skip(block.DeleteStartA).Take(block.DeleteCountA).Select(l => "- " + l));
            lines.AddRange(diff.PiecesNew.Skip(block.InsertStartB).Take(block.InsertCountB).Select(l => "+ " + l));
        }

        return lines.Count == 0 ? null : string.Join('\n', lines);

        // The indices of the lines above `at` indented less than it, outermost first, each followed by its first child when
        // that is a one-line leaf above `at`: the key of a YANG or Junos list entry comes first (<name>ge-0/0/1</name>).
        static IEnumerable<int> Enclosing(IReadOnlyList<string> text, int at)
        {
            if (at >= text.Count) return [];
            var chain = new List<int>();
            var indent = Indentation(text[at]);
            for (var i = at - 1; i >= 0 && indent > 0; i--)
            {
                if (text[i].Trim().Length == 0 || Indentation(text[i]) >= indent) continue;
                chain.Add(i);
                indent = Indentation(text[i]);
            }

            chain.Reverse();
            return chain.SelectMany(i => i + 1 < at && IsLeafChild(text, i, i + 1) ? [i, i + 1] : new[] { i });
        }

        static bool IsLeafChild(IReadOnlyList<string> text, int parent, int child) =>
            Indentation(text[child]) > Indentation(text[parent])
            && (child + 1 >= text.Count || Indentation(text[child + 1]) <= Indentation(text[child]));

        static int NewOffset(DiffPlex.Model.DiffResult diff, int oldIndex) =>
            diff.DiffBlocks.Where(b => b.DeleteStartA + b.DeleteCountA <= oldIndex).Sum(b => b.InsertCountB - b.DeleteCountA);

        static int Indentation(string line) => line.Length - line.TrimStart().Length;
    }

    internal static bool IsVolatile(string line) =>
        line.StartsWith("! Last configuration change", StringComparison.Ordinal)
        || line.StartsWith("! NVRAM config last updated", StringComparison.Ordinal)
        || line.StartsWith("Current configuration", StringComparison.Ordinal)
        || line.StartsWith("Building configuration", StringComparison.Ordinal)
        || line.StartsWith("! Time:", StringComparison.Ordinal)
        || line.StartsWith("## Last commit", StringComparison.Ordinal)
        || line.StartsWith("## Last changed", StringComparison.Ordinal);

    /// <summary>
    /// The commands that turn an indented (IOS/EOS style) configuration <paramref name="current"/> back into
    /// <paramref name="target"/>: removed top-level lines negated, missing ones added, sections edited child by
    /// child. Used to restore a backup where the device cannot replace its configuration from a file.
    /// </summary>
    public static IReadOnlyList<string> IndentedRestore(string current, string target)
    {
        var now = Sections(current);
        var goal = Sections(target);
        var commands = new List<string>();
        foreach (var (head, _) in now.Where(s => !goal.ContainsKey(s.Key)))
        {
            commands.Add(Negate(head));
        }

        foreach (var (head, children) in goal)
        {
            if (!now.TryGetValue(head, out var present))
            {
                commands.Add(head);
                commands.AddRange(children);
                if (children.Count > 0) commands.Add("exit");
                continue;
            }

            var remove = present.Except(children, StringComparer.Ordinal).Select(Negate).ToList();
            var add = children.Except(present, StringComparer.Ordinal).ToList();
            if (remove.Count + add.Count == 0) continue;
            commands.Add(head);
            commands.AddRange(remove);
            commands.AddRange(add);
            commands.Add("exit");
        }

        return commands;
    }

    private static string Negate(string line) => line.StartsWith("no ", StringComparison.Ordinal) ? line[3..] : "no " + line;

    private static Dictionary<string, List<string>> Sections(string config)
    {
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? open = null;
        foreach (var raw in Significant(config))
        {
            if (raw.Trim() == "!" || raw.TrimStart().StartsWith("! ", StringComparison.Ordinal) || raw.StartsWith("end", StringComparison.Ordinal) && raw.Trim() == "end")
            {
                continue;
            }

            if (!char.IsWhiteSpace(raw[0]))
            {
                sections.TryAdd(raw, open = []);
                open = sections[raw];
            }
            else
            {
                open?.Add(raw.Trim());
            }
        }

        return sections;
    }
}

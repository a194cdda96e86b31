namespace NetFleet.Devices;

/// <summary>
/// A configuration change made under the device's own safety net: applied so that the device reverts it by itself
/// after <see cref="ConfirmMinutes"/> device minutes unless it is confirmed (Junos <c>commit confirmed</c>, EOS
/// <c>commit timer</c>, IOS <c>configure replace … time</c>). <see cref="Name"/> is stable for the change, so a
/// confirmation or a restore can come on a later session than the one that applied it.
/// </summary>
public sealed record ConfigTransaction(string Name, int ConfirmMinutes)
{
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

    /// <summary>The lines of <paramref name="lines"/> that are not in <paramref name="config"/> (compared trimmed):
    /// what a change would still add.</summary>
    public static IReadOnlyList<string> Missing(IReadOnlyList<string> lines, string config)
    {
        var present = config.Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        return [.. lines.Where(l => !present.Contains(l.Trim()))];
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

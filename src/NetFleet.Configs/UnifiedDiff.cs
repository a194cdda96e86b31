using System.Text;
using DiffPlex;

namespace NetFleet.Configs;

/// <summary>A unified diff (<c>--- a</c>, <c>+++ b</c>, <c>@@ -l,n +l,n @@</c> hunks with three lines of context), as
/// <c>git diff</c> and <c>patch</c> read it.</summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    /// <summary>Empty when both texts hold the same lines.</summary>
    public static string Create(string before, string after, string fromName, string toName)
    {
        var a = Lines(before);
        var b = Lines(after);
        var blocks = Differ.Instance.CreateLineDiffs(string.Join('\n', a), string.Join('\n', b), ignoreWhitespace: false).DiffBlocks;
        if (blocks.Count == 0) return "";
        var text = new StringBuilder().Append("--- ").Append(fromName).Append('\n').Append("+++ ").Append(toName).Append('\n');
        var i = 0;
        while (i < blocks.Count)
        {
            // Blocks whose context would touch go into one hunk.
            var j = i;
            while (j + 1 < blocks.Count && blocks[j + 1].DeleteStartA - (blocks[j].DeleteStartA + blocks[j].DeleteCountA) <= 2 * Context) j++;
            var startA = Math.Max(0, blocks[i].DeleteStartA - Context);
            var startB = Math.Max(0, blocks[i].InsertStartB - Context);
            var endA = Math.Min(a.Count, blocks[j].DeleteStartA + blocks[j].DeleteCountA + Context);
            var endB = Math.Min(b.Count, blocks[j].InsertStartB + blocks[j].InsertCountB + Context);
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"@@ -{Range(startA, endA - startA)} +{Range(startB, endB - startB)} @@\n");
            var at = startA;
            for (var k = i; k <= j; k++)
            {
                for (; at < blocks[k].DeleteStartA; at++) text.Append(' ').Append(a[at]).Append('\n');
                foreach (var line in a.Skip(blocks[k].DeleteStartA).Take(blocks[k].DeleteCountA)) text.Append('-').Append(line).Append('\n');
                foreach (var line in b.Skip(blocks[k].InsertStartB).Take(blocks[k].InsertCountB)) text.Append('+').Append(line).Append('\n');
                at = blocks[k].DeleteStartA + blocks[k].DeleteCountA;
            }

            for (; at < endA; at++) text.Append(' ').Append(a[at]).Append('\n');
            i = j + 1;
        }

        return text.ToString();
    }

    private static string Range(int start, int count) => count == 0 ? $"{start},0" : count == 1 ? $"{start + 1}" : $"{start + 1},{count}";

    private static List<string> Lines(string text)
    {
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }
}

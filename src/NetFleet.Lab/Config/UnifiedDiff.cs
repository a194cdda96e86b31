using System.Text;

namespace NetFleet.Lab.Config;

/// <summary>A unified diff of two texts, line by line, as <c>diff -u</c> (and EOS) print it.</summary>
internal static class UnifiedDiff
{
    public static string Create(string fromName, string toName, string from, string to, int context = 3)
    {
        var a = Lines(from);
        var b = Lines(to);
        var ops = Script(a, b);
        if (ops.All(o => o.Kind == ' '))
        {
            return "";
        }
        var text = new StringBuilder().Append("--- ").Append(fromName).Append('\n').Append("+++ ").Append(toName).Append('\n');
        var i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == ' ')
            {
                i++;
                continue;
            }
            var start = Math.Max(0, i - context);
            var end = i;
            // A hunk runs on while the next change is within two contexts of the previous one.
            while (end < ops.Count)
            {
                if (ops[end].Kind != ' ')
                {
                    end++;
                    continue;
                }
                var next = end;
                while (next < ops.Count && ops[next].Kind == ' ')
                {
                    next++;
                }
                if (next < ops.Count && next - end <= 2 * context)
                {
                    end = next;
                    continue;
                }
                end = Math.Min(ops.Count, end + context);
                break;
            }
            var hunk = ops.GetRange(start, end - start);
            var fromStart = hunk.First().A;
            var toStart = hunk.First().B;
            var fromCount = hunk.Count(o => o.Kind != '+');
            var toCount = hunk.Count(o => o.Kind != '-');
            text.Append("@@ -").Append(Range(fromStart, fromCount)).Append(" +").Append(Range(toStart, toCount)).Append(" @@\n");
            foreach (var op in hunk)
            {
                text.Append(op.Kind).Append(op.Text).Append('\n');
            }
            i = end;
        }
        return text.ToString();
    }

    private static string Range(int start, int count) => count == 1 ? $"{start + 1}" : $"{(count == 0 ? start : start + 1)},{count}";

    private static string[] Lines(string text) => text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');

    // A: the line's index in the old text (or where it would be), B: in the new one.
    private readonly record struct Op(char Kind, string Text, int A, int B);

    private static List<Op> Script(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var ops = new List<Op>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                ops.Add(new Op(' ', a[x], x++, y++));
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                ops.Add(new Op('-', a[x], x++, y));
            }
            else
            {
                ops.Add(new Op('+', b[y], x, y++));
            }
        }
        return ops;
    }
}

using System.Text;

namespace NetFleet.Cli.Output;

/// <summary>A column of a <see cref="TextTable"/>. <paramref name="Wraps"/>: the one column of free text that may wrap, at
/// spaces only, to fit a terminal; other cells never wrap.</summary>
internal sealed record TableColumn(string Header, bool AlignRight = false, bool Wraps = false);

/// <summary>
/// A table for people, as kubectl prints one: upper-case headers, columns aligned with spaces, no borders and nothing
/// cut. A cell may hold several lines (a diff, a whole message); its other lines continue in its column. On a terminal the
/// header is bold and the wrapping column is folded at spaces to fit the window; in a pipe or a file every line is as
/// long as its text, so grep and a later reader see each cell whole. Full records are the business of -o json|csv|xml.
/// </summary>
internal sealed class TextTable(params TableColumn[] columns)
{
    private const string Gap = "  ";
    private const int NarrowestWrap = 20;
    private readonly List<string[]> rows = [];

    public TextTable Add(params string?[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {columns.Length} columns", nameof(cells));
        }

        rows.Add([.. cells.Select(c => (c ?? "").ReplaceLineEndings("\n").TrimEnd())]);
        return this;
    }

    /// <summary>Writes the table to standard output: sized to the window with a bold header on a terminal, plain in a
    /// pipe or a file.</summary>
    public void WriteToOutput()
    {
        if (Consoles.OutputIsTerminal)
        {
            var profile = Consoles.Output().Profile;
            Write(Console.Out, profile.Width, bold: profile.Capabilities.Ansi);
        }
        else
        {
            Write(Console.Out, width: null, bold: false);
        }
    }

    /// <summary>Lines are written as they are, not through Spectre, which would fold every long line at the window's
    /// edge wherever a space falls and so break cells apart.</summary>
    private void Write(TextWriter writer, int? width, bool bold)
    {
        var lines = Lines(width);
        writer.WriteLine(bold ? $"\u001b[1m{lines[0]}\u001b[0m" : lines[0]);
        foreach (var line in lines.Skip(1)) writer.WriteLine(line);
    }

    /// <summary>The header and rows as lines of text; with <paramref name="width"/>, the wrapping column is folded at
    /// spaces so lines fit it where they can.</summary>
    public IReadOnlyList<string> Lines(int? width)
    {
        var headers = columns.Select(c => c.Header.ToUpperInvariant()).ToArray();
        var cells = rows.Select(r => r.Select(c => c.Split('\n')).ToArray()).ToList();
        var widths = Widths(headers, cells);
        var wrapping = Array.FindIndex(columns.ToArray(), c => c.Wraps);
        if (width is { } available && wrapping >= 0)
        {
            var others = widths.Where((_, i) => i != wrapping).Sum() + Gap.Length * (columns.Length - 1);
            var room = Math.Max(NarrowestWrap, Math.Max(headers[wrapping].Length, available - 1 - others));
            if (widths[wrapping] > room)
            {
                foreach (var row in cells) row[wrapping] = [.. row[wrapping].SelectMany(line => WrapAtSpaces(line, room))];
                widths = Widths(headers, cells);
            }
        }

        var lines = new List<string> { Line(headers, widths) };
        foreach (var row in cells)
        {
            var height = row.Max(c => c.Length);
            for (var i = 0; i < height; i++)
            {
                lines.Add(Line(row.Select(c => i < c.Length ? c[i] : "").ToArray(), widths));
            }
        }

        return lines;
    }

    private int[] Widths(string[] headers, List<string[][]> cells) =>
        [.. headers.Select((h, i) => cells.Select(r => r[i].Max(l => l.Length)).Prepend(h.Length).Max())];

    private string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) line.Append(Gap);
            line.Append(columns[i].AlignRight ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
        }

        return line.ToString().TrimEnd();
    }

    /// <summary>Folds a line at spaces into lines of at most <paramref name="width"/>; a word longer than that stays whole.</summary>
    internal static IEnumerable<string> WrapAtSpaces(string line, int width)
    {
        var current = new StringBuilder();
        foreach (var word in line.Split(' '))
        {
            if (current.Length > 0 && current.Length + 1 + word.Length > width)
            {
                yield return current.ToString();
                current.Clear();
            }

            if (current.Length > 0) current.Append(' ');
            current.Append(word);
        }

        yield return current.ToString();
    }
}

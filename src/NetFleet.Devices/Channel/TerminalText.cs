using System.Text;

namespace NetFleet.Devices.Channel;

/// <summary>
/// Turns what a terminal received into the text a person would read: line endings as "\n",
/// backspaces and carriage returns applied the way a screen applies them (which is how pagers erase
/// their <c>--More--</c>), escape sequences dropped, the echoed command and blank edges removed.
/// </summary>
public static class TerminalText
{
    public static string Clean(string raw, string? echoedCommand)
    {
        var lines = Render(raw);
        var first = 0;
        if (echoedCommand is not null && lines.Count > 0 && lines[0].Contains(echoedCommand.Trim(), StringComparison.Ordinal))
        {
            first = 1;
        }

        var last = lines.Count - 1;
        while (first <= last && lines[first].Length == 0)
        {
            first++;
        }

        while (last >= first && lines[last].Length == 0)
        {
            last--;
        }

        return first > last ? "" : string.Join("\n", lines.GetRange(first, last - first + 1));
    }

    /// <summary>Applies the terminal controls and splits into lines.</summary>
    public static List<string> Render(ReadOnlySpan<char> raw)
    {
        var lines = new List<string>();
        var line = new StringBuilder(128);
        var cursor = 0;
        var overwritten = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            switch (c)
            {
                case '\n':
                    lines.Add(Finish(line, overwritten));
                    line.Clear();
                    cursor = 0;
                    overwritten = false;
                    break;
                case '\r':
                    if (i + 1 < raw.Length && raw[i + 1] == '\n')
                    {
                        break;
                    }

                    cursor = 0;
                    overwritten = true;
                    break;
                case '\b':
                    if (cursor > 0)
                    {
                        cursor--;
                    }

                    overwritten = true;
                    break;
                case '\u001b':
                    i = SkipEscape(raw, i);
                    break;
                case '\a' or '\0':
                    break;
                default:
                    if (cursor < line.Length)
                    {
                        line[cursor] = c;
                    }
                    else
                    {
                        line.Append(c);
                    }

                    cursor++;
                    break;
            }
        }

        if (line.Length > 0)
        {
            lines.Add(Finish(line, overwritten));
        }

        return lines;
    }

    // Erasing writes spaces over the pager prompt; on a line that was overwritten they are not output.
    private static string Finish(StringBuilder line, bool overwritten) =>
        overwritten ? line.ToString().TrimEnd(' ') : line.ToString();

    /// <summary>Skips a CSI (<c>ESC [ … letter</c>) or a two-character escape; returns the last index consumed.</summary>
    private static int SkipEscape(ReadOnlySpan<char> raw, int i)
    {
        if (i + 1 < raw.Length && raw[i + 1] == '[')
        {
            var j = i + 2;
            while (j < raw.Length && raw[j] is < '@' or > '~')
            {
                j++;
            }

            return Math.Min(j, raw.Length - 1);
        }

        return Math.Min(i + 1, raw.Length - 1);
    }
}

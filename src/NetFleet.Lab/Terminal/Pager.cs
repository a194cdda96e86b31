using System.Text;

namespace NetFleet.Lab.Terminal;

/// <summary>
/// Writes long output a screen at a time the way device CLIs do: a more-prompt, then space for the
/// next page, Enter for one more line, anything else to stop. The prompt is erased before going on.
/// </summary>
public sealed class Pager(string prompt, string erase)
{
    public static readonly Pager Cisco = new(" --More-- ", new string('\b', 10) + new string(' ', 10) + new string('\b', 10));
    public static readonly Pager Junos = new("---(more)---", "\r" + new string(' ', 12) + "\r");

    /// <summary>Writes <paramref name="text"/>; <paramref name="screenLength"/> 0 means no paging.
    /// Returns false when the client closed its input while the output was paused.</summary>
    public async ValueTask<bool> WriteAsync(ITerminal terminal, string text, int screenLength, CancellationToken cancellationToken)
    {
        var lines = SplitLines(text);
        if (screenLength <= 1 || !terminal.Interactive || lines.Count < screenLength)
        {
            await terminal.WriteAsync(text, cancellationToken);
            return true;
        }
        var shown = Math.Min(screenLength - 1, lines.Count);
        await terminal.WriteAsync(Join(lines, 0, shown), cancellationToken);
        while (shown < lines.Count)
        {
            await terminal.WriteAsync(prompt, cancellationToken);
            var key = await terminal.ReadKeyAsync(cancellationToken);
            await terminal.WriteAsync(erase, cancellationToken);
            var more = key switch
            {
                ' ' => screenLength - 1,
                '\r' or '\n' => 1,
                null => -1,
                _ => 0,
            };
            if (more <= 0)
            {
                return more == 0;
            }
            var next = Math.Min(lines.Count, shown + more);
            await terminal.WriteAsync(Join(lines, shown, next), cancellationToken);
            shown = next;
        }
        return true;
    }

    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    private static string Join(List<string> lines, int from, int to)
    {
        var text = new StringBuilder();
        for (var i = from; i < to; i++)
        {
            text.Append(lines[i]);
        }
        return text.ToString();
    }
}

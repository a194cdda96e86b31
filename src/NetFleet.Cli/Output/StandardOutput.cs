using Spectre.Console;

namespace NetFleet.Cli.Output;

/// <summary>
/// Standard output for tables. On a terminal Spectre fits a table to the window, wrapping long cells, which is what
/// a reader there wants. In a pipe or a file it would fit them to 80 columns and cut them; there a table is as wide
/// as its widest row, so grep and a later reader see every cell whole.
/// </summary>
internal static class StandardOutput
{
    // Wider than any row a table of results has; Spectre sizes a table to its content, not to this.
    private const int UnboundedWidth = 1_000_000;

    public static bool IsTerminal => !Console.IsOutputRedirected;

    public static IAnsiConsole ForTables()
    {
        var console = AnsiConsole.Console;
        if (!IsTerminal)
        {
            console.Profile.Width = UnboundedWidth;
        }

        return console;
    }
}

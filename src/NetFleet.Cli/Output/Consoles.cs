using Spectre.Console;

namespace NetFleet.Cli.Output;

/// <summary>
/// Spectre consoles for standard output (results) and standard error (progress, recap, messages). On a terminal
/// Spectre fits text to the window, wrapping long cells and lines, which is what a reader there wants. In a pipe or
/// a file it would wrap and cut at 80 columns; there a line is as long as its text, so grep and a later reader see
/// every message and table cell whole.
/// </summary>
internal static class Consoles
{
    // Wider than any line NetFleet writes; Spectre sizes a table to its content, not to this.
    private const int UnboundedWidth = 1_000_000;

    public static bool OutputIsTerminal => !Console.IsOutputRedirected;

    public static IAnsiConsole Output() => Unbounded(AnsiConsole.Console, Console.IsOutputRedirected);

    public static IAnsiConsole Error() =>
        Unbounded(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), Console.IsErrorRedirected);

    private static IAnsiConsole Unbounded(IAnsiConsole console, bool redirected)
    {
        if (redirected)
        {
            console.Profile.Width = UnboundedWidth;
        }

        return console;
    }
}

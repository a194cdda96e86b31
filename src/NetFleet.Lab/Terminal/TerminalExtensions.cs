namespace NetFleet.Lab.Terminal;

/// <summary>
/// Line reads as a device CLI does them. An interactive host echoes the Enter; without a pty nothing
/// is echoed, so the line end is written here to keep prompts and output on lines of their own.
/// </summary>
internal static class TerminalExtensions
{
    public static async ValueTask<string?> ReadCommandAsync(this ITerminal terminal, CancellationToken cancellationToken) =>
        await EndLineAsync(terminal, await terminal.ReadLineAsync(cancellationToken), cancellationToken);

    public static async ValueTask<string?> ReadSecretAsync(this ITerminal terminal, CancellationToken cancellationToken) =>
        await EndLineAsync(terminal, await terminal.ReadPasswordAsync(cancellationToken), cancellationToken);

    private static async ValueTask<string?> EndLineAsync(ITerminal terminal, string? line, CancellationToken cancellationToken)
    {
        if (line is not null && !terminal.Interactive)
        {
            await terminal.WriteAsync("\n", cancellationToken);
        }
        return line;
    }
}

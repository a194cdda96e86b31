namespace NetFleet.Lab.Terminal;

/// <summary>
/// What a device CLI sees of the user's terminal. The session host does echo, line editing,
/// slow replies, hangs and connection drops, so a platform personality only reads lines and
/// keys and writes text.
/// </summary>
public interface ITerminal
{
    /// <summary>True when the client asked for a pty (an interactive login); false for a
    /// single command run with <c>ssh host "show version"</c> or piped input.</summary>
    bool Interactive { get; }

    /// <summary>Reads one line without its line ending; null when the client closed its input.
    /// Control keys arrive as a line of their own: Ctrl-Z as "\u001a", Ctrl-C as "\u0003".</summary>
    ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken);

    /// <summary>Reads one line without echoing it (a password or enable secret); null when the
    /// client closed its input.</summary>
    ValueTask<string?> ReadPasswordAsync(CancellationToken cancellationToken) => ReadLineAsync(cancellationToken);

    /// <summary>Reads one key press without echo (used by <c>--More--</c> paging);
    /// null when the client closed its input.</summary>
    ValueTask<char?> ReadKeyAsync(CancellationToken cancellationToken);

    /// <summary>Writes device output. A bare "\n" goes out as "\r\n", as real devices send it.</summary>
    ValueTask WriteAsync(string text, CancellationToken cancellationToken);
}

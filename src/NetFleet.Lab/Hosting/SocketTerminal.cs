using System.Net.Sockets;
using System.Text;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Terminal;

namespace NetFleet.Lab.Hosting;

/// <summary>
/// The terminal side of a lab session, over the socket from the session's relay process. With a
/// pty the relay puts the terminal in raw mode, so this class does what a router's CLI does: echo
/// as it reads, line editing (backspace, Ctrl-U), control keys, and "\r\n" line endings. It also
/// applies the device's faults: slow replies, a hang, or a dropped connection after N commands.
/// </summary>
internal sealed class SocketTerminal : ITerminal
{
    private const byte DropMarker = 0;
    private static readonly TimeSpan DropGrace = TimeSpan.FromMilliseconds(150);
    private readonly Socket socket;
    private readonly DeviceFaults faults;
    private readonly byte[] receiveBuffer = new byte[4096];
    private readonly char[] decoded = new char[4096];
    private readonly Decoder decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder line = new();
    private readonly StringBuilder echo = new();
    private int decodedStart;
    private int decodedEnd;
    private bool previousWasCarriageReturn;
    private bool inputClosed;
    private int commands;

    public SocketTerminal(Socket socket, bool interactive, DeviceFaults faults, ReadOnlySpan<byte> pendingInput)
    {
        this.socket = socket;
        this.faults = faults;
        Interactive = interactive;
        Feed(pendingInput, flush: false);
    }

    public bool Interactive { get; }

    /// <summary>Commands (lines) read in this session.</summary>
    public int Commands => commands;

    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var text = await ReadEditedLineAsync(echoInput: Interactive, cancellationToken);
        if (text is null)
        {
            return null;
        }

        commands++;
        if (faults.DropAfterCommands is { } dropAfter && commands > dropAfter)
        {
            await DropAsync();
        }

        if (faults.HangAfterCommands is { } hangAfter && commands > hangAfter)
        {
            await HangAsync(cancellationToken);
        }

        if (faults.SlowReplyMs > 0)
        {
            await Task.Delay(faults.SlowReplyMs, cancellationToken);
        }

        return text;
    }

    public ValueTask<string?> ReadPasswordAsync(CancellationToken cancellationToken) =>
        ReadEditedLineAsync(echoInput: false, cancellationToken);

    public async ValueTask<char?> ReadKeyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (decodedStart < decodedEnd)
            {
                var c = decoded[decodedStart++];
                if (previousWasCarriageReturn && c == '\n')
                {
                    previousWasCarriageReturn = false;
                    continue;
                }

                previousWasCarriageReturn = c == '\r';
                return c;
            }

            if (!await ReceiveAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    public async ValueTask WriteAsync(string text, CancellationToken cancellationToken)
    {
        if (text.Length == 0)
        {
            return;
        }

        await SendAsync(ToWireLineEndings(text), cancellationToken);
    }

    private async ValueTask<string?> ReadEditedLineAsync(bool echoInput, CancellationToken cancellationToken)
    {
        line.Clear();
        while (true)
        {
            while (decodedStart < decodedEnd)
            {
                var c = decoded[decodedStart++];
                if (previousWasCarriageReturn && c == '\n')
                {
                    previousWasCarriageReturn = false;
                    continue;
                }

                previousWasCarriageReturn = c == '\r';
                switch (c)
                {
                    case '\r' or '\n':
                        if (Interactive)
                        {
                            echo.Append("\r\n");
                        }

                        await FlushEchoAsync(cancellationToken);
                        return line.ToString();
                    case '\u001a' or '\u0003':
                        // Ctrl-Z / Ctrl-C end the line at once; the CLI decides what they mean.
                        if (Interactive)
                        {
                            echo.Append(c == '\u001a' ? "^Z\r\n" : "^C\r\n");
                        }

                        await FlushEchoAsync(cancellationToken);
                        return c.ToString();
                    case '\u007f' or '\b':
                        if (line.Length > 0)
                        {
                            line.Length--;
                            if (echoInput)
                            {
                                echo.Append("\b \b");
                            }
                        }

                        break;
                    case '\u0015':
                        if (echoInput)
                        {
                            for (var i = 0; i < line.Length; i++)
                            {
                                echo.Append("\b \b");
                            }
                        }

                        line.Clear();
                        break;
                    case '\u001b':
                        SkipEscapeSequence();
                        break;
                    case < ' ':
                        break;
                    default:
                        line.Append(c);
                        if (echoInput)
                        {
                            echo.Append(c);
                        }

                        break;
                }
            }

            await FlushEchoAsync(cancellationToken);
            if (!await ReceiveAsync(cancellationToken))
            {
                // Input closed: a last line without a line ending still counts (piped scripts).
                return line.Length > 0 ? line.ToString() : null;
            }
        }
    }

    /// <summary>Arrow keys and the like arrive as ESC [ … letter; the lab has no history to recall.</summary>
    private void SkipEscapeSequence()
    {
        if (decodedStart < decodedEnd && decoded[decodedStart] == '[')
        {
            decodedStart++;
            while (decodedStart < decodedEnd && !char.IsAsciiLetter(decoded[decodedStart]) && decoded[decodedStart] != '~')
            {
                decodedStart++;
            }

            if (decodedStart < decodedEnd)
            {
                decodedStart++;
            }
        }
    }

    private async ValueTask FlushEchoAsync(CancellationToken cancellationToken)
    {
        if (echo.Length > 0)
        {
            var text = echo.ToString();
            echo.Clear();
            await SendAsync(text, cancellationToken);
        }
    }

    private async ValueTask<bool> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (inputClosed)
        {
            return false;
        }

        int read;
        try
        {
            read = await socket.ReceiveAsync(receiveBuffer, SocketFlags.None, cancellationToken);
        }
        catch (SocketException)
        {
            read = 0;
        }

        if (read == 0)
        {
            inputClosed = true;
            return false;
        }

        Feed(receiveBuffer.AsSpan(0, read), flush: false);
        return true;
    }

    private void Feed(ReadOnlySpan<byte> bytes, bool flush)
    {
        if (decodedStart == decodedEnd)
        {
            decodedStart = decodedEnd = 0;
        }

        if (decoded.Length - decodedEnd < bytes.Length)
        {
            Array.Copy(decoded, decodedStart, decoded, 0, decodedEnd - decodedStart);
            decodedEnd -= decodedStart;
            decodedStart = 0;
        }

        decodedEnd += decoder.GetChars(bytes, decoded.AsSpan(decodedEnd), flush);
    }

    private async ValueTask SendAsync(string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new SessionEndedException("the client went away", e);
        }
    }

    private async Task DropAsync()
    {
        // The relay kills its sshd as soon as it sees the marker; a short pause first lets sshd
        // deliver the replies to the commands that did run, so exactly N commands' output arrives.
        await Task.Delay(DropGrace);
        try
        {
            await socket.SendAsync(new[] { DropMarker }, SocketFlags.None);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone: the drop happened anyway.
        }

        throw new SessionEndedException("fault injection: connection dropped");
    }

    private async Task HangAsync(CancellationToken cancellationToken)
    {
        // A hung device reads and ignores everything until the client gives up.
        while (await ReceiveAsync(cancellationToken))
        {
            decodedStart = decodedEnd;
        }

        throw new SessionEndedException("fault injection: the device hung until the client left");
    }

    private static string ToWireLineEndings(string text)
    {
        if (!text.Contains('\n'))
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
            {
                result.Append('\r');
            }

            result.Append(text[i]);
        }

        return result.ToString();
    }
}

/// <summary>The session is over (client gone, or a fault ended it); not an error of the lab.</summary>
internal sealed class SessionEndedException(string message, Exception? inner = null) : Exception(message, inner);

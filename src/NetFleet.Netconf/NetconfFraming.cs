using System.Text;

namespace NetFleet.Netconf;

/// <summary>How messages are delimited on the stream (RFC 6242 section 4): base:1.0's end-of-message marker until both
/// sides said base:1.1 in their hellos, chunked framing after that.</summary>
public enum NetconfFraming
{
    EndOfMessage,
    Chunked,
}

/// <summary>The stream broke the framing rules: a damaged chunk header, a truncated message, a message over the size limit.
/// The session cannot go on after it, since where the next message starts is unknown.</summary>
public sealed class NetconfFramingException(string message) : IOException(message);

/// <summary>
/// Reads whole NETCONF messages from a stream in either framing. Written here rather than taken from a library because no
/// NETCONF library for .NET is on the registry these machines reach; the XML inside each message is parsed by
/// System.Xml.Linq, never by hand.
/// </summary>
public sealed class NetconfMessageReader(Stream stream, int maxMessageBytes = NetconfMessageReader.DefaultMaxMessageBytes)
{
    /// <summary>Large enough for a full configuration of a big router; a peer sending more is broken or hostile.</summary>
    public const int DefaultMaxMessageBytes = 64 * 1024 * 1024;

    private static readonly byte[] EndOfMessage = "]]>]]>"u8.ToArray();

    /// <summary>For each marker prefix, the length of its longest proper prefix that is also its suffix.</summary>
    private static readonly int[] MarkerFallback = [0, 1, 0, 1, 2, 3];
    private readonly byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;

    public NetconfFraming Framing { get; set; } = NetconfFraming.EndOfMessage;

    /// <summary>The next message as text, or null when the stream ended cleanly between messages.</summary>
    public Task<string?> ReadMessageAsync(CancellationToken cancellationToken = default) =>
        Framing == NetconfFraming.Chunked ? ReadChunkedAsync(cancellationToken) : ReadEndOfMessageAsync(cancellationToken);

    private async Task<string?> ReadEndOfMessageAsync(CancellationToken cancellationToken)
    {
        var message = new MemoryStream();
        var matched = 0;
        while (true)
        {
            if (start == end && !await FillAsync(cancellationToken))
            {
                if (IsBlank(message)) return null;
                throw new NetconfFramingException(
                    $"the stream ended {message.Length} bytes into a message, before its end-of-message marker ]]>]]>");
            }

            // Copies up to and including the marker; the marker can straddle two reads.
            var scan = start;
            while (scan < end && matched < EndOfMessage.Length)
            {
                matched = Advance(matched, buffer[scan]);
                scan++;
            }

            message.Write(buffer, start, scan - start);
            start = scan;
            CheckSize(message.Length);
            if (matched == EndOfMessage.Length)
            {
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length - EndOfMessage.Length).Trim();
                if (text.Length > 0) return text;
                matched = 0;
                message.SetLength(0);
            }
        }
    }

    /// <summary>How much of the marker is matched after <paramref name="next"/>. On a mismatch the match falls back to the
    /// longest marker prefix that still ends here (Knuth-Morris-Pratt): after <c>]]</c> another <c>]</c> leaves <c>]]</c>
    /// matched, not <c>]</c>, or a body ending in <c>]</c> would hide the marker that follows it.</summary>
    private static int Advance(int matched, byte next)
    {
        while (matched > 0 && next != EndOfMessage[matched])
        {
            matched = MarkerFallback[matched - 1];
        }

        return next == EndOfMessage[matched] ? matched + 1 : 0;
    }

    private async Task<string?> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        var message = new MemoryStream();
        var chunks = 0;
        while (true)
        {
            var first = await ReadByteAsync(cancellationToken);
            if (first < 0 && chunks == 0) return null;
            Expect(first, '\n', "a line feed starting a chunk header", message.Length);
            Expect(await ReadByteAsync(cancellationToken), '#', "'#' after the line feed of a chunk header", message.Length);
            var next = await ReadByteAsync(cancellationToken);
            if (next == '#')
            {
                if (chunks == 0)
                {
                    throw new NetconfFramingException("end-of-chunks marker \\n##\\n before any chunk: a message has at least one chunk");
                }

                Expect(await ReadByteAsync(cancellationToken), '\n', "a line feed ending the end-of-chunks marker \\n##\\n", message.Length);
                return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }

            var size = await ReadChunkSizeAsync(next, message.Length, cancellationToken);
            CheckSize(message.Length + size);
            await CopyAsync(message, size, cancellationToken);
            chunks++;
        }
    }

    // RFC 6242: chunk-size is 1 to 10 digits without a leading zero, at most 4294967295, followed by a line feed.
    private async Task<long> ReadChunkSizeAsync(int first, long offset, CancellationToken cancellationToken)
    {
        if (first is < '1' or > '9')
        {
            throw new NetconfFramingException(
                $"chunk header at message byte {offset}: expected a chunk size (1-9 first) or '#', got {Describe(first)}");
        }

        long size = first - '0';
        for (var digits = 1; ; digits++)
        {
            var next = await ReadByteAsync(cancellationToken);
            if (next == '\n') return size;
            if (next is < '0' or > '9' || digits == 10)
            {
                throw new NetconfFramingException(
                    $"chunk header at message byte {offset}: expected {(digits == 10 ? "a line feed after 10 digits" : "a digit or the line feed ending the chunk size")}, got {Describe(next)}");
            }

            size = size * 10 + (next - '0');
            if (size > uint.MaxValue)
            {
                throw new NetconfFramingException($"chunk header at message byte {offset}: chunk size over 4294967295");
            }
        }
    }

    private async Task CopyAsync(MemoryStream message, long size, CancellationToken cancellationToken)
    {
        var left = size;
        while (left > 0)
        {
            if (start == end && !await FillAsync(cancellationToken))
            {
                throw new NetconfFramingException(
                    $"the stream ended inside a chunk: {size - left} of its {size} bytes arrived");
            }

            var take = (int)Math.Min(left, end - start);
            message.Write(buffer, start, take);
            start += take;
            left -= take;
        }
    }

    private void Expect(int actual, char expected, string what, long offset)
    {
        if (actual == expected) return;
        throw new NetconfFramingException($"chunked framing at message byte {offset}: expected {what}, got {Describe(actual)}");
    }

    private void CheckSize(long size)
    {
        if (size > maxMessageBytes)
        {
            throw new NetconfFramingException($"a message over {maxMessageBytes} bytes; refusing to buffer more");
        }
    }

    private async ValueTask<int> ReadByteAsync(CancellationToken cancellationToken)
    {
        if (start == end && !await FillAsync(cancellationToken)) return -1;
        return buffer[start++];
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        start = 0;
        end = await stream.ReadAsync(buffer, cancellationToken);
        return end > 0;
    }

    private static bool IsBlank(MemoryStream message) =>
        message.GetBuffer().AsSpan(0, (int)message.Length).IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static string Describe(int value) => value switch
    {
        < 0 => "the end of the stream",
        '\n' => "a line feed",
        >= 0x21 and < 0x7f => $"'{(char)value}'",
        _ => $"byte 0x{value:x2}",
    };
}

/// <summary>Writes NETCONF messages in either framing.</summary>
public static class NetconfMessageWriter
{
    public static async Task WriteAsync(Stream stream, string message, NetconfFraming framing, CancellationToken cancellationToken = default)
    {
        var body = Encoding.UTF8.GetBytes(message);
        if (framing == NetconfFraming.Chunked)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"\n#{body.Length}\n"), cancellationToken);
            await stream.WriteAsync(body, cancellationToken);
            await stream.WriteAsync("\n##\n"u8.ToArray(), cancellationToken);
        }
        else
        {
            await stream.WriteAsync(body, cancellationToken);
            await stream.WriteAsync("]]>]]>"u8.ToArray(), cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
    }
}

using System.Text;
using Xunit.Abstractions;

namespace NetFleet.Netconf.Tests;

/// <summary>
/// Valid streams in both framings (seeded, so a failure repeats), read back exactly; then damaged — bytes flipped,
/// inserted, deleted, truncated at every position of short frames, chunk sizes made wrong or huge — and read again.
/// Every case must end in messages and a clean end, or a <see cref="NetconfFramingException"/>: no other exception and
/// no hang (each case has a hard time limit).
/// </summary>
public sealed class NetconfFramingFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 6242;
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(5);
    private static readonly byte[] Marker = "]]>]]>"u8.ToArray();

    private readonly Counts counts = new();

    [Fact]
    public async Task Damaged_and_truncated_frames_end_in_a_message_a_clean_end_or_a_framing_error_never_anything_else()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 1500; i++)
        {
            foreach (var framing in new[] { NetconfFraming.EndOfMessage, NetconfFraming.Chunked })
            {
                var bodies = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Body(random, framing)).ToList();
                var wire = Frame(random, bodies, framing);

                Assert.Equal(bodies, await ReadAllAsync(wire, framing, random.Next()));
                await RunAsync(Flip(random, wire), framing, random.Next());
                await RunAsync(Insert(random, wire), framing, random.Next());
                await RunAsync(Delete(random, wire), framing, random.Next());
                if (framing == NetconfFraming.Chunked)
                {
                    await RunAsync(WrongChunkSize(random, wire), framing, random.Next());
                }

                if (wire.Length <= 96)
                {
                    for (var end = 0; end < wire.Length; end++)
                    {
                        await RunAsync(wire[..end], framing, random.Next());
                    }
                }
            }
        }

        // Sizes a reader must refuse before it tries to buffer them.
        foreach (var size in new[] { "4294967295", "4294967296", "2147483648", "99999999999", "67108865", "999999999" })
        {
            await RunAsync(Encoding.ASCII.GetBytes($"\n#{size}\n<rpc/>"), NetconfFraming.Chunked, 1);
            await RunAsync(Encoding.ASCII.GetBytes($"\n#{size}\n<rpc/>"), NetconfFraming.Chunked, 1, maxMessageBytes: 4096);
        }

        output.WriteLine($"seed {Seed}: {counts.Cases} cases, {counts.Messages} messages read, {counts.FramingErrors} framing errors, "
            + $"{counts.CleanEnds} clean ends");
        Assert.True(counts.FramingErrors > 1000 && counts.Messages > 1000, "the damage should produce both outcomes often");
    }

    [Fact]
    public async Task End_of_message_framing_finds_the_marker_after_text_that_starts_it_over()
    {
        // Body bytes that match the marker partly, right before it: the match must resume, not restart from scratch.
        foreach (var body in new[] { "a]", "a]]", "a]]>]", "a]]>]]", "]]]>]]", "x]]]]>]]" })
        {
            var wire = Encoding.UTF8.GetBytes(body).Concat(Marker).Concat("<b/>"u8.ToArray()).Concat(Marker).ToArray();
            Assert.Equal([body, "<b/>"], await ReadAllAsync(wire, NetconfFraming.EndOfMessage, 7));
        }
    }

    private async Task RunAsync(byte[] wire, NetconfFraming framing, int seed, int maxMessageBytes = NetconfMessageReader.DefaultMaxMessageBytes)
    {
        counts.Cases++;
        try
        {
            counts.Messages += (await ReadAllAsync(wire, framing, seed, maxMessageBytes)).Count;
            counts.CleanEnds++;
        }
        catch (NetconfFramingException)
        {
            counts.FramingErrors++;
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the reader hung on a {framing} stream: {Escape(wire)}");
        }
        catch (Exception e)
        {
            Assert.Fail($"{e.GetType().Name} ({e.Message}) instead of a framing error on a {framing} stream: {Escape(wire)}");
        }
    }

    private static Task<List<string>> ReadAllAsync(byte[] wire, NetconfFraming framing, int seed,
        int maxMessageBytes = NetconfMessageReader.DefaultMaxMessageBytes) =>
        Task.Run(async () =>
        {
            var reader = new NetconfMessageReader(new TrickleStream(wire, new Random(seed)), maxMessageBytes) { Framing = framing };
            var messages = new List<string>();
            while (await reader.ReadMessageAsync() is { } message) messages.Add(message);
            return messages;
        }).WaitAsync(CaseLimit);

    /// <summary>XML-like text, with the characters framing cares about (']', '>', '#', line feeds) and non-ASCII ones.</summary>
    private static string Body(Random random, NetconfFraming framing)
    {
        const string Alphabet = "<>/=\"' abcdefxyz0123456789]]]>>##\n\t&;éß€";
        while (true)
        {
            var text = new StringBuilder("<rpc message-id=\"").Append(random.Next()).Append("\">");
            var length = random.Next(0, random.Next(2) == 0 ? 40 : 1500);
            for (var i = 0; i < length; i++) text.Append(Alphabet[random.Next(Alphabet.Length)]);
            if (random.Next(4) == 0) text.Append(']', random.Next(1, 3));
            var body = text.ToString();
            // End-of-message framing cannot carry its marker, and the reader trims the text around a message.
            if (framing == NetconfFraming.Chunked) return body;
            body = body.Trim();
            var bytes = Encoding.UTF8.GetBytes(body).Concat(Marker).ToArray();
            if (bytes.AsSpan().IndexOf(Marker) == bytes.Length - Marker.Length) return body;
        }
    }

    private static byte[] Frame(Random random, IEnumerable<string> bodies, NetconfFraming framing)
    {
        var wire = new MemoryStream();
        foreach (var body in bodies)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            if (framing == NetconfFraming.EndOfMessage)
            {
                wire.Write(bytes);
                wire.Write(Marker);
                continue;
            }

            for (var at = 0; at < bytes.Length;)
            {
                var size = Math.Min(bytes.Length - at, random.Next(1, 400));
                wire.Write(Encoding.ASCII.GetBytes($"\n#{size}\n"));
                wire.Write(bytes, at, size);
                at += size;
            }

            wire.Write("\n##\n"u8);
        }

        return wire.ToArray();
    }

    private static byte[] Flip(Random random, byte[] wire)
    {
        var damaged = (byte[])wire.Clone();
        for (var i = random.Next(1, 4); i > 0; i--) damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
        return damaged;
    }

    private static byte[] Insert(Random random, byte[] wire)
    {
        var at = random.Next(wire.Length + 1);
        var extra = new byte[random.Next(1, 8)];
        random.NextBytes(extra);
        if (random.Next(2) == 0) extra[0] = (byte)"\n#]>9"[random.Next(5)];
        return [.. wire[..at], .. extra, .. wire[at..]];
    }

    private static byte[] Delete(Random random, byte[] wire)
    {
        var at = random.Next(wire.Length);
        var count = Math.Min(wire.Length - at, random.Next(1, 8));
        return [.. wire[..at], .. wire[(at + count)..]];
    }

    /// <summary>One chunk header's size replaced: off by a little, zero, a leading zero, a letter, too many digits, huge.</summary>
    private static byte[] WrongChunkSize(Random random, byte[] wire)
    {
        var text = Encoding.Latin1.GetString(wire);
        var headers = System.Text.RegularExpressions.Regex.Matches(text, "\n#([0-9]+)\n");
        if (headers.Count == 0) return wire;
        var size = headers[random.Next(headers.Count)].Groups[1];
        var value = long.Parse(size.Value, System.Globalization.CultureInfo.InvariantCulture);
        var replacement = random.Next(7) switch
        {
            0 => (value + random.Next(1, 5)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => Math.Max(1, value - random.Next(1, 5)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            2 => "0",
            3 => "0" + size.Value,
            4 => size.Value + "x",
            5 => "12345678901",
            _ => "4294967295",
        };
        return Encoding.Latin1.GetBytes(text[..size.Index] + replacement + text[(size.Index + size.Length)..]);
    }

    private static string Escape(byte[] wire)
    {
        var text = Encoding.Latin1.GetString(wire[..Math.Min(wire.Length, 300)]).Replace("\n", "\\n", StringComparison.Ordinal);
        return wire.Length > 300 ? text + $"… ({wire.Length} bytes)" : text;
    }

    private sealed class Counts
    {
        public int Cases;
        public int Messages;
        public int FramingErrors;
        public int CleanEnds;
    }

    /// <summary>Hands out 1 to 64 bytes per read, as an SSH channel splits data wherever it likes.</summary>
    private sealed class TrickleStream(byte[] data, Random random) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(random.Next(1, 65), buffer.Length)], cancellationToken);
    }
}

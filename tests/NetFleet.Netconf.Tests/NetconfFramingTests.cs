using System.Text;

namespace NetFleet.Netconf.Tests;

public sealed class NetconfFramingTests
{
    [Fact]
    public async Task End_of_message_framing_reads_messages_split_anywhere_including_inside_the_marker()
    {
        var wire = "<hello/>]]>]]>\n<rpc message-id=\"1\"/>]]>]]>"u8.ToArray();
        var reader = new NetconfMessageReader(new TrickleStream(wire, 3));
        Assert.Equal("<hello/>", await reader.ReadMessageAsync());
        Assert.Equal("<rpc message-id=\"1\"/>", await reader.ReadMessageAsync());
        Assert.Null(await reader.ReadMessageAsync());
    }

    [Fact]
    public async Task Chunked_framing_joins_the_chunks_of_a_message_written_by_the_writer()
    {
        var stream = new MemoryStream();
        await NetconfMessageWriter.WriteAsync(stream, "<rpc-reply><ok/></rpc-reply>", NetconfFraming.Chunked);
        stream.Write("\n#4\n<rpc\n#3\n/>x\n##\n"u8);
        stream.Position = 0;
        var reader = new NetconfMessageReader(new TrickleStream(stream.ToArray(), 2)) { Framing = NetconfFraming.Chunked };
        Assert.Equal("<rpc-reply><ok/></rpc-reply>", await reader.ReadMessageAsync());
        Assert.Equal("<rpc/>x", await reader.ReadMessageAsync());
        Assert.Null(await reader.ReadMessageAsync());
    }

    [Theory]
    [InlineData("\n#0\n\n##\n", "expected a chunk size")]
    [InlineData("\n#05\nabcde\n##\n", "expected a chunk size")]
    [InlineData("\n##\n", "before any chunk")]
    [InlineData("\n#3\nab", "2 of its 3 bytes")]
    [InlineData("#3\nabc\n##\n", "expected a line feed starting a chunk header")]
    [InlineData("\n#12345678901\n", "a line feed after 10 digits")]
    [InlineData("\n#4294967296\n", "over 4294967295")]
    [InlineData("\n#3x\nabc", "a digit or the line feed")]
    public async Task Damaged_chunks_fail_with_what_was_expected(string wire, string expected)
    {
        var reader = new NetconfMessageReader(new MemoryStream(Encoding.ASCII.GetBytes(wire))) { Framing = NetconfFraming.Chunked };
        var error = await Assert.ThrowsAsync<NetconfFramingException>(() => reader.ReadMessageAsync());
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task A_truncated_end_of_message_frame_and_an_oversized_message_fail_clearly()
    {
        var truncated = new NetconfMessageReader(new MemoryStream("<rpc/>]]>]]"u8.ToArray()));
        Assert.Contains("before its end-of-message marker", (await Assert.ThrowsAsync<NetconfFramingException>(() => truncated.ReadMessageAsync())).Message);

        var oversized = new NetconfMessageReader(new MemoryStream(new byte[100]), maxMessageBytes: 50);
        Assert.Contains("over 50 bytes", (await Assert.ThrowsAsync<NetconfFramingException>(() => oversized.ReadMessageAsync())).Message);
    }

    /// <summary>Hands out at most a few bytes per read, as a slow SSH channel does.</summary>
    private sealed class TrickleStream(byte[] data, int step) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(step, buffer.Length)], cancellationToken);
    }
}

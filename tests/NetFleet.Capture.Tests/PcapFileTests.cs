using System.Net;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetFleet.Capture.Tests;

/// <summary>Offline summaries of pcap files the test writes itself, including broken ones.</summary>
public sealed class PcapFileTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Tcp(string source, ushort sourcePort, string destination, ushort destinationPort, int payload,
        bool syn = false, bool ack = false, bool rst = false, uint sequence = 0)
    {
        var tcp = new TcpPacket(sourcePort, destinationPort)
        {
            Synchronize = syn, Acknowledgment = ack, Reset = rst, PayloadData = new byte[payload], SequenceNumber = sequence,
        };
        return Ethernet(new IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination)) { PayloadPacket = tcp });
    }

    private static byte[] Udp(string source, ushort sourcePort, string destination, ushort destinationPort, int payload) =>
        Ethernet(new IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination))
        {
            PayloadPacket = new UdpPacket(sourcePort, destinationPort) { PayloadData = new byte[payload] },
        });

    private static byte[] Ethernet(IPPacket ip)
    {
        var ethernet = new EthernetPacket(
            System.Net.NetworkInformation.PhysicalAddress.Parse("02-00-00-00-00-01"),
            System.Net.NetworkInformation.PhysicalAddress.Parse("02-00-00-00-00-02"),
            ip is IPv6Packet ? EthernetType.IPv6 : EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        return ethernet.Bytes;
    }

    private string Write(string name, IEnumerable<byte[]> packets, int snapLength = 65_535)
    {
        var path = _dir.File(name);
        using var writer = new CaptureFileWriterDevice(path, FileMode.Create);
        writer.Open(new DeviceConfiguration { LinkLayerType = LinkLayers.Ethernet, Snaplen = snapLength });
        var time = Start;
        foreach (var packet in packets)
        {
            var captured = packet.AsSpan(0, Math.Min(packet.Length, snapLength));
            var header = new PcapHeader((uint)(time - DateTime.UnixEpoch).TotalSeconds, (uint)(time.Ticks / 10 % 1_000_000),
                (uint)packet.Length, (uint)captured.Length);
            writer.Write(captured, ref header);
            time = time.AddMilliseconds(100);
        }

        return path;
    }

    [Fact]
    public async Task Both_directions_fold_into_one_conversation_ranked_by_bytes()
    {
        var path = Write("two.pcap", [
            Tcp("10.0.0.1", 40000, "10.0.0.2", 22, 0, syn: true),
            Tcp("10.0.0.2", 22, "10.0.0.1", 40000, 0, syn: true, ack: true),
            // Data begins after the SYN's sequence number: otherwise it would count as sent again.
            Tcp("10.0.0.1", 40000, "10.0.0.2", 22, 1000, ack: true, sequence: 1),
            Tcp("10.0.0.2", 22, "10.0.0.1", 40000, 3000, ack: true, sequence: 1),
            Udp("10.0.0.3", 5000, "10.0.0.2", 161, 100),
            Tcp("10.0.0.1", 40001, "10.0.0.9", 80, 0, syn: true),
            Tcp("10.0.0.9", 80, "10.0.0.1", 40001, 0, rst: true, ack: true),
        ]);

        var summary = await PcapFileSummariser.SummariseAsync(path, top: 5);

        Assert.Equal(7, summary.Packets);
        var top = summary.TopConversations[0];
        Assert.Equal(new Conversation("tcp", "10.0.0.1", 40000, "10.0.0.2", 22, 4, top.Bytes), top);
        Assert.Equal(3, summary.TopConversations.Count);
        Assert.Equal(new TcpFlagCounts(Syn: 2, SynAck: 1, Rst: 1, Fin: 0), summary.Tcp);
        Assert.Equal(6, summary.Protocols.Tcp.Packets);
        Assert.Equal(1, summary.Protocols.Udp.Packets);
        Assert.Equal(7, summary.Protocols.IPv4.Packets);
        Assert.Equal("10.0.0.2", summary.TopTalkers[0].Address);
        Assert.Equal(["ssh", "snmp", "http"], summary.Services.Select(s => s.Service));
        Assert.Equal(Start, summary.FirstPacket!.Value.UtcDateTime);
        Assert.Equal(7 / 0.6, summary.PacketsPerSecond, precision: 6);
    }

    [Fact]
    public async Task Bytes_count_the_wire_length_when_the_snap_length_cut_packets()
    {
        var path = Write("cut.pcap", [Udp("10.0.0.1", 1, "10.0.0.2", 2, 1000), Udp("10.0.0.1", 1, "10.0.0.2", 2, 10)], snapLength: 100);

        var summary = await PcapFileSummariser.SummariseAsync(path);

        Assert.Equal(14 + 20 + 8 + 1000 + 14 + 20 + 8 + 10, summary.Bytes);
        Assert.Equal(100 + 52, summary.CapturedBytes);
        Assert.Equal(0, summary.Undecodable);
    }

    [Fact]
    public async Task A_truncated_file_is_a_clear_error_naming_where_it_broke()
    {
        var path = Write("whole.pcap", Enumerable.Range(0, 10).Select(i => Udp("10.0.0.1", 1, "10.0.0.2", 2, 500)));
        var bytes = await File.ReadAllBytesAsync(path);
        var truncated = _dir.File("truncated.pcap");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length - 300)]);

        var error = await Assert.ThrowsAsync<CaptureException>(() => PcapFileSummariser.SummariseAsync(truncated));

        Assert.Equal(CaptureErrorKind.BadFile, error.Kind);
        Assert.Contains("truncated.pcap", error.Message, StringComparison.Ordinal);
        Assert.Contains("after packet 9", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message[error.Message.IndexOf('(', StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_pcap_is_a_clear_error()
    {
        var path = _dir.File("notes.pcap");
        await File.WriteAllTextAsync(path, "these are not packets\n");

        var error = await Assert.ThrowsAsync<CaptureException>(() => PcapFileSummariser.SummariseAsync(path));

        Assert.Equal(CaptureErrorKind.BadFile, error.Kind);
        Assert.Contains("not a readable pcap file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<CaptureException>(() => PcapFileSummariser.SummariseAsync(_dir.File("absent.pcap")));

        Assert.Contains("no such file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_packets_are_counted_as_undecodable_not_fatal()
    {
        var garbage = new byte[40];
        Random.Shared.NextBytes(garbage);
        garbage[12] = 0x08;
        garbage[13] = 0x00;
        garbage[14] = 0x4f;
        var path = Write("garbage.pcap", [garbage, new byte[3], Udp("10.0.0.1", 1, "10.0.0.2", 2, 1)]);

        var summary = await PcapFileSummariser.SummariseAsync(path);

        Assert.Equal(3, summary.Packets);
        Assert.Equal(1, summary.Protocols.Udp.Packets);
    }

    [Fact]
    public async Task An_empty_capture_file_summarises_to_zero()
    {
        var summary = await PcapFileSummariser.SummariseAsync(Write("empty.pcap", []));

        Assert.Equal(0, summary.Packets);
        Assert.Null(summary.FirstPacket);
        Assert.Empty(summary.TopConversations);
    }
}

using System.Net;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetFleet.Capture.Tests;

/// <summary>TCP retransmissions (and the BGP messages in port 179's segments) counted in pcap files the test writes segment by segment.</summary>
public sealed class RetransmissionTests : IDisposable
{
    private const string Client = "198.18.0.1";
    private const string Server = "198.18.0.2";
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Segment(uint sequence, int payload, ushort clientPort = 40000, bool toServer = true,
        bool syn = false, bool fin = false, bool rst = false, bool v6 = false, byte[]? data = null)
    {
        var (sourcePort, destinationPort) = toServer ? (clientPort, (ushort)179) : ((ushort)179, clientPort);
        var tcp = new TcpPacket(sourcePort, destinationPort)
        {
            SequenceNumber = sequence,
            Synchronize = syn,
            Finished = fin,
            Reset = rst,
            Acknowledgment = !syn || !toServer,
            PayloadData = data ?? new byte[payload],
        };
        var (client, server) = v6 ? ("2001:db8::1", "2001:db8::2") : (Client, Server);
        var (source, destination) = toServer ? (client, server) : (server, client);
        IPPacket ip = v6
            ? new IPv6Packet(IPAddress.Parse(source), IPAddress.Parse(destination)) { PayloadPacket = tcp }
            : new IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination)) { PayloadPacket = tcp };
        var ethernet = new EthernetPacket(
            System.Net.NetworkInformation.PhysicalAddress.Parse("02-00-00-00-00-01"),
            System.Net.NetworkInformation.PhysicalAddress.Parse("02-00-00-00-00-02"),
            v6 ? EthernetType.IPv6 : EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        return ethernet.Bytes;
    }

    [Fact]
    public async Task Bgp_messages_are_counted_by_type_once_each_even_when_a_segment_is_sent_again()
    {
        var openAndKeepalive = Bgp(1, 29).Concat(Bgp(4, 19)).ToArray();
        var notification = Bgp(3, 21);
        var summary = await SummariseAsync(
        [
            Segment(1000, 0, syn: true),
            Segment(1001, 0, data: openAndKeepalive),
            Segment(1001, 0, data: openAndKeepalive),
            Segment(5000, 0, toServer: false, data: Bgp(4, 19)),
            Segment(5019, 0, toServer: false, data: notification),
            // Not a BGP header at the start of the segment (the middle of a long UPDATE): nothing is counted.
            Segment(5040, 0, toServer: false, data: new byte[40]),
        ]);

        Assert.Equal(new BgpMessageCounts(Open: 1, Update: 0, Notification: 1, Keepalive: 2, RouteRefresh: 0), summary.Bgp);
        Assert.Equal(1, summary.Tcp.Retransmissions);
    }

    /// <summary>A BGP message of the given type and length: the marker, the length, the type, zero padding.</summary>
    private static byte[] Bgp(byte type, int length)
    {
        var message = new byte[length];
        Array.Fill(message, (byte)0xFF, 0, 16);
        (message[16], message[17], message[18]) = ((byte)(length >> 8), (byte)length, type);
        return message;
    }

    private Task<TrafficSummary> SummariseAsync(IEnumerable<byte[]> packets, int snapLength = 65_535)
    {
        var path = _dir.File($"{Guid.NewGuid():N}.pcap");
        using (var writer = new CaptureFileWriterDevice(path, FileMode.Create))
        {
            writer.Open(new DeviceConfiguration { LinkLayerType = LinkLayers.Ethernet, Snaplen = snapLength });
            var time = new DateTime(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);
            foreach (var packet in packets)
            {
                var captured = packet.AsSpan(0, Math.Min(packet.Length, snapLength));
                var header = new PcapHeader((uint)(time - DateTime.UnixEpoch).TotalSeconds, (uint)(time.Ticks / 10 % 1_000_000),
                    (uint)packet.Length, (uint)captured.Length);
                writer.Write(captured, ref header);
                time = time.AddMilliseconds(10);
            }
        }

        return PcapFileSummariser.SummariseAsync(path);
    }

    [Fact]
    public async Task Data_syn_and_fin_sent_again_count_and_nothing_else_does()
    {
        var summary = await SummariseAsync(
        [
            Segment(1000, 0, syn: true),
            Segment(1000, 0, syn: true), // 1: the SYN again
            Segment(5000, 0, toServer: false, syn: true), // the SYN-ACK: the other direction is a flow of its own
            Segment(1001, 0), // a bare ACK carries no sequence space
            Segment(1001, 100),
            Segment(1101, 100),
            Segment(1001, 100), // 2: the first segment again
            Segment(1200, 1), // a keep-alive: one byte just below what was sent
            Segment(1151, 100), // 3: overlaps what was sent, and carries 50 bytes more
            Segment(1251, 100),
            Segment(5001, 100, toServer: false), // the server's first data
            Segment(1351, 0, fin: true),
            Segment(1351, 0, fin: true), // 4: the FIN again
            Segment(1000, 0, rst: true),
            Segment(9000, 0, syn: true), // a new connection on the same ports, another initial sequence number
            Segment(9001, 50),
            Segment(0xFFFF_FFC0, 100, clientPort: 40001), // wraps past 2^32
            Segment(0x24, 10, clientPort: 40001),
            Segment(0xFFFF_FFC0, 100, clientPort: 40001), // 5: sent again after the wrap
            Segment(1, 100, v6: true),
            Segment(1, 100, v6: true), // 6: over IPv6
        ]);

        Assert.Equal(6, summary.Tcp.Retransmissions);
        Assert.Equal(3, summary.Tcp.Syn);
    }

    [Fact]
    public async Task Segments_cut_short_by_the_snap_length_are_measured_by_their_ip_length()
    {
        // With only the first bytes of the payload captured, the tail sent again is still recognised.
        var summary = await SummariseAsync([Segment(1, 1000), Segment(501, 500), Segment(1001, 1000)], snapLength: 64);

        Assert.Equal(1, summary.Tcp.Retransmissions);
    }

    [Fact]
    public async Task A_clean_transfer_in_both_directions_has_no_retransmissions()
    {
        var packets = new List<byte[]> { Segment(1000, 0, syn: true), Segment(7000, 0, toServer: false, syn: true) };
        for (var i = 0u; i < 50; i++)
        {
            packets.Add(Segment(1001 + i * 1400, 1400));
            packets.Add(Segment(7001 + i * 10, 10, toServer: false));
        }

        var summary = await SummariseAsync(packets);

        Assert.Equal(0, summary.Tcp.Retransmissions);
        Assert.Equal(102, summary.Packets);
    }
}

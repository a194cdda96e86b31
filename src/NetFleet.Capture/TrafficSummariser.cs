using System.Net;
using PacketDotNet;
using SharpPcap;

namespace NetFleet.Capture;

/// <summary>
/// Decodes packets with PacketDotNet and keeps running totals: protocol mix, well-known services,
/// talkers, conversations, TCP handshake flags, retransmissions and BGP messages. The same code summarises a live capture and a pcap
/// file. Not thread-safe: one capture session (or file reader) feeds it from one task.
/// </summary>
public sealed class TrafficSummariser
{
    /// <summary>
    /// How many distinct hosts and conversations are tracked: past this, new ones count in the totals
    /// but not in the rankings, so a scan or a flood of spoofed sources cannot exhaust memory.
    /// </summary>
    public const int DefaultMaxTracked = 100_000;

    private readonly int _maxTracked;
    private readonly Dictionary<IPAddress, TalkerCounts> _talkers = [];
    private readonly Dictionary<ConversationKey, MutableCounter> _conversations = [];
    private readonly Dictionary<(string Service, string Protocol, int Port), MutableCounter> _services = [];
    private readonly MutableCounter _ipv4 = new(), _ipv6 = new(), _arp = new(), _otherNetwork = new();
    private readonly MutableCounter _tcp = new(), _udp = new(), _icmp = new(), _otherTransport = new();
    private readonly TcpRetransmissions _retransmissions;
    private readonly BgpMessages _bgp = new();
    private long _syn, _synAck, _rst, _fin, _undecodable;
    private DateTimeOffset? _first, _last;

    public TrafficSummariser(int maxTracked = DefaultMaxTracked)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTracked);
        _maxTracked = maxTracked;
        _retransmissions = new TcpRetransmissions(maxTracked);
    }

    public long Packets { get; private set; }

    /// <summary>Bytes on the wire (the packets' original lengths).</summary>
    public long Bytes { get; private set; }

    public long CapturedBytes { get; private set; }

    public void Add(RawCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        Add(capture.LinkLayerType, capture.Timeval.Date, capture.Data, capture.PacketLength);
    }

    /// <param name="wireLength">The packet's length on the wire (at least the captured length).</param>
    public void Add(LinkLayers linkType, DateTime timestampUtc, byte[] data, int wireLength)
    {
        ArgumentNullException.ThrowIfNull(data);
        long length = Math.Max(wireLength, data.Length);
        Packets++;
        Bytes += length;
        CapturedBytes += data.Length;
        var timestamp = new DateTimeOffset(DateTime.SpecifyKind(timestampUtc, DateTimeKind.Utc));
        _first ??= timestamp;
        _last = timestamp;

        Packet packet;
        try
        {
            packet = Packet.ParsePacket(linkType, data);
        }
        catch (Exception)
        {
            // Captured bytes are untrusted input to a third-party parser: any failure is a bad packet.
            _undecodable++;
            _otherNetwork.Add(length);
            return;
        }

        try
        {
            Classify(packet, length);
        }
        catch (Exception)
        {
            // A truncated or malformed header deep in the packet: the outer layers were counted.
            _undecodable++;
        }
    }

    private void Classify(Packet packet, long length)
    {
        if (packet.Extract<IPPacket>() is not { } ip)
        {
            (packet.Extract<ArpPacket>() is not null ? _arp : _otherNetwork).Add(length);
            return;
        }

        (ip is IPv6Packet ? _ipv6 : _ipv4).Add(length);
        var source = ip.SourceAddress;
        var destination = ip.DestinationAddress;
        Talk(source, length, sent: true, counted: false);
        Talk(destination, length, sent: false, counted: source.Equals(destination));

        int sourcePort = 0, destinationPort = 0;
        string protocol;
        switch (ip.Protocol)
        {
            case PacketDotNet.ProtocolType.Tcp when ip.PayloadPacket is TcpPacket tcp:
                _tcp.Add(length);
                protocol = "tcp";
                (sourcePort, destinationPort) = (tcp.SourcePort, tcp.DestinationPort);
                CountFlags(tcp);
                if (!_retransmissions.Add(ip, tcp))
                {
                    _bgp.Add(tcp);
                }

                break;
            case PacketDotNet.ProtocolType.Udp when ip.PayloadPacket is UdpPacket udp:
                _udp.Add(length);
                protocol = "udp";
                (sourcePort, destinationPort) = (udp.SourcePort, udp.DestinationPort);
                break;
            case PacketDotNet.ProtocolType.Icmp:
                _icmp.Add(length);
                protocol = "icmp";
                break;
            case PacketDotNet.ProtocolType.IcmpV6:
                _icmp.Add(length);
                protocol = "icmpv6";
                break;
            default:
                _otherTransport.Add(length);
                protocol = ip.Protocol.ToString().ToLowerInvariant();
                break;
        }

        if (sourcePort != 0 || destinationPort != 0)
        {
            if (WellKnownPorts.Find(sourcePort, destinationPort) is var (port, name))
            {
                Count(_services, (name, protocol, port), length, track: true);
            }
        }

        var key = ConversationKey.Of(protocol, source, sourcePort, destination, destinationPort);
        Count(_conversations, key, length, track: _conversations.Count < _maxTracked);
    }

    private void CountFlags(TcpPacket tcp)
    {
        if (tcp.Synchronize)
        {
            if (tcp.Acknowledgment)
            {
                _synAck++;
            }
            else
            {
                _syn++;
            }
        }

        if (tcp.Reset)
        {
            _rst++;
        }

        if (tcp.Finished)
        {
            _fin++;
        }
    }

    /// <param name="counted">The packet was already counted for this host (it talks to itself).</param>
    private void Talk(IPAddress address, long length, bool sent, bool counted)
    {
        if (!_talkers.TryGetValue(address, out var talker))
        {
            if (_talkers.Count >= _maxTracked)
            {
                return;
            }

            talker = new TalkerCounts();
            _talkers[address] = talker;
        }

        if (!counted)
        {
            talker.Packets++;
            talker.Bytes += length;
        }

        if (sent)
        {
            talker.Sent += length;
        }
        else
        {
            talker.Received += length;
        }
    }

    private static void Count<TKey>(Dictionary<TKey, MutableCounter> counters, TKey key, long length, bool track)
        where TKey : notnull
    {
        if (!counters.TryGetValue(key, out var counter))
        {
            if (!track)
            {
                return;
            }

            counter = new MutableCounter();
            counters[key] = counter;
        }

        counter.Add(length);
    }

    /// <summary>The totals so far, with the <paramref name="top"/> talkers, conversations and services.</summary>
    public TrafficSummary Summarise(int top = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        var seconds = _first is { } first && _last is { } last ? (last - first).TotalSeconds : 0;
        return new TrafficSummary(
            _first,
            _last,
            Packets,
            Bytes,
            CapturedBytes,
            seconds > 0 ? Packets / seconds : 0,
            seconds > 0 ? Bytes / seconds : 0,
            new ProtocolMix(_ipv4.Freeze(), _ipv6.Freeze(), _arp.Freeze(), _otherNetwork.Freeze(),
                _tcp.Freeze(), _udp.Freeze(), _icmp.Freeze(), _otherTransport.Freeze()),
            _services
                .OrderByDescending(s => s.Value.Bytes).ThenBy(s => s.Key.Port)
                .Take(top)
                .Select(s => new ServiceCount(s.Key.Service, s.Key.Protocol, s.Key.Port, s.Value.Packets, s.Value.Bytes))
                .ToList(),
            _talkers
                .OrderByDescending(t => t.Value.Bytes).ThenBy(t => t.Key.ToString(), StringComparer.Ordinal)
                .Take(top)
                .Select(t => new Talker(t.Key.ToString(), t.Value.Packets, t.Value.Bytes, t.Value.Sent, t.Value.Received))
                .ToList(),
            _conversations
                .OrderByDescending(c => c.Value.Bytes).ThenByDescending(c => c.Value.Packets)
                .Take(top)
                .Select(c => new Conversation(c.Key.Protocol, c.Key.A.ToString(), c.Key.PortA, c.Key.B.ToString(), c.Key.PortB,
                    c.Value.Packets, c.Value.Bytes))
                .ToList(),
            new TcpFlagCounts(_syn, _synAck, _rst, _fin, _retransmissions.Count),
            _undecodable)
        {
            Bgp = _bgp.Counts,
        };
    }

    private sealed class MutableCounter
    {
        public long Packets;
        public long Bytes;

        public void Add(long length)
        {
            Packets++;
            Bytes += length;
        }

        public Counter Freeze() => new(Packets, Bytes);
    }

    private sealed class TalkerCounts
    {
        public long Packets;
        public long Bytes;
        public long Sent;
        public long Received;
    }

    /// <summary>Both directions of a conversation map to one key: endpoint A is the lower one.</summary>
    private readonly record struct ConversationKey(string Protocol, IPAddress A, int PortA, IPAddress B, int PortB)
    {
        public static ConversationKey Of(string protocol, IPAddress source, int sourcePort, IPAddress destination, int destinationPort) =>
            Compare(source, sourcePort, destination, destinationPort) <= 0
                ? new ConversationKey(protocol, source, sourcePort, destination, destinationPort)
                : new ConversationKey(protocol, destination, destinationPort, source, sourcePort);

        private static int Compare(IPAddress a, int portA, IPAddress b, int portB)
        {
            Span<byte> bytesA = stackalloc byte[16];
            Span<byte> bytesB = stackalloc byte[16];
            a.TryWriteBytes(bytesA, out var lengthA);
            b.TryWriteBytes(bytesB, out var lengthB);
            var order = bytesA[..lengthA].SequenceCompareTo(bytesB[..lengthB]);
            return order != 0 ? order : portA.CompareTo(portB);
        }
    }
}

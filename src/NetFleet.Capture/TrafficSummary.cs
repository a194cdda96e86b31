using System.Text.Json.Serialization;

namespace NetFleet.Capture;

/// <summary>Packets and bytes (on the wire, not as captured) of one kind of traffic.</summary>
public sealed record Counter(long Packets, long Bytes);

/// <summary>Network layer (IPv4/IPv6/ARP/other) and transport layer (TCP/UDP/ICMP/other IP) counts.</summary>
public sealed record ProtocolMix(
    [property: JsonPropertyName("ipv4")] Counter IPv4,
    [property: JsonPropertyName("ipv6")] Counter IPv6,
    Counter Arp,
    Counter OtherNetwork,
    Counter Tcp, Counter Udp, Counter Icmp, Counter OtherTransport);

/// <summary>Traffic to or from a well-known port (TCP or UDP).</summary>
public sealed record ServiceCount(string Service, string Protocol, int Port, long Packets, long Bytes);

/// <summary>A host: the packets it sent or received (once if it talks to itself, as on lo), and their bytes.</summary>
public sealed record Talker(string Address, long Packets, long Bytes, long BytesSent, long BytesReceived);

/// <summary>
/// A conversation: protocol and both endpoints, both directions folded into one (A is the lower
/// endpoint). Ports are 0 for protocols without ports.
/// </summary>
public sealed record Conversation(
    string Protocol, string AddressA, int PortA, string AddressB, int PortB, long Packets, long Bytes)
{
    public override string ToString() => $"{Protocol} {Endpoint(AddressA, PortA)} <-> {Endpoint(AddressB, PortB)}";

    private static string Endpoint(string address, int port) =>
        port == 0 ? address : address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{port}" : $"{address}:{port}";
}

/// <summary>TCP segments with these flags, and segments sent again: data, SYN or FIN its flow had already carried
/// (the capture's TcpRetransmissions). Summaries recorded before retransmissions were counted read as 0.</summary>
public sealed record TcpFlagCounts(long Syn, long SynAck, long Rst, long Fin, long Retransmissions = 0);

/// <summary>
/// What a set of packets looked like: the same record for a live capture (its totals so far) and
/// for a pcap file. Rates are averaged over the time between the first and the last packet.
/// </summary>
public sealed record TrafficSummary(
    DateTimeOffset? FirstPacket,
    DateTimeOffset? LastPacket,
    long Packets,
    long Bytes,
    long CapturedBytes,
    double PacketsPerSecond,
    double BytesPerSecond,
    ProtocolMix Protocols,
    IReadOnlyList<ServiceCount> Services,
    IReadOnlyList<Talker> TopTalkers,
    IReadOnlyList<Conversation> TopConversations,
    TcpFlagCounts Tcp,
    long Undecodable)
{
    /// <summary>BGP messages by type (TCP port 179); summaries recorded before they were counted read as null.</summary>
    public BgpMessageCounts? Bgp { get; init; }
}

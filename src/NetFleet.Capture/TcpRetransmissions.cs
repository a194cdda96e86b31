using System.Net;
using PacketDotNet;

namespace NetFleet.Capture;

/// <summary>
/// Counts TCP retransmissions as seen at one capture point: a segment that carries sequence space (payload, SYN or
/// FIN) starting before the highest sequence number its flow (one direction of a connection) has already carried is
/// sent again. Keep-alives (one byte, or none, just below that) are not. A segment that arrives after a later one
/// of its flow (reordered on the way) counts too: one capture point cannot tell the two apart.
/// </summary>
internal sealed class TcpRetransmissions(int maxFlows)
{
    private readonly Dictionary<Flow, uint> _nextSequence = [];

    public long Count { get; private set; }

    /// <summary>Records the segment; true when it carried data, a SYN or a FIN its flow had already carried.</summary>
    public bool Add(IPPacket ip, TcpPacket tcp)
    {
        // From the IP header's length: a capture cut short by its snap length still knows how much the segment carried.
        var fromHeader = ip.PayloadLength - tcp.DataOffset * 4;
        var payload = fromHeader >= 0 ? fromHeader : tcp.PayloadData?.Length ?? 0;
        var length = (uint)payload + (tcp.Synchronize ? 1u : 0u) + (tcp.Finished ? 1u : 0u);
        if (length == 0 || tcp.Reset)
        {
            return false;
        }

        var flow = new Flow(ip.SourceAddress, tcp.SourcePort, ip.DestinationAddress, tcp.DestinationPort);
        var start = tcp.SequenceNumber;
        var end = start + length;
        if (!_nextSequence.TryGetValue(flow, out var next))
        {
            if (_nextSequence.Count < maxFlows)
            {
                _nextSequence[flow] = end;
            }

            return false;
        }

        if (tcp.Synchronize && end != next)
        {
            // A new connection on the same ports (another initial sequence number), not a SYN sent again.
            _nextSequence[flow] = end;
            return false;
        }

        var keepAlive = !tcp.Synchronize && !tcp.Finished && payload <= 1 && start == next - 1;
        if (Before(start, next))
        {
            if (Before(next, end))
            {
                _nextSequence[flow] = end;
            }

            if (keepAlive)
            {
                return false;
            }

            Count++;
            return true;
        }

        _nextSequence[flow] = end;
        return false;
    }

    /// <summary>Sequence numbers wrap at 2^32: a is before b when b is less than 2^31 ahead (RFC 1982).</summary>
    private static bool Before(uint a, uint b) => (int)(a - b) < 0;

    private readonly record struct Flow(IPAddress Source, ushort SourcePort, IPAddress Destination, ushort DestinationPort);
}

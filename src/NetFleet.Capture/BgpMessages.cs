using PacketDotNet;

namespace NetFleet.Capture;

/// <summary>BGP messages (RFC 4271 and RFC 2918's ROUTE-REFRESH) seen on TCP port 179, by type.</summary>
public sealed record BgpMessageCounts(long Open, long Update, long Notification, long Keepalive, long RouteRefresh)
{
    public static readonly BgpMessageCounts None = new(0, 0, 0, 0, 0);

    public long Total => Open + Update + Notification + Keepalive + RouteRefresh;
}

/// <summary>
/// Counts BGP messages in the segments of TCP port 179: a segment's payload is walked header by header (16-byte marker
/// of ones, length, type). One capture point sees segments, not the stream, so a message is counted when its header
/// starts a segment or follows a whole message in it; a segment sent again is not counted twice. Enough to tell a
/// session's OPENs, KEEPALIVEs and NOTIFICATIONs during a rollout without reassembling TCP.
/// </summary>
internal sealed class BgpMessages
{
    public const int Port = 179;
    private const int MarkerLength = 16;
    private const int HeaderLength = 19;
    private const int MaxMessageLength = 65_535;
    private readonly long[] byType = new long[6];

    public void Add(TcpPacket tcp)
    {
        if (tcp.SourcePort != Port && tcp.DestinationPort != Port || tcp.PayloadData is not { Length: >= HeaderLength } payload)
        {
            return;
        }

        var at = 0;
        while (payload.Length - at >= HeaderLength && IsMarker(payload.AsSpan(at, MarkerLength)))
        {
            var length = (payload[at + MarkerLength] << 8) | payload[at + MarkerLength + 1];
            var type = payload[at + MarkerLength + 2];
            if (length is < HeaderLength or > MaxMessageLength)
            {
                return;
            }

            if (type is >= 1 and <= 5)
            {
                byType[type]++;
            }

            at += length;
        }
    }

    public BgpMessageCounts Counts => new(byType[1], byType[2], byType[3], byType[4], byType[5]);

    private static bool IsMarker(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b != 0xFF) return false;
        }

        return true;
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Serilog;

namespace NetFleet.Snmp;

/// <summary>A trap or inform as received. <see cref="TrapOid"/> is snmpTrapOID.0 (for v1 traps, as RFC 3584 §3.1 maps them).</summary>
public sealed record SnmpNotification(SnmpVersion Version, PduType Type, IPEndPoint From, string? Community, string? User,
    byte[]? EngineId, Oid? TrapOid, uint Uptime, IReadOnlyList<Variable> Variables)
{
    public override string ToString() =>
        $"{Type} from {From} ({(User is null ? Version + " " + Community : "v3 " + User)}): {(TrapOid is null ? "?" : MibNames.Format(TrapOid))}";
}

public sealed record SnmpTrapReceiverOptions
{
    public IReadOnlyList<string> Communities { get; init; } = ["public"];
    /// <summary>v3 users; traps from any engine ID are accepted for them (keys are localised per sender).</summary>
    public IReadOnlyList<UsmUser> Users { get; init; } = [];
    /// <summary>This receiver's engine ID, which v3 inform senders discover. Null: random.</summary>
    public byte[]? EngineId { get; init; }
}

/// <summary>
/// Receives v1/v2c/v3 traps and informs on one UDP socket and hands them out through
/// <see cref="Notifications"/>; informs are acknowledged with a response. For v3 traps the sender
/// is authoritative: keys are localised to its engine ID, and a notification older than the latest
/// seen from that engine by more than the 150 s window is dropped as a replay.
/// </summary>
public sealed class SnmpTrapReceiver : IAsyncDisposable
{
    private static readonly Oid SysUpTime0 = Oid.Parse("1.3.6.1.2.1.1.3.0");
    private static readonly Oid SnmpTrapOid0 = Oid.Parse("1.3.6.1.6.3.1.1.4.1.0");
    private static readonly Oid SnmpTraps = Oid.Parse("1.3.6.1.6.3.1.1.5");
    private readonly SnmpTrapReceiverOptions options;
    private readonly AuthoritativeEngine engine;
    private readonly Dictionary<string, UsmUser> users;
    private readonly ConcurrentDictionary<string, (int Boots, int Time)> latest = new(StringComparer.Ordinal);
    private readonly Channel<SnmpNotification> channel = Channel.CreateBounded<SnmpNotification>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource stopping = new();
    private readonly Socket socket;
    private readonly Task loop;

    public SnmpTrapReceiver(IPEndPoint endpoint, SnmpTrapReceiverOptions? options = null, ILogger? log = null)
    {
        this.options = options ?? new SnmpTrapReceiverOptions();
        engine = new AuthoritativeEngine(this.options.EngineId, 1, this.options.Users);
        users = this.options.Users.ToDictionary(u => u.Name, StringComparer.Ordinal);
        Drops = new DropCounters(log ?? Serilog.Core.Logger.None, "SNMP trap receiver");
        socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(endpoint);
        loop = ReceiveLoopAsync(stopping.Token);
    }

    public IPEndPoint Endpoint => (IPEndPoint)socket.LocalEndPoint!;
    public byte[] EngineId => engine.EngineId;
    public DropCounters Drops { get; }
    public ChannelReader<SnmpNotification> Notifications => channel.Reader;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        socket.Dispose();
        await loop;
        channel.Writer.TryComplete();
        stopping.Dispose();
    }

    private Task ReceiveLoopAsync(CancellationToken cancellationToken) =>
        Datagrams.ReceiveAllAsync(socket, async datagram =>
        {
            var from = (IPEndPoint)datagram.From;
            byte[]? reply;
            try
            {
                reply = Handle(datagram.Span, from);
            }
            catch (SnmpDecodeException e)
            {
                Drops.Drop("malformed: " + e.Reason, from);
                return;
            }

            if (reply is not null)
            {
                await Datagrams.ReplyAsync(socket, reply, from, _ => Drops.Drop("could not send the inform acknowledgement", from),
                    cancellationToken);
            }
        }, cancellationToken);

    private byte[]? Handle(ReadOnlySpan<byte> packet, IPEndPoint from)
    {
        var message = SnmpCodec.Decode(packet);
        if (message.Version != SnmpVersion.V3)
        {
            if (!options.Communities.Contains(message.CommunityText))
            {
                Drops.Drop("unknown community", from);
                return null;
            }

            var pdu = message.Pdu!;
            if (!Publish(message, pdu, from, message.CommunityText, null, null))
            {
                return null;
            }

            return pdu.Type == PduType.Inform
                ? SnmpCodec.EncodeCommunity(message.Version, message.Community, pdu with { Type = PduType.Response, ErrorStatus = 0, ErrorIndex = 0 })
                : null;
        }

        var usm = message.Usm!;
        var isInformOrProbe = message.Reportable;
        if (isInformOrProbe)
        {
            // Informs (and their engine discovery) are addressed to this receiver's engine.
            var user = engine.Accept(message, packet, out var report, out var failure);
            if (user is null)
            {
                Drops.Drop(failure, from);
                return report;
            }

            var pdu = message.Pdu!;
            if (!Publish(message, pdu, from, null, user.Name, usm.EngineId))
            {
                return null;
            }

            return engine.Reply(message, user, pdu with { Type = PduType.Response, ErrorStatus = 0, ErrorIndex = 0 });
        }

        if (!users.TryGetValue(usm.UserName, out var sender))
        {
            Drops.Drop("trap from an unknown user name", from);
            return null;
        }

        if ((message.Level != sender.Level ? UsmFailure.UnsupportedSecLevel : SnmpCodec.Unprotect(message, packet, sender)) is { } problem)
        {
            Drops.Drop($"trap from user '{sender.Name}': {problem}", from);
            return null;
        }

        if (sender.Level != SecurityLevel.NoAuthNoPriv && IsReplay(usm))
        {
            Drops.Drop($"trap from user '{sender.Name}': outside the sender engine's time window", from);
            return null;
        }

        Publish(message, message.Pdu!, from, null, sender.Name, usm.EngineId);
        return null;
    }

    private bool IsReplay(UsmParameters usm)
    {
        var key = Convert.ToHexString(usm.EngineId);
        var seen = latest.GetOrAdd(key, (usm.Boots, usm.Time));
        if (usm.Boots < seen.Boots || (usm.Boots == seen.Boots && usm.Time < seen.Time - 150))
        {
            return true;
        }

        if (usm.Boots > seen.Boots || usm.Time > seen.Time)
        {
            latest[key] = (usm.Boots, usm.Time);
        }

        return false;
    }

    private bool Publish(SnmpMessage message, Pdu pdu, IPEndPoint from, string? community, string? user, byte[]? engineId)
    {
        switch (pdu.Type)
        {
            case PduType.TrapV1 when pdu.Trap is { } trap:
            {
                var trapOid = trap.GenericTrap is >= 0 and < 6
                    ? SnmpTraps.Append((uint)trap.GenericTrap + 1)
                    : trap.Enterprise.Append(0, (uint)trap.SpecificTrap);
                channel.Writer.TryWrite(new SnmpNotification(message.Version, pdu.Type, from, community, user, engineId, trapOid,
                    trap.Timestamp, pdu.Variables));
                return true;
            }

            case PduType.TrapV2 or PduType.Inform:
            {
                var uptime = pdu.Variables.FirstOrDefault(v => v.Oid == SysUpTime0)?.Value is TimeTicks t ? t.Value : 0;
                var trapOid = pdu.Variables.FirstOrDefault(v => v.Oid == SnmpTrapOid0)?.Value is ObjectIdentifier o ? o.Value : null;
                channel.Writer.TryWrite(new SnmpNotification(message.Version, pdu.Type, from, community, user, engineId, trapOid,
                    uptime, [.. pdu.Variables.Where(v => v.Oid != SysUpTime0 && v.Oid != SnmpTrapOid0)]));
                return true;
            }

            default:
                Drops.Drop($"{pdu.Type} PDU sent to a trap receiver", from);
                return false;
        }
    }
}

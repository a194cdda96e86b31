using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace NetFleet.Snmp;

/// <summary>
/// The authoritative side of USM (RFC 3414 §3.2): an agent for requests, a receiver for informs.
/// It owns the engine ID, boots and time, checks incoming v3 messages and writes the reports that
/// let a manager discover the engine and synchronise its clock.
/// </summary>
internal sealed class AuthoritativeEngine
{
    private readonly Dictionary<string, UsmUser> users;
    private readonly long started = Stopwatch.GetTimestamp();
    private readonly long[] stats = new long[7];

    public AuthoritativeEngine(byte[]? engineId, int boots, IEnumerable<UsmUser> users)
    {
        EngineId = engineId ?? NewEngineId(Guid.NewGuid().ToString());
        Boots = boots;
        this.users = users.ToDictionary(u => u.Name, StringComparer.Ordinal);
    }

    public byte[] EngineId { get; }
    public int Boots { get; }
    public int Time => (int)Stopwatch.GetElapsedTime(started).TotalSeconds;

    /// <summary>An RFC 3411 engine ID in the "octets" format under net-snmp's enterprise number,
    /// derived from <paramref name="seed"/> so that it is stable for one device.</summary>
    public static byte[] NewEngineId(string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return [0x80, 0x00, 0x1f, 0x88, 0x05, .. hash[..12]];
    }

    /// <summary>
    /// Checks a v3 message. On success returns the user (the PDU is readable); otherwise returns
    /// null and sets <paramref name="report"/> to the report to send (when the sender asked for one)
    /// and <paramref name="failure"/> to the reason.
    /// </summary>
    public UsmUser? Accept(SnmpMessage message, ReadOnlySpan<byte> packet, out byte[]? report, out string failure)
    {
        report = null;
        var usm = message.Usm!;
        if (!usm.EngineId.AsSpan().SequenceEqual(EngineId))
        {
            failure = usm.EngineId.Length == 0 ? "engine ID discovery" : "unknown engine ID";
            report = Report(message, UsmFailure.UnknownEngineId, null);
            return null;
        }

        if (!users.TryGetValue(usm.UserName, out var user))
        {
            failure = "unknown user name";
            report = Report(message, UsmFailure.UnknownUserName, null);
            return null;
        }

        var problem = message.Level != user.Level ? UsmFailure.UnsupportedSecLevel : SnmpCodec.Unprotect(message, packet, user);
        if (problem is { } p)
        {
            failure = $"user '{user.Name}': {p}";
            report = Report(message, p, null);
            return null;
        }

        if (user.Level != SecurityLevel.NoAuthNoPriv && (usm.Boots != Boots || Math.Abs(usm.Time - Time) > 150))
        {
            failure = $"user '{user.Name}': not in time window";
            report = Report(message, UsmFailure.NotInTimeWindow, user);
            return null;
        }

        failure = "";
        return user;
    }

    /// <summary>A response (or other PDU) from this engine to an accepted message.</summary>
    public byte[] Reply(SnmpMessage request, UsmUser user, Pdu pdu) =>
        SnmpCodec.EncodeV3(new V3Envelope(request.MessageId, SnmpCodec.MaxMessageSize, false, user.Level, EngineId, Boots, Time,
            user.Name, request.ContextEngineId.Length == 0 ? EngineId : request.ContextEngineId, request.ContextName), pdu, user);

    private byte[]? Report(SnmpMessage message, UsmFailure failure, UsmUser? user)
    {
        var count = Interlocked.Increment(ref stats[(int)failure]);
        if (!message.Reportable)
        {
            return null;
        }

        var pdu = new Pdu(PduType.Report, message.Pdu?.RequestId ?? 0, 0, 0,
            [new Variable(Usm.CounterOid(failure), new Counter32((uint)count))]);
        var level = user is null ? SecurityLevel.NoAuthNoPriv : SecurityLevel.AuthNoPriv;
        return SnmpCodec.EncodeV3(new V3Envelope(message.MessageId, SnmpCodec.MaxMessageSize, false, level, EngineId, Boots, Time,
            user?.Name ?? message.Usm!.UserName, EngineId, []), pdu, user);
    }
}

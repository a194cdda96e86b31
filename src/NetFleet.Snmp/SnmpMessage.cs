using System.Security.Cryptography;
using System.Text;

namespace NetFleet.Snmp;

/// <summary>The USM security parameters of an SNMPv3 message (RFC 3414 §2.4).</summary>
public sealed record UsmParameters(byte[] EngineId, int Boots, int Time, string UserName, byte[] AuthParams, byte[] PrivParams);

/// <summary>
/// A decoded message. For SNMPv3 with privacy the PDU stays encrypted (<see cref="Pdu"/> is null)
/// until <see cref="SnmpCodec.Unprotect"/> has checked the MAC and decrypted it with the user's keys.
/// </summary>
public sealed class SnmpMessage
{
    public SnmpVersion Version { get; init; }
    public byte[] Community { get; init; } = [];
    public Pdu? Pdu { get; internal set; }
    public int MessageId { get; init; }
    public int MaxSize { get; init; }
    public byte Flags { get; init; }
    public UsmParameters? Usm { get; init; }
    public byte[] ContextEngineId { get; internal set; } = [];
    public byte[] ContextName { get; internal set; } = [];
    internal int AuthParamsOffset { get; init; }
    internal byte[]? Encrypted { get; init; }

    public SecurityLevel Level => (Flags & SnmpFlags.Priv) != 0 ? SecurityLevel.AuthPriv
        : (Flags & SnmpFlags.Auth) != 0 ? SecurityLevel.AuthNoPriv : SecurityLevel.NoAuthNoPriv;

    public bool Reportable => (Flags & SnmpFlags.Reportable) != 0;

    public string CommunityText => Encoding.UTF8.GetString(Community);
}

internal static class SnmpFlags
{
    public const byte Auth = 1;
    public const byte Priv = 2;
    public const byte Reportable = 4;
}

/// <summary>What is needed to write one SNMPv3 message.</summary>
internal sealed record V3Envelope(int MessageId, int MaxSize, bool Reportable, SecurityLevel Level, byte[] EngineId,
    int Boots, int Time, string UserName, byte[] ContextEngineId, byte[] ContextName);

/// <summary>Encodes and decodes whole SNMP messages, and applies USM authentication and privacy.</summary>
public static class SnmpCodec
{
    public const int MaxMessageSize = 65507;

    public static byte[] EncodeCommunity(SnmpVersion version, string community, Pdu pdu) =>
        EncodeCommunity(version, Encoding.UTF8.GetBytes(community), pdu);

    public static byte[] EncodeCommunity(SnmpVersion version, byte[] community, Pdu pdu)
    {
        if (version == SnmpVersion.V3)
        {
            throw new ArgumentException("SNMPv3 messages are written by EncodeV3", nameof(version));
        }

        var writer = new BerWriter();
        writer.WriteConstructed(BerTag.Sequence, w =>
        {
            w.WriteInteger((int)version);
            w.WriteOctetString(community);
            pdu.Write(w);
        });
        return writer.ToArray();
    }

    internal static byte[] EncodeV3(V3Envelope envelope, Pdu pdu, UsmUser? user)
    {
        var level = envelope.Level;
        var keys = level == SecurityLevel.NoAuthNoPriv ? null
            : (user ?? throw new ArgumentException("an authenticated message needs a user")).KeysFor(envelope.EngineId);
        var scoped = new BerWriter();
        scoped.WriteConstructed(BerTag.Sequence, w =>
        {
            w.WriteOctetString(envelope.ContextEngineId);
            w.WriteOctetString(envelope.ContextName);
            pdu.Write(w);
        });

        byte[] privParams = [];
        var msgData = new BerWriter();
        if (level == SecurityLevel.AuthPriv)
        {
            privParams = Usm.NextSalt();
            msgData.WriteOctetString(Usm.AesCfb(keys!.Priv!, envelope.Boots, envelope.Time, privParams, scoped.WrittenSpan, encrypt: true));
        }
        else
        {
            msgData = scoped;
        }

        var macLength = level == SecurityLevel.NoAuthNoPriv ? 0 : Usm.MacLength(user!.Auth);
        var usmContent = new BerWriter();
        usmContent.WriteOctetString(envelope.EngineId);
        usmContent.WriteInteger(envelope.Boots);
        usmContent.WriteInteger(envelope.Time);
        usmContent.WriteOctetString(Encoding.UTF8.GetBytes(envelope.UserName));
        var authInUsm = usmContent.Length + 2;
        usmContent.WriteOctetString(new byte[macLength]);
        usmContent.WriteOctetString(privParams);
        var usm = new BerWriter();
        usm.WriteTlv(BerTag.Sequence, usmContent.WrittenSpan);
        authInUsm += BerWriter.HeaderLength(usmContent.Length);

        var header = new BerWriter();
        header.WriteConstructed(BerTag.Sequence, w =>
        {
            w.WriteInteger(envelope.MessageId);
            w.WriteInteger(envelope.MaxSize);
            var flags = (byte)((level == SecurityLevel.NoAuthNoPriv ? 0 : SnmpFlags.Auth) | (level == SecurityLevel.AuthPriv ? SnmpFlags.Priv : 0)
                | (envelope.Reportable ? SnmpFlags.Reportable : 0));
            w.WriteOctetString([flags]);
            w.WriteInteger(3);
        });

        var content = new BerWriter();
        content.WriteInteger(3);
        content.WriteRaw(header.WrittenSpan);
        var usmAt = content.Length + BerWriter.HeaderLength(usm.Length);
        content.WriteOctetString(usm.WrittenSpan);
        content.WriteRaw(msgData.WrittenSpan);
        var message = new BerWriter();
        message.WriteTlv(BerTag.Sequence, content.WrittenSpan);
        var bytes = message.ToArray();
        if (macLength > 0)
        {
            var at = BerWriter.HeaderLength(content.Length) + usmAt + authInUsm;
            Usm.Mac(user!.Auth, keys!.Auth!, bytes).CopyTo(bytes, at);
        }

        return bytes;
    }

    /// <summary>Decodes a message; throws <see cref="SnmpDecodeException"/> with the reason for any malformed input.</summary>
    public static SnmpMessage Decode(ReadOnlySpan<byte> packet)
    {
        var top = new BerReader(packet);
        var outer = top.ReadSequence("message");
        if (top.HasMore)
        {
            throw new SnmpDecodeException("data after the message");
        }

        var version = outer.ReadInteger("version");
        switch (version)
        {
            case 0 or 1:
            {
                var community = outer.ReadOctetString("community");
                var pdu = Pdu.Read(ref outer);
                if (outer.HasMore)
                {
                    throw new SnmpDecodeException("data after the PDU");
                }

                if (version == 0 && pdu.Type is PduType.GetBulk or PduType.Inform or PduType.TrapV2 or PduType.Report)
                {
                    throw new SnmpDecodeException($"{pdu.Type} is not an SNMPv1 PDU");
                }

                return new SnmpMessage { Version = (SnmpVersion)version, Community = community, Pdu = pdu };
            }

            case 3:
                return DecodeV3(ref outer);
            default:
                throw new SnmpDecodeException("unsupported SNMP version");
        }
    }

    private static SnmpMessage DecodeV3(ref BerReader outer)
    {
        var header = outer.ReadSequence("msgGlobalData");
        var messageId = header.ReadInt32("msgID");
        var maxSize = header.ReadInt32("msgMaxSize");
        var flagBytes = header.Read(BerTag.OctetString, "msgFlags");
        var model = header.ReadInteger("msgSecurityModel");
        if (messageId < 0 || maxSize < 484 || flagBytes.Length != 1)
        {
            throw new SnmpDecodeException("invalid msgGlobalData");
        }

        var flags = flagBytes[0];
        if ((flags & (SnmpFlags.Auth | SnmpFlags.Priv)) == SnmpFlags.Priv)
        {
            throw new SnmpDecodeException("msgFlags: privacy without authentication");
        }

        if (model != 3)
        {
            throw new SnmpDecodeException("unsupported security model");
        }

        var secParams = outer.Read(BerTag.OctetString, "msgSecurityParameters", out var secOffset);
        var usmOuter = new BerReader(secParams, secOffset);
        var usm = usmOuter.ReadSequence("UsmSecurityParameters");
        var engineId = usm.ReadOctetString("msgAuthoritativeEngineID");
        var boots = usm.ReadInt32("msgAuthoritativeEngineBoots");
        var time = usm.ReadInt32("msgAuthoritativeEngineTime");
        var userName = usm.Read(BerTag.OctetString, "msgUserName");
        var authParams = usm.Read(BerTag.OctetString, "msgAuthenticationParameters", out var authOffset).ToArray();
        var privParams = usm.ReadOctetString("msgPrivacyParameters");
        if (engineId.Length > 32 || userName.Length > 32 || boots < 0 || time < 0)
        {
            throw new SnmpDecodeException("invalid USM parameters");
        }

        var parameters = new UsmParameters(engineId, boots, time, Encoding.UTF8.GetString(userName), authParams, privParams);
        byte[]? encrypted = null;
        Pdu? pdu = null;
        byte[] contextEngineId = [], contextName = [];
        if ((flags & SnmpFlags.Priv) != 0)
        {
            encrypted = outer.ReadOctetString("encryptedPDU");
        }
        else
        {
            (contextEngineId, contextName, pdu) = ReadScoped(ref outer);
        }

        if (outer.HasMore)
        {
            throw new SnmpDecodeException("data after msgData");
        }

        return new SnmpMessage
        {
            Version = SnmpVersion.V3,
            MessageId = messageId,
            MaxSize = maxSize,
            Flags = flags,
            Usm = parameters,
            AuthParamsOffset = authOffset,
            Encrypted = encrypted,
            Pdu = pdu,
            ContextEngineId = contextEngineId,
            ContextName = contextName,
        };
    }

    private static (byte[] EngineId, byte[] Name, Pdu Pdu) ReadScoped(ref BerReader reader)
    {
        var scoped = reader.ReadSequence("ScopedPDU");
        var engineId = scoped.ReadOctetString("contextEngineID");
        var name = scoped.ReadOctetString("contextName");
        var pdu = Pdu.Read(ref scoped);
        return (engineId, name, pdu);
    }

    /// <summary>
    /// Checks an SNMPv3 message's MAC and decrypts its PDU with <paramref name="user"/>'s keys for the
    /// message's authoritative engine. Returns the USM failure, or null when the PDU is now readable.
    /// Time-window checks are the caller's (they differ between authoritative and non-authoritative sides).
    /// </summary>
    public static UsmFailure? Unprotect(SnmpMessage message, ReadOnlySpan<byte> packet, UsmUser user)
    {
        var usm = message.Usm ?? throw new ArgumentException("not an SNMPv3 message", nameof(message));
        var level = message.Level;
        if (level > user.Level || (level < user.Level && message.Pdu?.Type is not PduType.Report && message.Encrypted is null))
        {
            return UsmFailure.UnsupportedSecLevel;
        }

        if (level == SecurityLevel.NoAuthNoPriv)
        {
            return null;
        }

        var keys = user.KeysFor(usm.EngineId);
        var macLength = Usm.MacLength(user.Auth);
        if (usm.AuthParams.Length != macLength)
        {
            return UsmFailure.WrongDigest;
        }

        var copy = packet.ToArray();
        Array.Clear(copy, message.AuthParamsOffset, macLength);
        var expected = Usm.Mac(user.Auth, keys.Auth!, copy);
        if (!CryptographicOperations.FixedTimeEquals(expected, usm.AuthParams))
        {
            return UsmFailure.WrongDigest;
        }

        if (level == SecurityLevel.AuthPriv)
        {
            if (usm.PrivParams.Length != 8 || message.Encrypted is null || keys.Priv is null)
            {
                return UsmFailure.DecryptionError;
            }

            var plain = Usm.AesCfb(keys.Priv, usm.Boots, usm.Time, usm.PrivParams, message.Encrypted, encrypt: false);
            try
            {
                var reader = new BerReader(plain);
                var (engineId, name, pdu) = ReadScoped(ref reader);
                message.ContextEngineId = engineId;
                message.ContextName = name;
                message.Pdu = pdu;
            }
            catch (SnmpDecodeException)
            {
                return UsmFailure.DecryptionError;
            }
        }

        return null;
    }
}

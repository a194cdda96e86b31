using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace NetFleet.Snmp;

public enum AuthProtocol
{
    None,
    /// <summary>usmHMACSHAAuthProtocol (RFC 3414): HMAC-SHA-1, 12-byte MAC.</summary>
    HmacSha96,
    /// <summary>usmHMAC192SHA256AuthProtocol (RFC 7860): HMAC-SHA-256, 24-byte MAC.</summary>
    HmacSha256,
}

public enum PrivProtocol
{
    None,
    /// <summary>usmAesCfb128Protocol (RFC 3826).</summary>
    Aes128,
}

public enum SecurityLevel
{
    NoAuthNoPriv,
    AuthNoPriv,
    AuthPriv,
}

/// <summary>
/// A USM user. Passwords are turned into master keys once (RFC 3414 §A.2, the costly 1 MB hash) and
/// localised per engine ID on demand, cached here.
/// </summary>
public sealed class UsmUser
{
    private readonly byte[]? authMaster;
    private readonly byte[]? privMaster;
    private readonly ConcurrentDictionary<string, LocalizedKeys> localized = new(StringComparer.Ordinal);

    public UsmUser(string name, AuthProtocol auth = AuthProtocol.None, string? authPassword = null,
        PrivProtocol priv = PrivProtocol.None, string? privPassword = null)
    {
        Name = name;
        Auth = auth;
        Priv = priv;
        if (priv != PrivProtocol.None && auth == AuthProtocol.None)
        {
            throw new ArgumentException($"user {name}: privacy needs authentication", nameof(priv));
        }

        if (auth != AuthProtocol.None)
        {
            authMaster = Usm.PasswordToKey(auth, Require(authPassword, "authentication"));
        }

        if (priv != PrivProtocol.None)
        {
            privMaster = Usm.PasswordToKey(auth, Require(privPassword, "privacy"));
        }

        string Require(string? password, string what) =>
            password is { Length: >= 8 } ? password : throw new ArgumentException($"user {name}: the {what} password needs at least 8 characters");
    }

    public string Name { get; }
    public AuthProtocol Auth { get; }
    public PrivProtocol Priv { get; }

    public SecurityLevel Level => Priv != PrivProtocol.None ? SecurityLevel.AuthPriv
        : Auth != AuthProtocol.None ? SecurityLevel.AuthNoPriv : SecurityLevel.NoAuthNoPriv;

    internal LocalizedKeys KeysFor(byte[] engineId)
    {
        var key = Convert.ToHexString(engineId);
        return localized.TryGetValue(key, out var keys) ? keys : localized.GetOrAdd(key, _ => new LocalizedKeys(
            authMaster is null ? null : Usm.Localize(Auth, authMaster, engineId),
            privMaster is null ? null : Usm.Localize(Auth, privMaster, engineId)[..16]));
    }

    public override string ToString() => $"{Name} ({Level}, {Auth}, {Priv})";
}

internal sealed record LocalizedKeys(byte[]? Auth, byte[]? Priv);

/// <summary>The USM's reasons for refusing a message, with their usmStats counters' OIDs.</summary>
public enum UsmFailure
{
    UnsupportedSecLevel = 1,
    NotInTimeWindow = 2,
    UnknownUserName = 3,
    UnknownEngineId = 4,
    WrongDigest = 5,
    DecryptionError = 6,
}

/// <summary>User-based Security Model primitives (RFC 3414, 3826, 7860).</summary>
public static class Usm
{
    public static readonly Oid StatsPrefix = Oid.Parse("1.3.6.1.6.3.15.1.1");
    internal const byte FlagAuth = 1;
    internal const byte FlagPriv = 2;
    internal const byte FlagReportable = 4;
    private static long salt = RandomNumberGenerator.GetInt32(int.MaxValue) * (long)RandomNumberGenerator.GetInt32(int.MaxValue);

    public static Oid CounterOid(UsmFailure failure) => StatsPrefix.Append((uint)failure, 0);

    public static UsmFailure? FailureOf(Oid oid) =>
        oid.Length == StatsPrefix.Length + 2 && oid.StartsWith(StatsPrefix) && oid[^1] == 0 && oid[^2] is >= 1 and <= 6
            ? (UsmFailure)oid[^2] : null;

    public static int MacLength(AuthProtocol protocol) => protocol switch
    {
        AuthProtocol.HmacSha96 => 12,
        AuthProtocol.HmacSha256 => 24,
        _ => 0,
    };

    /// <summary>RFC 3414 §A.2: hash one megabyte of the repeated password.</summary>
    public static byte[] PasswordToKey(AuthProtocol protocol, string password)
    {
        var pass = Encoding.UTF8.GetBytes(password);
        using var hash = IncrementalHash.CreateHash(HashOf(protocol));
        var chunk = new byte[64];
        var index = 0;
        for (var count = 0; count < 1_048_576; count += 64)
        {
            for (var i = 0; i < 64; i++)
            {
                chunk[i] = pass[index++ % pass.Length];
            }

            hash.AppendData(chunk);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>RFC 3414 §A.2: Kul = H(Ku || engineID || Ku).</summary>
    public static byte[] Localize(AuthProtocol protocol, byte[] masterKey, byte[] engineId)
    {
        using var hash = IncrementalHash.CreateHash(HashOf(protocol));
        hash.AppendData(masterKey);
        hash.AppendData(engineId);
        hash.AppendData(masterKey);
        return hash.GetHashAndReset();
    }

    internal static byte[] Mac(AuthProtocol protocol, byte[] key, ReadOnlySpan<byte> message)
    {
        var full = protocol == AuthProtocol.HmacSha256 ? HMACSHA256.HashData(key, message) : HMACSHA1.HashData(key, message);
        return full[..MacLength(protocol)];
    }

    internal static byte[] NextSalt()
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, Interlocked.Increment(ref salt));
        return bytes;
    }

    /// <summary>AES-128 in 128-bit CFB mode with IV = boots ‖ time ‖ salt (RFC 3826 §3.1.2.1).</summary>
    internal static byte[] AesCfb(byte[] key, int boots, int time, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> input, bool encrypt)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        Span<byte> feedback = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(feedback, boots);
        BinaryPrimitives.WriteInt32BigEndian(feedback[4..], time);
        salt.CopyTo(feedback[8..]);
        Span<byte> stream = stackalloc byte[16];
        var output = new byte[input.Length];
        for (var offset = 0; offset < input.Length; offset += 16)
        {
            aes.EncryptEcb(feedback, stream, PaddingMode.None);
            var n = Math.Min(16, input.Length - offset);
            for (var i = 0; i < n; i++)
            {
                output[offset + i] = (byte)(input[offset + i] ^ stream[i]);
            }

            if (n == 16)
            {
                (encrypt ? output.AsSpan(offset, 16) : input.Slice(offset, 16)).CopyTo(feedback);
            }
        }

        return output;
    }

    private static HashAlgorithmName HashOf(AuthProtocol protocol) => protocol switch
    {
        AuthProtocol.HmacSha96 => HashAlgorithmName.SHA1,
        AuthProtocol.HmacSha256 => HashAlgorithmName.SHA256,
        _ => throw new ArgumentException("no authentication protocol", nameof(protocol)),
    };
}

using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using Akka.Configuration;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices;

namespace NetFleet.Actors.Wire;

/// <summary>
/// Seals the secrets a message carries to another node (SSH passwords and key passphrases, enable secrets, SNMP
/// communities and v3 keys) with AES-256-GCM under the cluster key (<see cref="WireFormat.ClusterKeyVariable"/>), so they
/// never cross in the clear, with or without remoting TLS. Chosen over refusing clusters without TLS: TLS needs a
/// certificate per node and a CA every node trusts (for the Compose file, every multi-node test and every laptop
/// cluster), where sealing needs one shared random value and costs microseconds per message. TLS still protects the
/// rest of the traffic (commands, configurations, output), which sealing does not.
/// Without a key a secret may cross only inside remoting TLS; on plain TCP serializing it fails, naming the variable.
/// </summary>
public sealed class SecretSeal
{
    /// <summary>Which properties are secrets: (declaring record, property name).</summary>
    public static readonly IReadOnlySet<(Type Type, string Property)> Fields = new HashSet<(Type, string)>
    {
        (typeof(SshCredentials), nameof(SshCredentials.Password)),
        (typeof(SshCredentials), nameof(SshCredentials.PrivateKeyPassphrase)),
        (typeof(DeviceConnectionOptions), nameof(DeviceConnectionOptions.EnableSecret)),
        (typeof(SnmpEndpoint), nameof(SnmpEndpoint.Community)),
        (typeof(SnmpV3Credentials), nameof(SnmpV3Credentials.AuthPassword)),
        (typeof(SnmpV3Credentials), nameof(SnmpV3Credentials.PrivPassword)),
    };

    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>One cipher for the node, used under a lock, not one per value: a new one sets up its key schedule and
    /// native context each time.</summary>
    private readonly AesGcm? aes;
    private readonly bool transportEncrypted;

    private SecretSeal(byte[]? key, bool transportEncrypted)
    {
        aes = key is null ? null : new AesGcm(key, TagBytes);
        this.transportEncrypted = transportEncrypted;
    }

    /// <summary>The key from <see cref="WireFormat.ClusterKeyPath"/>, else from <see cref="WireFormat.ClusterKeyVariable"/>;
    /// whether remoting runs over TLS from Akka's own setting.</summary>
    public static SecretSeal For(Config config, Func<string, string?>? environment = null)
    {
        var text = config.GetString(WireFormat.ClusterKeyPath, null) is { Length: > 0 } configured
            ? configured
            : (environment ?? Environment.GetEnvironmentVariable)(WireFormat.ClusterKeyVariable);
        var tls = config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl", false);
        return new SecretSeal(string.IsNullOrWhiteSpace(text) ? null : ParseKey(text.Trim()), tls);
    }

    /// <summary>A new random key, base64, as <see cref="WireFormat.ClusterKeyVariable"/> takes it.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    private static byte[] ParseKey(string text)
    {
        var bytes = new byte[KeyBytes + 1];
        if (!Convert.TryFromBase64String(text, bytes, out var length) || length != KeyBytes)
        {
            throw new ArgumentException(
                $"{WireFormat.ClusterKeyVariable}: expected {KeyBytes} random bytes in base64 (make one with `openssl rand -base64 {KeyBytes}`)");
        }

        return bytes[..KeyBytes];
    }

    /// <summary>The sealed form of <paramref name="secret"/>; null when it may cross as it is (no key, remoting TLS).
    /// <paramref name="field"/> is bound into the seal, so a sealed value cannot be moved to another field.</summary>
    internal SealedValue? Seal(string secret, string field)
    {
        if (aes is null)
        {
            if (transportEncrypted) return null;
            throw new SerializationException(
                $"{field} is a secret and this node has no cluster key to seal it with over plain TCP: set {WireFormat.ClusterKeyVariable} " +
                $"(`openssl rand -base64 {KeyBytes}`, the same on every node) or turn on remoting TLS");
        }

        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        lock (aes)
        {
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), Encoding.UTF8.GetBytes(field));
        }

        return new SealedValue(Convert.ToBase64String(sealedBytes));
    }

    internal string Open(SealedValue value, string field)
    {
        if (aes is null)
        {
            throw new SerializationException(
                $"{field} arrived sealed and this node has no cluster key: set {WireFormat.ClusterKeyVariable} to the key of the other nodes");
        }

        var sealedBytes = Convert.FromBase64String(value.Sealed);
        if (sealedBytes.Length < NonceBytes + TagBytes) throw new SerializationException($"{field}: the sealed value is cut short");
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            lock (aes)
            {
                aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length),
                    plain, Encoding.UTF8.GetBytes(field));
            }
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SerializationException(
                $"{field} was sealed under another cluster key (or altered): every node needs the same {WireFormat.ClusterKeyVariable}");
        }

        return Encoding.UTF8.GetString(plain);
    }
}

/// <summary>A secret as it crosses nodes: nonce, AES-GCM ciphertext and tag, base64.</summary>
internal sealed record SealedValue(string Sealed);

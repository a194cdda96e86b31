using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NetFleet.Devices.Transport;

/// <summary>What known_hosts says about a presented host key.</summary>
public enum HostKeyStatus
{
    /// <summary>The key is on file for the host.</summary>
    Known,

    /// <summary>The host is not on file at all.</summary>
    Unknown,

    /// <summary>The host is on file with another key (or the key is revoked).</summary>
    Changed,
}

/// <summary>The verdict on a host key, with the fingerprints an error message needs.</summary>
public sealed record HostKeyCheck(HostKeyStatus Status, string HostEntry, string PresentedFingerprint, string? ExpectedFingerprint);

/// <summary>
/// An OpenSSH known_hosts file: plain, <c>[host]:port</c>, wildcard, negated and hashed (<c>|1|</c>)
/// host patterns, <c>@revoked</c> lines. Parsed once per file version and shared by every
/// connection; trust-on-first-use appends under a lock that also holds between processes.
/// </summary>
public static class KnownHosts
{
    private sealed record Entry(string[] Patterns, string KeyType, byte[] Key, bool Revoked);

    private sealed record Parsed(DateTime Written, long Length, Entry[] Entries);

    private static readonly ConcurrentDictionary<string, Parsed> Cache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> AppendLocks = new(StringComparer.Ordinal);

    /// <summary>The name a host has in known_hosts: <c>host</c> on port 22, <c>[host]:port</c> otherwise.</summary>
    public static string HostEntry(string host, int port) =>
        port == 22 ? host.ToLowerInvariant() : $"[{host.ToLowerInvariant()}]:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>OpenSSH's <c>SHA256:…</c> fingerprint of a public key blob.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> keyBlob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');

    public static HostKeyCheck Check(string path, string host, int port, byte[] keyBlob)
    {
        var entry = HostEntry(host, port);
        return Check(Load(path), entry, keyBlob);
    }

    /// <summary>
    /// Records the key of a host that was unknown (trust on first use). Concurrent first connections
    /// to the same host agree on one key: the file is re-read under the lock, and a key that another
    /// connection recorded meanwhile wins (a different key here then comes back as Changed).
    /// </summary>
    public static async Task<HostKeyCheck> TrustAsync(string path, string host, int port, byte[] keyBlob,
        CancellationToken cancellationToken)
    {
        var gate = AppendLocks.GetOrAdd(Path.GetFullPath(path), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Writers take an exclusive lock on a lock file beside known_hosts, not on the file itself:
            // an exclusive lock on known_hosts would make concurrent readers (host key checks of other
            // connections, other processes) fail instead of reading the file as it was.
            await using var guard = await OpenExclusiveAsync(path + ".lock", cancellationToken);
            await using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
            var entries = ParseAll(new StreamReader(file, Encoding.UTF8, leaveOpen: true));
            var check = Check(entries, HostEntry(host, port), keyBlob);
            if (check.Status != HostKeyStatus.Unknown)
            {
                return check;
            }

            file.Seek(0, SeekOrigin.End);
            var needsNewline = file.Length > 0 && LastByte(file) != '\n';
            var line = (needsNewline ? "\n" : "") + $"{check.HostEntry} {KeyType(keyBlob)} {Convert.ToBase64String(keyBlob)}\n";
            await file.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
            file.Flush(flushToDisk: true);
            Cache.TryRemove(path, out _);
            return check with { Status = HostKeyStatus.Known };
        }
        finally
        {
            gate.Release();
        }
    }

    private static HostKeyCheck Check(Entry[] entries, string hostEntry, byte[] keyBlob)
    {
        var presented = Fingerprint(keyBlob);
        var type = KeyType(keyBlob);
        string? expected = null;
        foreach (var e in entries)
        {
            if (!Matches(e.Patterns, hostEntry))
            {
                continue;
            }

            var same = e.Key.AsSpan().SequenceEqual(keyBlob);
            if (e.Revoked)
            {
                if (same)
                {
                    return new HostKeyCheck(HostKeyStatus.Changed, hostEntry, presented, "(revoked) " + presented);
                }

                continue;
            }

            if (same)
            {
                return new HostKeyCheck(HostKeyStatus.Known, hostEntry, presented, presented);
            }

            // A key of the presented type wins as "expected" in the message; any key marks the host as known.
            if (expected is null || e.KeyType == type)
            {
                expected = Fingerprint(e.Key);
            }
        }

        return expected is null
            ? new HostKeyCheck(HostKeyStatus.Unknown, hostEntry, presented, null)
            : new HostKeyCheck(HostKeyStatus.Changed, hostEntry, presented, expected);
    }

    private static Entry[] Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return [];
        }

        if (Cache.TryGetValue(path, out var cached) && cached.Written == info.LastWriteTimeUtc && cached.Length == info.Length)
        {
            return cached.Entries;
        }

        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var entries = ParseAll(reader);
        Cache[path] = new Parsed(info.LastWriteTimeUtc, info.Length, entries);
        return entries;
    }

    private static Entry[] ParseAll(TextReader reader)
    {
        var entries = new List<Entry>();
        while (reader.ReadLine() is { } line)
        {
            if (ParseLine(line) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return [.. entries];
    }

    private static Entry? ParseLine(string line)
    {
        var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields[0].StartsWith('#'))
        {
            return null;
        }

        var revoked = false;
        var i = 0;
        if (fields[0].StartsWith('@'))
        {
            // @cert-authority lines vouch for certificates, which NetFleet does not use.
            if (fields[0] != "@revoked")
            {
                return null;
            }

            revoked = true;
            i = 1;
        }

        if (fields.Length < i + 3)
        {
            return null;
        }

        try
        {
            return new Entry(fields[i].Split(','), fields[i + 1], Convert.FromBase64String(fields[i + 2]), revoked);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool Matches(string[] patterns, string hostEntry)
    {
        var matched = false;
        foreach (var pattern in patterns)
        {
            if (pattern.StartsWith("|1|", StringComparison.Ordinal))
            {
                matched |= HashedMatches(pattern, hostEntry);
            }
            else if (pattern.StartsWith('!'))
            {
                if (Wildcard(pattern.AsSpan(1), hostEntry))
                {
                    return false;
                }
            }
            else
            {
                matched |= Wildcard(pattern, hostEntry);
            }
        }

        return matched;
    }

    /// <summary><c>|1|base64(salt)|base64(HMAC-SHA1(salt, host))</c>, as <c>HashKnownHosts yes</c> writes.</summary>
    private static bool HashedMatches(string pattern, string hostEntry)
    {
        var parts = pattern.Split('|');
        if (parts.Length != 4)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(hostEntry)), hash);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool Wildcard(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        if (pattern.IsEmpty)
        {
            return text.IsEmpty;
        }

        return pattern[0] switch
        {
            '*' => Wildcard(pattern[1..], text) || (!text.IsEmpty && Wildcard(pattern, text[1..])),
            '?' => !text.IsEmpty && Wildcard(pattern[1..], text[1..]),
            _ => !text.IsEmpty && char.ToLowerInvariant(pattern[0]) == char.ToLowerInvariant(text[0]) && Wildcard(pattern[1..], text[1..]),
        };
    }

    /// <summary>The key type named inside the blob (<c>ssh-ed25519</c>), not the signature algorithm negotiated.</summary>
    private static string KeyType(byte[] blob)
    {
        if (blob.Length < 4)
        {
            return "unknown";
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(blob);
        return length > 0 && length <= blob.Length - 4 ? Encoding.ASCII.GetString(blob, 4, length) : "unknown";
    }

    private static async Task<FileStream> OpenExclusiveAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // FileShare.None takes an exclusive flock on Linux, so other NetFleet processes wait their turn too.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 200)
            {
                await Task.Delay(10, cancellationToken);
            }
        }
    }

    private static int LastByte(FileStream file)
    {
        file.Seek(-1, SeekOrigin.End);
        var b = file.ReadByte();
        file.Seek(0, SeekOrigin.End);
        return b;
    }
}

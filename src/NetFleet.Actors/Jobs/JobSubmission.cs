using System.Security.Cryptography;
using System.Text;

namespace NetFleet.Actors.Jobs;

/// <summary>What a job records about its inputs: the playbook's text and SHA-256, the inventory folder's file names with
/// each file's SHA-256, and their combined SHA-256. Not the inventory's text: it may hold literal passwords and SNMP keys
/// (<c>password: s3cret</c> is allowed, and lab inventories carry SNMP passwords), which the journal would keep in clear.</summary>
public static class JobSubmission
{
    public static async Task<Dictionary<string, string>> InventoryFilesAsync(string directory, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(directory)) return files;
        foreach (var path in Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml")).Order(StringComparer.Ordinal))
        {
            files[Path.GetFileName(path)] = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }

        return files;
    }

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The SHA-256 of every file's "name\nlength\ntext\n" in name order, fed piece by piece: a 100,000-host
    /// inventory would otherwise be copied into one string and its bytes once more.</summary>
    public static string Hash(IReadOnlyDictionary<string, string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}\n{text.Length}\n"));
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

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

    public static string Hash(IReadOnlyDictionary<string, string> files) =>
        Hash(string.Concat(files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}\n{f.Value.Length}\n{f.Value}\n")));
}

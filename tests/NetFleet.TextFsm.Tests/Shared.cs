using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NetFleet.TextFsm.Tests;

/// <summary>Where the shared conformance sample lives, and how records are compared.</summary>
internal static class Shared
{
    /// <summary>The repository root: the folder holding NetFleet.sln above the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared/textfsm-conformance beside the clone, as CI lays it out.</summary>
    public static string Conformance => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "textfsm-conformance"));

    public static string TemplatesSource => Path.Combine(RepoRoot, "src", "NetFleet.TextFsm", "Templates");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetFleet.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("NetFleet.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Records as JSON with sorted keys, so dictionaries compare regardless of order.</summary>
    public static string Canonical(IEnumerable<IReadOnlyDictionary<string, object>> records) =>
        Canonical(JsonSerializer.SerializeToNode(records.Select(r => r.ToDictionary(kv => kv.Key, kv => kv.Value))));

    public static string Canonical(JsonNode? node) => Sort(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Sort(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sort).ToArray()),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString()),
    };

    public sealed record OracleCase(string Template, string Output);

    /// <summary>Runs Debian's python3-textfsm (the reference implementation) over many cases at once.</summary>
    public static async Task<JsonArray> RunOracleAsync(IReadOnlyList<OracleCase> cases)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "textfsm_oracle.py")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(cases.Select(c => new { template = c.Template, output = c.Output })));
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "python3-textfsm failed (apt-get install python3-textfsm): " + await stderr);
        return JsonNode.Parse(await stdout)!.AsArray();
    }
}

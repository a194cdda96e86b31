using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using NetFleet.Lab.Hosting;

namespace NetFleet.Lab.Topology;

/// <summary>
/// Checks every router's starting configuration with vtysh's dry run (<c>vtysh -C</c>, which needs
/// no running daemon), so a line FRR would refuse is reported at its place in the topology file
/// before anything starts, rather than as a lab that did not come up.
/// </summary>
public static partial class TopologyConfigCheck
{
    public static async Task<IReadOnlyList<string>> CheckAsync(LabTopology topology, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(RouterRuntime.VtyshProgram))
        {
            return [$"{topology.Source}: FRRouting is not installed (no {RouterRuntime.VtyshProgram}): apt-get install -y frr frr-pythontools"];
        }

        var scratch = Directory.CreateTempSubdirectory("netfleet-frr-check-");
        try
        {
            // Its own (empty) vtysh.conf: the system's may restrict users or not exist.
            await File.WriteAllTextAsync(Path.Combine(scratch.FullName, "vtysh.conf"), "", cancellationToken);
            var errors = new ConcurrentBag<(int Order, string Text)>();
            await Parallel.ForEachAsync(topology.Routers.Select((r, i) => (Router: r, Order: i)),
                new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (entry, ct) =>
                {
                    var file = Path.Combine(scratch.FullName, entry.Router.Name + ".conf");
                    await File.WriteAllTextAsync(file, entry.Router.Config, ct);
                    var (code, output) = await ProcessRunner.RunAsync(RouterRuntime.VtyshProgram,
                        ["--config_dir", scratch.FullName, "-C", "-f", file], cancellationToken: ct);
                    if (code == 0)
                    {
                        return;
                    }

                    var located = LineError().Matches(output).ToList();
                    foreach (var match in located)
                    {
                        var line = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                        var where = entry.Router.ConfigAt?.At(line) ?? entry.Router.Where;
                        errors.Add((entry.Order, $"{where}: router {entry.Router.Name}'s config line {line}: {Clean(match.Groups[2].Value)}"));
                    }

                    if (located.Count == 0)
                    {
                        errors.Add((entry.Order, $"{entry.Router.Where}: router {entry.Router.Name}'s config was refused by vtysh (exit {code}): {output}"));
                    }
                });
            return errors.OrderBy(e => e.Order).ThenBy(e => e.Text, StringComparer.Ordinal).Select(e => e.Text).ToList();
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>"% Unknown command[25]:  foo bar" → "% Unknown command: foo bar" (the bracket is FRR's internal code).</summary>
    private static string Clean(string message) => Spaces().Replace(Code().Replace(message, ""), " ").Trim();

    [GeneratedRegex(@"^line (\d+): (.*)$", RegexOptions.Multiline)]
    private static partial Regex LineError();

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Code();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Spaces();
}

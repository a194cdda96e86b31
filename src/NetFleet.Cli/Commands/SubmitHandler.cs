using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using NetFleet.Api;
using NetFleet.Cli.Output;
using NetFleet.Core.Results;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

internal sealed record SubmitOptions(FileInfo Playbook, DirectoryInfo Inventory, string? Limit, bool Check, int? Forks, FileInfo? KnownHosts,
    bool TrustNewHostKeys, string Output, FileInfo? OutFile, string[] Api, string? Token);

/// <summary><c>netfleet submit PLAYBOOK -i INVENTORY --api URL</c>: run a playbook on a running cluster and follow it
/// with the same progress, recap, results and exit code as <c>run</c>.</summary>
internal sealed class SubmitHandler
{
    private static readonly TimeSpan ReconnectFor = TimeSpan.FromSeconds(60);

    public static Command Command()
    {
        var playbook = new Argument<FileInfo>("playbook") { Description = "The playbook (YAML), sent as its text; files it names (templates) must be readable beside its path on the orchestrator nodes" };
        var inventory = new Option<DirectoryInfo>("--inventory", "-i")
        {
            Description = "Inventory folder (as the orchestrator nodes see it)",
            DefaultValueFactory = _ => new DirectoryInfo("inventory"),
        };
        var limit = new Option<string?>("--limit", "-l") { Description = "Only these hosts (as for run)" };
        var check = new Option<bool>("--check", "-C") { Description = "Change nothing: show what config tasks would change" };
        var forks = new Option<int?>("--forks", "-f") { Description = "At most this many devices at once" };
        var knownHosts = new Option<FileInfo?>("--known-hosts") { Description = "known_hosts file the workers verify device host keys against" };
        var trustNew = new Option<bool>("--trust-new-host-keys") { Description = "Accept and record host keys of devices seen for the first time" };
        var output = RunHandler.ResultsOutputOption();
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the results to this file instead of standard output" };
        var api = ClusterCommands.ApiOption();
        var token = TokenCommands.TokenOption();
        var command = new Command("submit", """
            Submit a playbook to a running cluster (an orchestrator node's HTTP API) and follow the job's
            events until it ends. If the API's node goes away, the next --api is tried; the job itself
            goes on in the cluster either way.
            """)
        {
            playbook, inventory, limit, check, forks, knownHosts, trustNew, output, outFile, api, token,
        };
        command.SetAction((parse, ct) => new SubmitHandler().RunAsync(new SubmitOptions(parse.GetValue(playbook)!, parse.GetValue(inventory)!,
            parse.GetValue(limit), parse.GetValue(check), parse.GetValue(forks), parse.GetValue(knownHosts), parse.GetValue(trustNew),
            parse.GetValue(output)!, parse.GetValue(outFile), parse.GetValue(api)!, parse.GetValue(token)), ct));
        return command;
    }

    public async Task<int> RunAsync(SubmitOptions options, CancellationToken ct)
    {
        var stderr = Consoles.Error();
        var apis = options.Api.Select(u => new Uri(u)).ToList();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        TokenCommands.Authorize(http, options.Token);
        var (accepted, rejected) = await StartJob(http, apis, options, stderr, ct);
        if (rejected) return 2;
        if (accepted is null) return 1;
        stderr.MarkupLine($"[grey]job {accepted.JobId} submitted to the cluster[/]");
        var display = new ProgressDisplay(stderr, Console.Error, live: !Console.IsErrorRedirected && stderr.Profile.Capabilities.Interactive);
        var summary = await display.RunAsync(FollowAsync(http, apis, accepted, display.OnEvent, stderr, ct));
        if (summary is null)
        {
            stderr.WriteLine($"lost the job's events; it goes on in the cluster (job {accepted.JobId})");
            return 1;
        }

        Recap.Write(stderr, summary);
        RunHandler.WriteResults(options.Output, options.OutFile, summary.Results);
        return RunHandler.ExitCode(summary);
    }

    /// <summary>Job assembly for <c>submit</c>: the request from the command line, posted to the first API that answers.
    /// Null when none answered; <c>Rejected</c> when one refused the job (its reason is printed).</summary>
    private static async Task<(SubmitResponse? Accepted, bool Rejected)> StartJob(HttpClient http, IReadOnlyList<Uri> apis, SubmitOptions options,
        IAnsiConsole stderr, CancellationToken ct)
    {
        if (!options.Playbook.Exists)
        {
            stderr.WriteLine($"{options.Playbook.FullName}: no such playbook file");
            return (null, true);
        }

        // The playbook goes as its text, read here once: the orchestrator runs (and journals) what was read, and need not
        // have the file. Files it names (templates) are looked up beside its path on the orchestrator.
        var request = new SubmitRequest(options.Playbook.FullName, options.Inventory.FullName)
        {
            PlaybookText = await File.ReadAllTextAsync(options.Playbook.FullName, ct),
            Limit = options.Limit,
            Check = options.Check,
            Forks = options.Forks,
            User = Environment.UserName,
            KnownHosts = options.KnownHosts?.FullName,
            TrustNewHostKeys = options.TrustNewHostKeys,
        };
        foreach (var url in apis)
        {
            try
            {
                using var response = await http.PostAsJsonAsync(new Uri(url, "/api/jobs"), request, NetFleetApi.Json, ct);
                if (!response.IsSuccessStatusCode)
                {
                    var error = await response.Content.ReadFromJsonAsync<ApiError>(NetFleetApi.Json, ct);
                    stderr.WriteLine(error?.Error ?? response.ReasonPhrase ?? "rejected");
                    return (null, true);
                }

                return (await response.Content.ReadFromJsonAsync<SubmitResponse>(NetFleetApi.Json, ct), false);
            }
            catch (HttpRequestException e)
            {
                stderr.WriteLine($"{url}: {e.Message}");
            }
        }

        return (null, false);
    }

    /// <summary>Reads the job's Server-Sent Events until <see cref="JobFinished"/>, reconnecting (to the next API)
    /// when the stream breaks; events already seen are replayed by the API and skipped here.</summary>
    private static async Task<JobSummary?> FollowAsync(HttpClient http, IReadOnlyList<Uri> apis, SubmitResponse job, Action<JobEvent> onEvent,
        IAnsiConsole stderr, CancellationToken cancellationToken)
    {
        var seen = 0;
        var lostAt = (DateTimeOffset?)null;
        for (var attempt = 0; ; attempt++)
        {
            var url = new Uri(apis[attempt % apis.Count], job.Events);
            try
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                lostAt = null;
                var index = 0;
                string? name = null;
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null
                        && NetFleetApi.EventTypes.TryGetValue(name, out var type))
                    {
                        var e = (JobEvent)JsonSerializer.Deserialize(line[6..], type, NetFleetApi.Json)!;
                        if (++index <= seen) continue;
                        seen = index;
                        onEvent(e);
                        if (e is JobFinished finished) return finished.Summary;
                    }
                }
            }
            catch (HttpRequestException e)
            {
                stderr.WriteLine($"{url.GetLeftPart(UriPartial.Authority)}: {e.Message}");
            }
            catch (IOException e)
            {
                stderr.WriteLine($"{url.GetLeftPart(UriPartial.Authority)}: {e.Message}");
            }

            lostAt ??= DateTimeOffset.UtcNow;
            if (DateTimeOffset.UtcNow - lostAt > ReconnectFor) return null;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }
}

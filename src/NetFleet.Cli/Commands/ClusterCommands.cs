using System.CommandLine;
using System.Net.Http.Json;
using NetFleet.Api;
using NetFleet.Node;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet cluster status</c>: members, roles, status and device shards per node, from an orchestrator's API.</summary>
internal static class ClusterCommands
{
    public const string DefaultApi = "http://127.0.0.1:5080";

    public static Option<string[]> ApiOption() => new("--api")
    {
        Description = $"An orchestrator node's API; repeat for fallbacks (default {DefaultApi})",
        DefaultValueFactory = _ => [DefaultApi],
    };

    public static Command Create() => new("cluster", "The running cluster") { ClusterStatusHandler.Command() };
}

internal sealed record ClusterStatusOptions(IReadOnlyList<string> Api, string Output, string? Token);

/// <summary><c>netfleet cluster status</c>: asks each API given in turn until one answers.</summary>
internal sealed class ClusterStatusHandler
{
    public static Command Command()
    {
        var api = ClusterCommands.ApiOption();
        var output = new Option<string>("--output", "-o") { Description = "table or json", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var token = TokenCommands.TokenOption();
        var status = new Command("status", "Members, roles, status, and the device shards and device actors each node hosts") { api, output, token };
        status.SetAction((parse, cancellationToken) =>
            new ClusterStatusHandler().RunAsync(new ClusterStatusOptions(parse.GetValue(api)!, parse.GetValue(output)!, parse.GetValue(token)), cancellationToken));
        return status;
    }

    public async Task<int> RunAsync(ClusterStatusOptions options, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        TokenCommands.Authorize(http, options.Token);
        foreach (var url in options.Api)
        {
            ClusterStatus? cluster;
            try
            {
                cluster = await http.GetFromJsonAsync<ClusterStatus>(new Uri(new Uri(url), "/api/cluster"), NetFleetApi.Json, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"{url}: {e.Message}");
                continue;
            }

            if (options.Output == "json")
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(cluster, NetFleetApi.Json));
                return 0;
            }

            var table = new Table().AddColumns("node", "status", "roles", "shards", "devices", "");
            foreach (var m in cluster!.Members)
            {
                table.AddRow(Markup.Escape(m.Address), m.Status, Markup.Escape(string.Join(",", m.Roles)), m.Shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    m.Devices.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Orchestrating ? "job manager" : "");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[grey]asked {Markup.Escape(cluster.Self)}; leader {Markup.Escape(cluster.Leader ?? "none")}[/]");
            return 0;
        }

        return 1;
    }
}

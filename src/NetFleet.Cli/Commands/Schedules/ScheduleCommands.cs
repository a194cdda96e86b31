using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using NetFleet.Api;
using Spectre.Console;
using static NetFleet.Actors.Scheduling.ScheduleProtocol;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet schedule add|list|pause|resume|rm</c>: schedules kept by the cluster (through an orchestrator's API),
/// each slot run once as a job even when the node keeping the schedules dies.</summary>
internal static class ScheduleCommands
{
    public static Command Create()
    {
        var command = new Command("schedule", """
            Jobs on a clock, kept by the cluster: each slot of a schedule runs once as a job (id
            s-NAME-YYYYMMDDTHHMMSSZ), also across the failover of the node keeping the schedules.
            """);
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Change("pause", "Stop firing slots until resumed (slots in the pause never run)", n => $"/api/schedules/{n}/pause", HttpMethod.Post));
        command.Subcommands.Add(Change("resume", "Fire slots again, from now on", n => $"/api/schedules/{n}/resume", HttpMethod.Post));
        command.Subcommands.Add(Change("rm", "Remove a schedule (a job it started goes on)", n => $"/api/schedules/{n}", HttpMethod.Delete));
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "The schedule's name: letters, digits, '-' or '_' (up to 40)" };
        var target = new Argument<string>("target")
        {
            Description = $"A playbook file (its text is kept now; files it names must be readable on the orchestrator nodes), or one of: {string.Join(", ", ScheduleTargets.BuiltIns)}",
        };
        var cron = new Option<string>("--cron")
        {
            Description = "When: 5 fields 'minute hour day-of-month month day-of-week' ('0 * * * *' hourly), or 6 with seconds first ('*/20 * * * * *')",
            Required = true,
        };
        var tz = new Option<string>("--tz") { Description = "IANA time zone the cron is read in (Europe/Paris, …); DST handled", DefaultValueFactory = _ => "UTC" };
        var catchUp = new Option<string>("--catch-up") { Description = "Slots missed while no node kept schedules: once (run the latest once) or skip", DefaultValueFactory = _ => CatchUpOnce };
        catchUp.AcceptOnlyFromAmong(CatchUpOnce, CatchUpSkip);
        var overlap = new Option<string>("--overlap") { Description = "A slot whose previous job still runs: skip, or queue (at most one waits)", DefaultValueFactory = _ => OverlapSkip };
        overlap.AcceptOnlyFromAmong(OverlapSkip, OverlapQueue);
        var inventory = new Option<DirectoryInfo>("--inventory", "-i")
        {
            Description = "Inventory folder (as the orchestrator nodes see it)", DefaultValueFactory = _ => new DirectoryInfo("inventory"),
        };
        var limit = new Option<string?>("--limit", "-l") { Description = "Only these hosts (as for run)" };
        var knownHosts = new Option<FileInfo?>("--known-hosts") { Description = "known_hosts file the workers verify device host keys against" };
        var rules = new Option<string>("--rules")
        {
            Description = "For the compliance target: the rules file or folder (as the orchestrator nodes see it)", DefaultValueFactory = _ => "compliance",
        };
        var api = ClusterCommands.ApiOption();
        var token = TokenCommands.TokenOption();
        var command = new Command("add", """
            Add a schedule. Examples:
              netfleet schedule add nightly --cron '0 2 * * *' --tz Europe/Paris playbooks/ntp.yaml -i inventory
              netfleet schedule add probe --cron '*/20 * * * * *' --overlap queue playbooks/check.yaml
              netfleet schedule add hourly-backup --cron '0 * * * *' backup
              netfleet schedule add audit --cron '30 6 * * 1-5' --rules compliance compliance
            """)
        {
            name, target, cron, tz, catchUp, overlap, inventory, limit, knownHosts, rules, api, token,
        };
        command.SetAction(async (parse, ct) =>
        {
            var (label, text, error) = await ScheduleTargets.ResolveAsync(parse.GetValue(target)!, parse.GetValue(rules)!, ct);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync(error);
                return 2;
            }

            var request = new ScheduleRequest(parse.GetValue(name)!, parse.GetValue(cron)!)
            {
                TimeZone = parse.GetValue(tz), Playbook = label, PlaybookText = text, Inventory = parse.GetValue(inventory)!.FullName,
                Limit = parse.GetValue(limit), KnownHosts = parse.GetValue(knownHosts)?.FullName, CatchUp = parse.GetValue(catchUp),
                Overlap = parse.GetValue(overlap),
            };
            return await SendAsync(parse.GetValue(api)!, parse.GetValue(token), HttpMethod.Post, "/api/schedules", request, ct) is { } _
                ? Done($"schedule {request.Name} added") : 2;
        });
        return command;
    }

    private static Command List()
    {
        var output = new Option<string>("--output", "-o") { Description = "table or json", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var removed = new Option<bool>("--removed") { Description = "Also list removed schedules" };
        var api = ClusterCommands.ApiOption();
        var token = TokenCommands.TokenOption();
        var command = new Command("list", "Schedules with their state, next slot, latest slot and its job (or why it was skipped)") { output, removed, api, token };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(removed) ? "/api/schedules?removed=true" : "/api/schedules";
            if (await SendAsync(parse.GetValue(api)!, parse.GetValue(token), HttpMethod.Get, path, null, ct) is not { } body) return 2;
            if (parse.GetValue(output) == "json")
            {
                Console.WriteLine(body);
                return 0;
            }

            var schedules = System.Text.Json.JsonSerializer.Deserialize<List<ScheduleView>>(body, NetFleetApi.Json) ?? [];
            var table = new Table().AddColumns("name", "state", "cron", "tz", "playbook", "next slot", "last slot", "last job", "running");
            foreach (var s in schedules)
            {
                var last = s.Recent.FirstOrDefault();
                table.AddRow(Markup.Escape(s.Name), s.State, Markup.Escape(s.Cron), Markup.Escape(s.TimeZone), Markup.Escape(Path.GetFileName(s.Playbook)),
                    Time(s.NextSlot), Time(last?.Slot), Markup.Escape(last is null ? "" : $"{last.JobId ?? "-"} {last.State}{(last.Detail is null ? "" : ": " + last.Detail)}"),
                    Markup.Escape(s.RunningJobId ?? "") + (s.QueuedSlot is { } q ? $" (queued {Time(q)})" : ""));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Change(string verb, string description, Func<string, string> path, HttpMethod method)
    {
        var name = new Argument<string>("name") { Description = "The schedule's name" };
        var api = ClusterCommands.ApiOption();
        var token = TokenCommands.TokenOption();
        var command = new Command(verb, description) { name, api, token };
        command.SetAction(async (parse, ct) =>
            await SendAsync(parse.GetValue(api)!, parse.GetValue(token), method, path(Uri.EscapeDataString(parse.GetValue(name)!)), null, ct) is not null
                ? Done($"schedule {parse.GetValue(name)}: {verb} done") : 2);
        return command;
    }

    /// <summary>Sends to the first API that answers; the body on success, else null once the API's error was printed.</summary>
    private static async Task<string?> SendAsync(IReadOnlyList<string> apis, string? token, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        TokenCommands.Authorize(http, token);
        foreach (var url in apis)
        {
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(new Uri(url), path));
                if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: NetFleetApi.Json);
                using var response = await http.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.IsSuccessStatusCode) return text;
                var error = text.Length > 0 && text.TrimStart().StartsWith('{') ? System.Text.Json.JsonSerializer.Deserialize<ApiError>(text, NetFleetApi.Json)?.Error : null;
                await Console.Error.WriteLineAsync($"{url}: {error ?? $"{(int)response.StatusCode} {response.ReasonPhrase}"}");
                return null;
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"{url}: {e.Message}");
            }
        }

        return null;
    }

    private static int Done(string message)
    {
        Console.WriteLine(message);
        return 0;
    }

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";
}

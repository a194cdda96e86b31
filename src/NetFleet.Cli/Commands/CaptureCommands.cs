using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using NetFleet.Actors.Capture;
using NetFleet.Api;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet capture start|list|show|stop|fetch</c>: packet captures on the cluster's sensor nodes, through an
/// orchestrator's API.</summary>
internal static class CaptureCommands
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON" };
    private static readonly Option<string?> TokenOption = TokenCommands.TokenOption();

    public static Command Create()
    {
        var capture = new Command("capture", """
            Packet captures on sensor nodes (netfleet node --roles sensor): placed on a sensor by name or by
            tags, on an interface the sensor allows; the pcap files stay on the sensor until fetched.
            """);
        capture.Subcommands.Add(Start());
        capture.Subcommands.Add(List());
        capture.Subcommands.Add(Show());
        capture.Subcommands.Add(Stop());
        capture.Subcommands.Add(Fetch());
        return capture;
    }

    private static Command Start()
    {
        var api = ClusterCommands.ApiOption();
        var sensor = new Option<string?>("--sensor", "-s") { Description = "The sensor's name" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "KEY=VALUE a sensor must carry (repeatable); the least busy matching sensor captures" };
        var iface = new Option<string>("--interface", "-i") { Description = "Interface on the sensor", Required = true };
        var filter = new Option<string?>("--filter", "-f") { Description = "BPF filter (tcpdump syntax)" };
        var duration = new Option<string?>("--duration", "-d") { Description = "Stop after this long (10s, 5m)" };
        var count = new Option<long?>("--count", "-c") { Description = "Stop after this many packets" };
        var maxBytes = new Option<string?>("--max-bytes") { Description = "Stop before this many bytes (10MB)" };
        var command = new Command("start", "Start a capture on a sensor; prints its id") { sensor, tags, iface, filter, duration, count, maxBytes, api, JsonOption, TokenOption };
        command.SetAction(async (parse, ct) =>
        {
            RequestCapture request;
            try
            {
                request = new RequestCapture(parse.GetValue(sensor), parse.GetValue(tags) ?? [], parse.GetValue(iface)!)
                {
                    Filter = parse.GetValue(filter),
                    DurationSeconds = parse.GetValue(duration) is { } d ? PcapCommands.ParseDuration(d, "--duration").TotalSeconds : null,
                    MaxPackets = parse.GetValue(count),
                    MaxBytes = parse.GetValue(maxBytes) is { } b ? PcapCommands.ParseSize(b, "--max-bytes") : null,
                };
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }

            return await OnAnyAsync(parse.GetValue(api)!, parse.GetValue(TokenOption), async (http, url) =>
            {
                using var response = await http.PostAsJsonAsync(new Uri(url, "/api/captures"), request, CaptureEndpoints.Json, ct);
                if (!response.IsSuccessStatusCode) return await ErrorAsync(response, ct);
                var view = (await response.Content.ReadFromJsonAsync<CaptureView>(CaptureEndpoints.Json, ct))!;
                Console.WriteLine(parse.GetValue(JsonOption) ? JsonSerializer.Serialize(view, CaptureEndpoints.Json) : view.Id);
                await Console.Error.WriteLineAsync($"capture {view.Id} running on sensor {view.Sensor} ({view.Interface})");
                return 0;
            });
        });
        return command;
    }

    private static Command List()
    {
        var api = ClusterCommands.ApiOption();
        var command = new Command("list", "Captures asked for through this API node, with their status") { api, JsonOption, TokenOption };
        command.SetAction(async (parse, ct) => await OnAnyAsync(parse.GetValue(api)!, parse.GetValue(TokenOption), async (http, url) =>
        {
            var views = (await http.GetFromJsonAsync<List<CaptureView>>(new Uri(url, "/api/captures"), CaptureEndpoints.Json, ct))!;
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(views, CaptureEndpoints.Json));
                return 0;
            }

            Console.WriteLine($"{"ID",-17} {"SENSOR",-14} {"IF",-6} {"STATUS",-9} {"PACKETS",9}  FILTER / ERROR");
            foreach (var v in views)
            {
                var packets = v.Result?.Summary.Packets ?? v.Progress?.Total.Packets ?? 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{v.Id,-17} {v.Sensor,-14} {v.Interface,-6} {v.Status,-9} {packets,9}  {v.Error ?? v.Filter}"));
            }

            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var api = ClusterCommands.ApiOption();
        var id = new Argument<string>("id");
        var command = new Command("show", "A capture's status, summary, drops and files") { id, api, JsonOption, TokenOption };
        command.SetAction(async (parse, ct) => await OnAnyAsync(parse.GetValue(api)!, parse.GetValue(TokenOption), async (http, url) =>
        {
            using var response = await http.GetAsync(new Uri(url, $"/api/captures/{Uri.EscapeDataString(parse.GetValue(id)!)}"), ct);
            if (!response.IsSuccessStatusCode) return await ErrorAsync(response, ct);
            var v = (await response.Content.ReadFromJsonAsync<CaptureView>(CaptureEndpoints.Json, ct))!;
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(v, CaptureEndpoints.Json));
                return 0;
            }

            Console.WriteLine($"Capture     {v.Id} on sensor {v.Sensor} ({v.SensorAddress}), interface {v.Interface}, filter {v.Filter ?? "none"}");
            Console.WriteLine($"Status      {v.Status}{(v.Error is null ? "" : ": " + v.Error)}");
            var summary = v.Result?.Summary ?? v.Progress?.Total;
            var drops = v.Result?.Drops ?? v.Progress?.Drops;
            if (summary is not null) Console.WriteLine(PcapCommands.FormatSummary(summary));
            if (drops is not null)
            {
                Console.WriteLine($"Drops       kernel {drops.KernelDropped}, interface {drops.InterfaceDropped}, queue {drops.QueueDropped}");
            }

            if (v.FileNames.Count > 0) Console.WriteLine($"Files       {string.Join(", ", v.FileNames)} (on the sensor; netfleet capture fetch {v.Id})");
            return v.Status == CaptureStatus.Failed ? 1 : 0;
        }));
        return command;
    }

    private static Command Stop()
    {
        var api = ClusterCommands.ApiOption();
        var id = new Argument<string>("id");
        var command = new Command("stop", "Stop a running capture") { id, api, TokenOption };
        command.SetAction(async (parse, ct) => await OnAnyAsync(parse.GetValue(api)!, parse.GetValue(TokenOption), async (http, url) =>
        {
            using var response = await http.PostAsync(new Uri(url, $"/api/captures/{Uri.EscapeDataString(parse.GetValue(id)!)}/stop"), null, ct);
            return response.IsSuccessStatusCode ? 0 : await ErrorAsync(response, ct);
        }));
        return command;
    }

    private static Command Fetch()
    {
        var api = ClusterCommands.ApiOption();
        var id = new Argument<string>("id");
        var file = new Option<string?>("--file") { Description = "Only this file (default: every file of the capture)" };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder to write to", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var command = new Command("fetch", "Bring a capture's pcap files back from its sensor") { id, file, output, api, TokenOption };
        command.SetAction(async (parse, ct) => await OnAnyAsync(parse.GetValue(api)!, parse.GetValue(TokenOption), async (http, url) =>
        {
            var captureId = Uri.EscapeDataString(parse.GetValue(id)!);
            using var response = await http.GetAsync(new Uri(url, $"/api/captures/{captureId}"), ct);
            if (!response.IsSuccessStatusCode) return await ErrorAsync(response, ct);
            var v = (await response.Content.ReadFromJsonAsync<CaptureView>(CaptureEndpoints.Json, ct))!;
            var names = parse.GetValue(file) is { } one ? [one] : v.FileNames;
            if (names.Count == 0)
            {
                await Console.Error.WriteLineAsync($"capture {v.Id} has no files yet (status {v.Status})");
                return 1;
            }

            var folder = parse.GetValue(output)!;
            folder.Create();
            foreach (var name in names)
            {
                using var body = await http.GetAsync(new Uri(url, $"/api/captures/{captureId}/files/{Uri.EscapeDataString(name)}"),
                    HttpCompletionOption.ResponseHeadersRead, ct);
                if (!body.IsSuccessStatusCode) return await ErrorAsync(body, ct);
                var path = Path.Combine(folder.FullName, Path.GetFileName(name));
                await using (var target = File.Create(path))
                {
                    await body.Content.CopyToAsync(target, ct);
                }

                Console.WriteLine(path);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Runs the call on the first API that answers; an API error is printed and is the exit code.</summary>
    private static async Task<int> OnAnyAsync(string[] apis, string? token, Func<HttpClient, Uri, Task<int>> call)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        TokenCommands.Authorize(http, token);
        foreach (var api in apis)
        {
            try
            {
                return await call(http, new Uri(api));
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"{api}: {e.Message}");
            }
        }

        return 1;
    }

    private static async Task<int> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            text = JsonSerializer.Deserialize<ApiError>(text, NetFleetApi.Json)?.Error ?? text;
        }
        catch (JsonException)
        {
        }

        await Console.Error.WriteLineAsync($"netfleet capture: {text}");
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? 3 : 2;
    }
}

using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using NetFleet.Actors.Capture;
using NetFleet.Api;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Cli.Commands;

internal sealed record CaptureStartOptions(string? Sensor, string[] Tags, string Interface, string? Filter, string? Duration, long? Count,
    string? MaxBytes, string[] Api, bool Json, string? Token);

/// <summary><c>netfleet capture start</c>: starts a capture on a sensor and prints its id.</summary>
internal sealed class CaptureStartHandler
{
    public static Command Command()
    {
        var api = ClusterCommands.ApiOption();
        var sensor = new Option<string?>("--sensor", "-s") { Description = "The sensor's name" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "KEY=VALUE a sensor must carry (repeatable); the least busy matching sensor captures" };
        var iface = new Option<string>("--interface", "-i") { Description = "Interface on the sensor; NETNS/INTERFACE for one inside a network namespace (nf-r1/eth1)", Required = true };
        var filter = new Option<string?>("--filter", "-f") { Description = "BPF filter (tcpdump syntax)" };
        var duration = new Option<string?>("--duration", "-d") { Description = "Stop after this long (10s, 5m)" };
        var count = new Option<long?>("--count", "-c") { Description = "Stop after this many packets" };
        var maxBytes = new Option<string?>("--max-bytes") { Description = "Stop before this many bytes (10MB)" };
        var json = CaptureCommands.JsonOption();
        var token = TokenCommands.TokenOption();
        var command = new Command("start", "Start a capture on a sensor; prints its id") { sensor, tags, iface, filter, duration, count, maxBytes, api, json, token };
        command.SetAction((parse, ct) => new CaptureStartHandler().RunAsync(new CaptureStartOptions(parse.GetValue(sensor), parse.GetValue(tags) ?? [],
            parse.GetValue(iface)!, parse.GetValue(filter), parse.GetValue(duration), parse.GetValue(count), parse.GetValue(maxBytes),
            parse.GetValue(api)!, parse.GetValue(json), parse.GetValue(token)), ct));
        return command;
    }

    public async Task<int> RunAsync(CaptureStartOptions options, CancellationToken ct)
    {
        RequestCapture request;
        try
        {
            request = new RequestCapture(options.Sensor, options.Tags, options.Interface)
            {
                Filter = options.Filter,
                DurationSeconds = options.Duration is { } d ? Units.ParseDuration(d, "--duration").TotalSeconds : null,
                MaxPackets = options.Count,
                MaxBytes = options.MaxBytes is { } b ? Units.ParseSize(b, "--max-bytes") : null,
            };
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        return await CaptureCommands.OnAnyAsync(options.Api, options.Token, async (http, url) =>
        {
            using var response = await http.PostAsJsonAsync(new Uri(url, "/api/captures"), request, CaptureEndpoints.Json, ct);
            if (!response.IsSuccessStatusCode) return await CaptureCommands.ErrorAsync(response, ct);
            var view = (await response.Content.ReadFromJsonAsync<CaptureView>(CaptureEndpoints.Json, ct))!;
            Console.WriteLine(options.Json ? JsonSerializer.Serialize(view, CaptureEndpoints.Json) : view.Id);
            await Console.Error.WriteLineAsync($"capture {view.Id} running on sensor {view.Sensor} ({view.Interface})");
            return 0;
        });
    }
}

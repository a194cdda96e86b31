using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using NetFleet.Actors.Capture;
using NetFleet.Api;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Cli.Commands;

internal sealed record CaptureShowOptions(string Id, string[] Api, bool Json, string? Token);

/// <summary><c>netfleet capture show ID</c>: one capture's status, summary, drops and files.</summary>
internal sealed class CaptureShowHandler
{
    public static Command Command()
    {
        var api = ClusterCommands.ApiOption();
        var id = new Argument<string>("id");
        var json = CaptureCommands.JsonOption();
        var token = TokenCommands.TokenOption();
        var command = new Command("show", "A capture's status, summary, drops and files") { id, api, json, token };
        command.SetAction((parse, ct) =>
            new CaptureShowHandler().RunAsync(new CaptureShowOptions(parse.GetValue(id)!, parse.GetValue(api)!, parse.GetValue(json), parse.GetValue(token)), ct));
        return command;
    }

    public Task<int> RunAsync(CaptureShowOptions options, CancellationToken ct) => CaptureCommands.OnAnyAsync(options.Api, options.Token, async (http, url) =>
    {
        using var response = await http.GetAsync(new Uri(url, $"/api/captures/{Uri.EscapeDataString(options.Id)}"), ct);
        if (!response.IsSuccessStatusCode) return await CaptureCommands.ErrorAsync(response, ct);
        var v = (await response.Content.ReadFromJsonAsync<CaptureView>(CaptureEndpoints.Json, ct))!;
        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(v, CaptureEndpoints.Json));
            return 0;
        }

        Console.WriteLine($"Capture     {v.Id} on sensor {v.Sensor} ({v.SensorAddress}), interface {v.Interface}, filter {v.Filter ?? "none"}");
        Console.WriteLine($"Status      {v.Status}{(v.Error is null ? "" : ": " + v.Error)}");
        var summary = v.Result?.Summary ?? v.Progress?.Total;
        var drops = v.Result?.Drops ?? v.Progress?.Drops;
        if (summary is not null) Console.WriteLine(PcapFormat.Summary(summary));
        if (drops is not null)
        {
            Console.WriteLine($"Drops       kernel {drops.KernelDropped}, interface {drops.InterfaceDropped}, queue {drops.QueueDropped}");
        }

        if (v.FileNames.Count > 0) Console.WriteLine($"Files       {string.Join(", ", v.FileNames)} (on the sensor; netfleet capture fetch {v.Id})");
        return v.Status == CaptureStatus.Failed ? 1 : 0;
    });
}

using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using NetFleet.Actors.Capture;
using NetFleet.Api;
using NetFleet.Cli.Output;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Cli.Commands;

internal sealed record CaptureListOptions(string[] Api, bool Json, string Output, string? Token);

/// <summary><c>netfleet capture list</c>: the captures asked for through an API node.</summary>
internal sealed class CaptureListHandler
{
    public static Command Command()
    {
        var api = ClusterCommands.ApiOption();
        var json = CaptureCommands.JsonOption();
        var output = new Option<string>("--output", "-o")
        {
            Description = "table (short columns) or wide (adds when requested, the sensor's address and the files); --json for every field",
            DefaultValueFactory = _ => "table",
        };
        output.AcceptOnlyFromAmong("table", "wide");
        var token = TokenCommands.TokenOption();
        var command = new Command("list", "Captures asked for through this API node, with their status") { api, json, output, token };
        command.SetAction((parse, ct) =>
            new CaptureListHandler().RunAsync(new CaptureListOptions(parse.GetValue(api)!, parse.GetValue(json), parse.GetValue(output)!, parse.GetValue(token)), ct));
        return command;
    }

    public Task<int> RunAsync(CaptureListOptions options, CancellationToken ct) => CaptureCommands.OnAnyAsync(options.Api, options.Token, async (http, url) =>
    {
        var views = (await http.GetFromJsonAsync<List<CaptureView>>(new Uri(url, "/api/captures"), CaptureEndpoints.Json, ct))!;
        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(views, CaptureEndpoints.Json));
            return 0;
        }

        Table(views, wide: options.Output == "wide").WriteToOutput();
        return 0;
    });

    internal static TextTable Table(IEnumerable<CaptureView> views, bool wide)
    {
        var table = wide
            ? new TextTable(new("id"), new("sensor"), new("address"), new("interface"), new("status"), new("requested"), new("packets", AlignRight: true),
                new("filter / error", Wraps: true), new("files"))
            : new TextTable(new("id"), new("sensor"), new("interface"), new("status"), new("packets", AlignRight: true), new("filter / error", Wraps: true));
        foreach (var v in views)
        {
            var packets = Cells.Number(v.Result?.Summary.Packets ?? v.Progress?.Total.Packets ?? 0);
            table.Add(wide
                ? [v.Id, v.Sensor, v.SensorAddress, v.Interface, v.Status, Cells.Time(v.Requested), packets, v.Error ?? v.Filter, string.Join(' ', v.FileNames)]
                : [v.Id, v.Sensor, v.Interface, v.Status, packets, v.Error ?? v.Filter]);
        }

        return table;
    }
}

using System.CommandLine;

namespace NetFleet.Cli.Commands;

internal sealed record CaptureStopOptions(string Id, string[] Api, string? Token);

/// <summary><c>netfleet capture stop ID</c>: stops a running capture.</summary>
internal sealed class CaptureStopHandler
{
    public static Command Command()
    {
        var api = ClusterCommands.ApiOption();
        var id = new Argument<string>("id");
        var token = TokenCommands.TokenOption();
        var command = new Command("stop", "Stop a running capture") { id, api, token };
        command.SetAction((parse, ct) =>
            new CaptureStopHandler().RunAsync(new CaptureStopOptions(parse.GetValue(id)!, parse.GetValue(api)!, parse.GetValue(token)), ct));
        return command;
    }

    public Task<int> RunAsync(CaptureStopOptions options, CancellationToken ct) => CaptureCommands.OnAnyAsync(options.Api, options.Token, async (http, url) =>
    {
        using var response = await http.PostAsync(new Uri(url, $"/api/captures/{Uri.EscapeDataString(options.Id)}/stop"), null, ct);
        return response.IsSuccessStatusCode ? 0 : await CaptureCommands.ErrorAsync(response, ct);
    });
}

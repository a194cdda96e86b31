using System.CommandLine;
using System.Text.Json;
using NetFleet.Api;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet capture start|list|show|stop|fetch</c>: packet captures on the cluster's sensor nodes, through an
/// orchestrator's API. Each subcommand is its own handler; they share the way they call the API.</summary>
internal static class CaptureCommands
{
    public static Command Create()
    {
        var capture = new Command("capture", """
            Packet captures on sensor nodes (netfleet node --roles sensor): placed on a sensor by name or by
            tags, on an interface the sensor allows; the pcap files stay on the sensor until fetched.
            """);
        capture.Subcommands.Add(CaptureStartHandler.Command());
        capture.Subcommands.Add(CaptureListHandler.Command());
        capture.Subcommands.Add(CaptureShowHandler.Command());
        capture.Subcommands.Add(CaptureStopHandler.Command());
        capture.Subcommands.Add(CaptureFetchHandler.Command());
        return capture;
    }

    public static Option<bool> JsonOption() => new("--json") { Description = "Print JSON" };

    /// <summary>Runs the call on the first API that answers; an API error is printed and is the exit code.</summary>
    public static async Task<int> OnAnyAsync(string[] apis, string? token, Func<HttpClient, Uri, Task<int>> call)
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

    public static async Task<int> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
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

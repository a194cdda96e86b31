using System.CommandLine;
using System.Net.Http.Json;
using NetFleet.Actors.Capture;
using NetFleet.Api;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Cli.Commands;

internal sealed record CaptureFetchOptions(string Id, string? File, DirectoryInfo Output, string[] Api, string? Token);

/// <summary><c>netfleet capture fetch ID</c>: brings a capture's pcap files back from its sensor.</summary>
internal sealed class CaptureFetchHandler
{
    public static Command Command()
    {
        var api = ClusterCommands.ApiOption();
        var id = new Argument<string>("id");
        var file = new Option<string?>("--file") { Description = "Only this file (default: every file of the capture)" };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder to write to", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var token = TokenCommands.TokenOption();
        var command = new Command("fetch", "Bring a capture's pcap files back from its sensor") { id, file, output, api, token };
        command.SetAction((parse, ct) => new CaptureFetchHandler().RunAsync(new CaptureFetchOptions(parse.GetValue(id)!, parse.GetValue(file),
            parse.GetValue(output)!, parse.GetValue(api)!, parse.GetValue(token)), ct));
        return command;
    }

    public Task<int> RunAsync(CaptureFetchOptions options, CancellationToken ct) => CaptureCommands.OnAnyAsync(options.Api, options.Token, async (http, url) =>
    {
        var captureId = Uri.EscapeDataString(options.Id);
        using var response = await http.GetAsync(new Uri(url, $"/api/captures/{captureId}"), ct);
        if (!response.IsSuccessStatusCode) return await CaptureCommands.ErrorAsync(response, ct);
        var v = (await response.Content.ReadFromJsonAsync<CaptureView>(CaptureEndpoints.Json, ct))!;
        var names = options.File is { } one ? [one] : v.FileNames;
        if (names.Count == 0)
        {
            await Console.Error.WriteLineAsync($"capture {v.Id} has no files yet (status {v.Status})");
            return 1;
        }

        var folder = options.Output;
        folder.Create();
        foreach (var name in names)
        {
            using var body = await http.GetAsync(new Uri(url, $"/api/captures/{captureId}/files/{Uri.EscapeDataString(name)}"),
                HttpCompletionOption.ResponseHeadersRead, ct);
            if (!body.IsSuccessStatusCode) return await CaptureCommands.ErrorAsync(body, ct);
            var path = Path.Combine(folder.FullName, Path.GetFileName(name));
            await using (var target = File.Create(path))
            {
                await body.Content.CopyToAsync(target, ct);
            }

            Console.WriteLine(path);
        }

        return 0;
    });
}

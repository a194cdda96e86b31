using System.CommandLine;
using System.Text.Json;
using NetFleet.Capture;

namespace NetFleet.Cli.Commands;

internal sealed record PcapSummarizeOptions(FileInfo File, bool Json, int Top);

/// <summary><c>netfleet pcap summarize FILE</c>: the summary of a pcap file, as a live capture would give it.</summary>
internal sealed class PcapSummarizeHandler
{
    public static Command Command()
    {
        var file = new Argument<FileInfo>("file") { Description = "A pcap file (tcpdump -w, netfleet pcap capture --write)" };
        var json = PcapCommands.JsonOption();
        var top = PcapCommands.TopOption();
        var command = new Command("summarize", "Summarise an existing pcap file, as a live capture would") { file, json, top };
        command.SetAction((parse, ct) =>
            new PcapSummarizeHandler().RunAsync(new PcapSummarizeOptions(parse.GetValue(file)!, parse.GetValue(json), parse.GetValue(top)), ct));
        return command;
    }

    public async Task<int> RunAsync(PcapSummarizeOptions options, CancellationToken ct)
    {
        TrafficSummary summary;
        try
        {
            summary = await PcapFileSummariser.SummariseAsync(options.File.FullName, Math.Max(0, options.Top), ct);
        }
        catch (CaptureException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        Console.WriteLine(options.Json ? JsonSerializer.Serialize(summary, PcapFormat.Json) : PcapFormat.Summary(summary));
        return 0;
    }
}

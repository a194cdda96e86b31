using System.Text.Json;
using NetFleet.Api;
using NetFleet.Cli.Output;
using NetFleet.Core.Results;
using Spectre.Console;

namespace NetFleet.Cli.Tests.Output;

public sealed class CaptureProgressOutputTests
{
    [Fact]
    public void A_capture_progress_event_crosses_the_event_stream_and_prints_as_one_plain_line()
    {
        var sent = new CaptureProgressReported("job-1", DateTimeOffset.UnixEpoch, 0, null, "cap-1", "lon-1", "lo", 12.4, 1204, 96_300, 98.2,
            64_200, 1200, 4, 0, 12, 1, 0, "10.0.0.5");

        // As the API writes it and `netfleet submit` reads it back.
        var name = NetFleetApi.EventName(sent);
        var received = (JobEvent)JsonSerializer.Deserialize(JsonSerializer.Serialize(sent, sent.GetType(), NetFleetApi.Json),
            NetFleetApi.EventTypes[name], NetFleetApi.Json)!;
        var plain = new StringWriter();
        new ProgressDisplay(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }), plain, live: false)
            .OnEvent(received);

        Assert.Equal("capture-progress", name);
        Assert.Equal("CAPTURE cap-1 on lon-1 lo 12 s: 1,204 packets 96.3 KB, 98 pkt/s 64.2 kbit/s; tcp 1,200 udp 4 icmp 0; syn 12 rst 1; "
            + "drops 0; top 10.0.0.5" + Environment.NewLine, plain.ToString());
    }
}

using System.Text.Json;
using NetFleet.Api;
using NetFleet.Cli.Output;
using NetFleet.Core.Results;
using Spectre.Console;

namespace NetFleet.Cli.Tests.Output;

public sealed class ApprovalProgressOutputTests
{
    private static JobEvent RoundTrip(JobEvent sent, string expectedName)
    {
        // As the API writes it on the event stream and `netfleet submit` reads it back.
        var name = NetFleetApi.EventName(sent);
        Assert.Equal(expectedName, name);
        return (JobEvent)JsonSerializer.Deserialize(JsonSerializer.Serialize(sent, sent.GetType(), NetFleetApi.Json),
            NetFleetApi.EventTypes[name], NetFleetApi.Json)!;
    }

    private static IAnsiConsole Quiet() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });

    [Fact]
    public void A_batch_waiting_for_approval_prints_how_to_approve_it_and_who_approved_it()
    {
        var plain = new StringWriter();
        var display = new ProgressDisplay(Quiet(), plain, live: false);

        display.OnEvent(RoundTrip(new ApprovalRequested("job-7", DateTimeOffset.UnixEpoch, 0, 1, 3, ["lon-2"]), "approval-requested"));
        display.OnEvent(RoundTrip(new ApprovalGranted("job-7", DateTimeOffset.UnixEpoch, 0, 1, "alice"), "approval-granted"));

        Assert.Equal("WAITING for approval of batch 2: netfleet jobs approve job-7" + Environment.NewLine
            + "APPROVED batch 2 by alice" + Environment.NewLine, plain.ToString());
    }

    [Fact]
    public void The_live_panel_shows_the_wait_until_the_batch_is_approved()
    {
        var progress = new JobProgress();
        progress.Apply(new ApprovalRequested("job-7", DateTimeOffset.UnixEpoch, 0, 1, 3, ["lon-2"]));
        var waiting = Rendered(progress);
        progress.Apply(new ApprovalGranted("job-7", DateTimeOffset.UnixEpoch, 0, 1, "alice"));

        Assert.Contains("WAITING for approval of batch 2: netfleet jobs approve job-7", waiting);
        Assert.DoesNotContain("WAITING", Rendered(progress));
    }

    private static string Rendered(JobProgress progress)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 200;
        console.Write(ProgressDisplay.Render(progress.Read()));
        return text.ToString();
    }
}

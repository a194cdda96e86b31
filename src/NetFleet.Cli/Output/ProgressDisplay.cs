using System.Globalization;
using NetFleet.Core.Results;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetFleet.Cli.Output;

/// <summary>
/// Shows a running job: on a terminal a live panel (overall bar, batch, counts, failures as they
/// happen, ETA); otherwise one plain line per event, for logs and CI.
/// </summary>
internal sealed class ProgressDisplay(IAnsiConsole console, TextWriter plain, bool live)
{
    private const int FailuresShown = 8;
    private readonly JobProgress progress = new();

    public void OnEvent(JobEvent e)
    {
        progress.Apply(e);
        if (!live)
        {
            WritePlain(e);
        }
    }

    /// <summary>Runs the live panel until <paramref name="job"/> completes.</summary>
    public async Task<T> RunAsync<T>(Task<T> job)
    {
        if (!live)
        {
            return await job;
        }

        await console.Live(Render(progress.Read())).AutoClear(true).StartAsync(async context =>
        {
            while (!job.IsCompleted)
            {
                context.UpdateTarget(Render(progress.Read()));
                await Task.WhenAny(job, Task.Delay(100));
            }
        });
        return await job;
    }

    internal static IRenderable Render(JobProgress.Snapshot s)
    {
        var fraction = s.Expected == 0 ? 0 : (double)s.Finished / s.Expected;
        const int Width = 40;
        var filled = (int)Math.Round(fraction * Width);
        var eta = s.Eta is { } e ? $"ETA {e:mm\\:ss}" : "";
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]{Markup.Escape(s.Play)}[/]  [grey]{Markup.Escape(s.Batch)}[/]"),
            new Markup($"[green]{new string('█', filled)}[/][grey]{new string('░', Width - filled)}[/] "
                + $"{s.Finished}/{s.Expected} tasks  {fraction.ToString("P0", CultureInfo.InvariantCulture)}  "
                + $"{s.Elapsed:mm\\:ss}  {eta}"),
            new Markup($"[green]ok {s.Count(TaskOutcome.Ok)}[/]  [yellow]changed {s.Count(TaskOutcome.Changed)}[/]  "
                + $"[red]failed {s.Count(TaskOutcome.Failed)}[/]  [red]unreachable {s.Count(TaskOutcome.Unreachable)}[/]  "
                + $"[grey]skipped {s.Count(TaskOutcome.Skipped)}[/]"),
        };
        if (s.WaitingForApproval is { } waiting)
        {
            rows.Add(new Markup($"[yellow bold]{Markup.Escape(WaitingLine(waiting))}[/]"));
        }

        foreach (var c in s.Captures)
        {
            rows.Add(new Markup($"[blue]capture[/] {Markup.Escape(CaptureLine(c))}"));
        }

        foreach (var f in s.Failures.TakeLast(FailuresShown))
        {
            rows.Add(new Markup($"[red]{f.Outcome.ToString().ToLowerInvariant()}: [[{Markup.Escape(f.Device)}]][/] "
                + $"{Markup.Escape(f.Task)}: {Markup.Escape(FirstLine(f.Message ?? f.Output))}"));
        }

        if (s.Failures.Count > FailuresShown)
        {
            rows.Add(new Markup($"[grey]… and {s.Failures.Count - FailuresShown} earlier failure(s)[/]"));
        }

        return new Rows(rows);
    }

    private void WritePlain(JobEvent e)
    {
        var line = e switch
        {
            JobStarted s => $"JOB {s.JobId}: {s.Playbook} on {s.Devices.Count} device(s)",
            PlayStarted p => $"PLAY [{p.Name}] {p.Devices.Count} device(s)",
            BatchStarted b => $"BATCH {b.BatchIndex + 1}/{b.BatchCount}: {string.Join(", ", b.Devices)}",
            TaskFinished { Result: var r } => $"{r.Outcome.ToString().ToLowerInvariant()}: [{r.Device}] {r.Task}"
                + (r.Item is null ? "" : $" (item={r.Item})")
                + $" ({r.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s)"
                + (r.Message is null || r.Outcome is TaskOutcome.Ok or TaskOutcome.Changed ? "" : $": {FirstLine(r.Message)}"),
            CaptureProgressReported c => $"CAPTURE {CaptureLine(c)}",
            ApprovalRequested a => WaitingLine(a),
            ApprovalGranted g => $"APPROVED batch {g.BatchIndex + 1} by {g.User}",
            _ => null,
        };
        if (line is not null)
        {
            // Plain lines go straight to the writer: a log reader wants them unwrapped.
            plain.WriteLine(line);
        }
    }

    internal static string WaitingLine(ApprovalRequested a) =>
        $"WAITING for approval of batch {a.BatchIndex + 1}: netfleet jobs approve {a.JobId}";

    /// <summary>A capture's totals and current rates on one line, e.g.
    /// <c>cap-1 on lon-1 lo 12 s: 1,204 packets 96.3 KB, 98 pkt/s 64.2 kbit/s; tcp 1,200 udp 4 icmp 0; syn 12 rst 0; drops 0; top 10.0.0.5</c>.</summary>
    internal static string CaptureLine(CaptureProgressReported c)
    {
        var i = CultureInfo.InvariantCulture;
        return string.Create(i, $"{c.CaptureId} on {c.Sensor} {c.Interface} {c.ElapsedSeconds:0} s: {c.Packets:N0} packets {Size(c.Bytes)}, "
            + $"{c.PacketsPerSecond:0} pkt/s {Rate(c.BitsPerSecond)}; tcp {c.TcpPackets:N0} udp {c.UdpPackets:N0} icmp {c.IcmpPackets:N0}; "
            + $"syn {c.Syn:N0} rst {c.Rst:N0}; drops {c.Drops:N0}") + (c.TopTalker is { } top ? $"; top {top}" : "");
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1_000_000_000 => (bytes / 1e9).ToString("0.0 'GB'", CultureInfo.InvariantCulture),
        >= 1_000_000 => (bytes / 1e6).ToString("0.0 'MB'", CultureInfo.InvariantCulture),
        >= 1_000 => (bytes / 1e3).ToString("0.0 'KB'", CultureInfo.InvariantCulture),
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private static string Rate(double bits) => bits switch
    {
        >= 1e9 => (bits / 1e9).ToString("0.0 'Gbit/s'", CultureInfo.InvariantCulture),
        >= 1e6 => (bits / 1e6).ToString("0.0 'Mbit/s'", CultureInfo.InvariantCulture),
        >= 1e3 => (bits / 1e3).ToString("0.0 'kbit/s'", CultureInfo.InvariantCulture),
        _ => bits.ToString("0", CultureInfo.InvariantCulture) + " bit/s",
    };

    private static string FirstLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var trimmed = text.Trim();
        var newline = trimmed.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? trimmed : trimmed[..newline].TrimEnd('\r') + " …";
    }
}

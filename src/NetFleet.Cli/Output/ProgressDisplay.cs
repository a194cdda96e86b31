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

    private static IRenderable Render(JobProgress.Snapshot s)
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
            _ => null,
        };
        if (line is not null)
        {
            // Plain lines go straight to the writer: a log reader wants them unwrapped.
            plain.WriteLine(line);
        }
    }

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

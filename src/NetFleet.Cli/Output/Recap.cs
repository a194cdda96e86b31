using NetFleet.Core.Results;
using Spectre.Console;

namespace NetFleet.Cli.Output;

/// <summary>Ansible's PLAY RECAP: one line per host with its counts, coloured by the worst outcome.</summary>
internal static class Recap
{
    public static void Write(IAnsiConsole console, JobSummary summary)
    {
        console.WriteLine();
        console.MarkupLine($"[bold]PLAY RECAP[/] [grey]job {Markup.Escape(summary.JobId)}, {summary.Duration.TotalSeconds:0.0} s, "
            + $"{summary.Outcome.ToString().ToLowerInvariant()}[/]");
        var width = summary.Recap.Count == 0 ? 0 : summary.Recap.Max(r => r.Device.Length);
        foreach (var r in summary.Recap)
        {
            var colour = r.HasFailures ? "red" : r.Changed > 0 ? "yellow" : "green";
            console.MarkupLine($"[{colour}]{Markup.Escape(r.Device.PadRight(width))}[/] : "
                + $"[green]ok={r.Ok}[/]  [yellow]changed={r.Changed}[/]  [red]unreachable={r.Unreachable}[/]  "
                + $"[red]failed={r.Failed}[/]  [grey]skipped={r.Skipped}[/]"
                + (r.Transactions.Length > 0 ? $"  [grey]transaction={Markup.Escape(r.Transactions)}[/]" : ""));
        }

        if (summary.HaltReason is not null)
        {
            console.MarkupLine($"[red]Halted:[/] {Markup.Escape(summary.HaltReason)}");
        }
    }

    /// <summary>Results beyond which the table keeps only what needs attention (changes and failures).</summary>
    private const int FullTableRows = 60;

    /// <summary>The results as a table; <paramref name="wholeDetail"/> keeps each failure's message whole instead of
    /// its first line cut to fit a window.</summary>
    public static void WriteTable(IAnsiConsole console, IReadOnlyList<TaskResult> results, bool wholeDetail)
    {
        var shown = results.Count <= FullTableRows
            ? results
            : results.Where(r => r.Outcome is not (TaskOutcome.Ok or TaskOutcome.Skipped)).ToList();
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("Device", "Task", "Status", "Time", "Detail");
        foreach (var r in shown)
        {
            table.AddRow(Markup.Escape(r.Device), Markup.Escape(r.Task + (r.Item is null ? "" : $" ({r.Item})")),
                r.Outcome.ToString().ToLowerInvariant(), $"{r.Duration.TotalSeconds:0.00} s", Markup.Escape(Detail(r, wholeDetail)));
        }

        console.Write(table);
        if (shown.Count < results.Count)
        {
            console.MarkupLine($"[grey]{results.Count - shown.Count} ok and skipped results not shown; -o json|csv|xml has them all[/]");
        }
    }

    /// <summary>One short line per result on a terminal; the full output and diff are in the JSON, CSV and XML exports.</summary>
    private static string Detail(TaskResult r, bool whole)
    {
        if (r.Message is { Length: > 0 } message && r.Outcome is not (TaskOutcome.Ok or TaskOutcome.Changed))
        {
            if (whole) return message.Trim().ReplaceLineEndings("\n");
            var line = message.Trim().Split('\n')[0].TrimEnd('\r');
            return line.Length > 60 ? line[..60] + "…" : line;
        }

        if (r.Diff is { Length: > 0 } diff)
        {
            var lines = diff.Split('\n');
            var added = lines.Count(l => l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal));
            var removed = lines.Count(l => l.StartsWith('-') && !l.StartsWith("---", StringComparison.Ordinal));
            return $"diff +{added} -{removed}";
        }

        return "";
    }
}

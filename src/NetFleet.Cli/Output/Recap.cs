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

    /// <summary>The results as a table for people; <paramref name="wholeDetail"/> keeps each failure's message whole
    /// instead of its first line. <paramref name="notShown"/>: the ok and skipped results left out of a long table.</summary>
    public static TextTable ResultsTable(IReadOnlyList<TaskResult> results, bool wholeDetail, out int notShown)
    {
        var shown = results.Count <= FullTableRows
            ? results
            : results.Where(r => r.Outcome is not (TaskOutcome.Ok or TaskOutcome.Skipped)).ToList();
        var table = new TextTable(new("device"), new("task"), new("status"), new("time", AlignRight: true), new("detail", Wraps: true));
        foreach (var r in shown)
        {
            var status = r.Outcome.ToString().ToLowerInvariant();
            table.Add(r.Device, r.Task + (r.Item is null ? "" : $" ({r.Item})"), status, Cells.Duration(r.Duration),
                Cells.ResultDetail(status, r.Message, r.Diff, wholeDetail));
        }

        notShown = results.Count - shown.Count;
        return table;
    }
}

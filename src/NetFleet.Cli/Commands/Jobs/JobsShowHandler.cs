using System.CommandLine;
using System.Globalization;
using NetFleet.Cli.Output;
using NetFleet.Node.History;

namespace NetFleet.Cli.Commands;

internal sealed record JobsShowOptions(string Id, string Output, string? Store, bool Captures);

/// <summary><c>netfleet jobs show ID</c>: one job, its results per device, its gates, its captures and its audit trail.</summary>
internal sealed class JobsShowHandler
{
    private static readonly string[] TaskFields =
        ["device", "play", "task_index", "item", "task", "module", "status", "duration_ms", "reconciled", "message", "diff"];

    private static readonly string[] CaptureFields =
        ["capture_id", "play", "batch", "sensor", "interface", "filter", "status", "error", "started", "stopped", "stop_reason", "duration_ms",
         "packets", "bytes", "pps", "bps", "syn", "rst", "kernel_dropped", "other_dropped", "files", "summary"];

    public static Command Command()
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var output = JobsCommands.OutputOption("table: the job, then device, task, status, duration and a failure's message or the diff's size per result; "
            + "wide: also play, task number, module, reconciled and the whole diff");
        var store = StoreOption.Create();
        var captures = new Option<bool>("--captures")
        {
            Description = "With -o json, csv or xml: the job's captures (capture: blocks) instead of its task results; a table shows both",
        };
        var command = new Command("show", "One job: per-device task results with durations and diffs, and the summaries of its captures")
        {
            id, output, store, captures,
        };
        command.SetAction((parse, ct) =>
            new JobsShowHandler().RunAsync(new JobsShowOptions(parse.GetValue(id)!, parse.GetValue(output)!, parse.GetValue(store), parse.GetValue(captures)), ct));
        return command;
    }

    public async Task<int> RunAsync(JobsShowOptions options, CancellationToken ct)
    {
        var history = await JobsCommands.QueryHistoryAsync(options.Store, ct);
        var job = await history.GetJobAsync(options.Id, ct);
        if (job is null)
        {
            await Console.Error.WriteLineAsync($"no job {options.Id} in {history.Store.Display}");
            return 1;
        }

        var captureRows = await history.CapturesAsync(job.JobId, ct);
        var tasks = await history.TaskResultsAsync(job.JobId, ct);
        if (!JobsCommands.IsTable(options.Output))
        {
            if (options.Captures)
            {
                RowExport.Write(options.Output, "capture", CaptureFields, captureRows.Select(CaptureValues));
            }
            else
            {
                RowExport.Write(options.Output, "result", TaskFields, tasks.Select(t => (IReadOnlyList<object?>)
                [
                    t.Device, t.PlayIndex, t.TaskIndex, t.Item, t.Task, t.Module, t.Status, Math.Round(t.DurationMs, 1), t.Reconciled,
                    t.Message, t.Diff,
                ]));
            }

            return 0;
        }

        var wide = options.Output == "wide";
        JobsListHandler.Table([job], wide).WriteToOutput();
        Console.WriteLine();
        ResultsTable(tasks, wide, wholeDetail: !Consoles.OutputIsTerminal).WriteToOutput();
        PrintGates(await history.GatesAsync(job.JobId, ct));
        PrintCaptures(captureRows);
        if (await history.AuditAsync(job.JobId, ct) is { Count: > 0 } audit)
        {
            // Who submitted, cancelled, approved or rolled back the job through the API or the CLI.
            Console.WriteLine();
            var table = new TextTable(new("at"), new("user"), new("action"), new("detail", Wraps: true));
            foreach (var a in audit) table.Add(Cells.Time(a.At), a.User, a.Action, a.Detail);
            table.WriteToOutput();
        }

        return 0;
    }

    internal static TextTable ResultsTable(IEnumerable<TaskRow> tasks, bool wide, bool wholeDetail)
    {
        var table = wide
            ? new TextTable(new("device"), new("play", AlignRight: true), new("task#", AlignRight: true), new("task"), new("module"), new("status"),
                new("duration", AlignRight: true), new("reconciled"), new("detail", Wraps: true), new("diff"))
            : new TextTable(new("device"), new("task"), new("status"), new("duration", AlignRight: true), new("detail", Wraps: true));
        foreach (var t in tasks)
        {
            var task = t.Task + (t.Item is null ? "" : $" ({t.Item})");
            var duration = Cells.Duration(TimeSpan.FromMilliseconds(t.DurationMs));
            if (wide)
            {
                var message = t.Status is "ok" or "changed" || string.IsNullOrWhiteSpace(t.Message) ? ""
                    : wholeDetail ? t.Message.Trim() : Cells.FirstLine(t.Message);
                table.Add(t.Device, Cells.Number(t.PlayIndex + 1), Cells.Number(t.TaskIndex + 1), task, t.Module, t.Status, duration,
                    t.Reconciled ? "yes" : "", message, t.Diff);
            }
            else
            {
                table.Add(t.Device, task, t.Status, duration, Cells.ResultDetail(t.Status, t.Message, t.Diff, wholeDetail));
            }
        }

        return table;
    }

    private static IReadOnlyList<object?> CaptureValues(CaptureRow c) =>
    [
        c.CaptureId, c.PlayIndex, c.BatchIndex, c.Sensor, c.Interface, c.Filter, c.Status, c.Error, c.StartedAt, c.StoppedAt, c.StopReason,
        Math.Round(c.DurationMs, 1), c.Packets, c.Bytes, Math.Round(c.PacketsPerSecond, 1), Math.Round(c.BytesPerSecond * 8, 1), c.Syn, c.Rst,
        c.KernelDropped, c.OtherDropped, string.Join(' ', c.Files),
        c.SummaryJson is { } json ? System.Text.Json.JsonDocument.Parse(json).RootElement.Clone() : null,
    ];

    /// <summary>Each batch's gate: the baseline before it, the measurement after it and the verdict with the limits broken.</summary>
    private static void PrintGates(IReadOnlyList<GateRow> rows)
    {
        if (rows.Count == 0) return;
        Console.WriteLine();
        var table = new TextTable(new("play", AlignRight: true), new("batch", AlignRight: true), new("measured"), new("loss %", AlignRight: true),
            new("latency ms", AlignRight: true), new("if errors/s", AlignRight: true), new("rst/s", AlignRight: true), new("verdict", Wraps: true));
        static string Value(double? v) => v is { } x ? x.ToString("0.###", CultureInfo.InvariantCulture) : "-";
        foreach (var g in rows)
        {
            var (play, batch) = (Cells.Number(g.PlayIndex + 1), Cells.Number(g.BatchIndex + 1));
            table.Add(play, batch, "before", Value(g.BaselineLoss), Value(g.BaselineLatencyMs), Value(g.BaselineIfErrorRate), Value(g.BaselineRstRate), "");
            var reasons = g.Failures.Concat(g.Notes).ToList();
            var verdict = g.Verdict is null ? "not judged" : g.Verdict + (reasons.Count > 0 ? ": " + string.Join("; ", reasons) : "");
            table.Add(play, batch, "after", Value(g.MeasuredLoss), Value(g.MeasuredLatencyMs), Value(g.MeasuredIfErrorRate), Value(g.MeasuredRstRate), verdict);
        }

        table.WriteToOutput();
    }

    /// <summary>Each capture with its whole summary, as <c>capture show</c> and <c>pcap summarize</c> print one.</summary>
    private static void PrintCaptures(IReadOnlyList<CaptureRow> rows)
    {
        foreach (var c in rows)
        {
            Console.WriteLine();
            var around = c.BatchIndex is { } batch ? $"batch {batch + 1} of play {c.PlayIndex + 1}" : $"play {c.PlayIndex + 1}";
            Console.WriteLine($"Capture     {c.CaptureId} around {around}, sensor {c.Sensor} ({c.SensorAddress}), interface {c.Interface}, filter {c.Filter ?? "none"}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Status      {c.Status}{(c.Error is null ? "" : ": " + c.Error)}{(c.StopReason is null ? "" : $" (stop: {c.StopReason})")}, {c.DurationMs / 1000:0.0} s from {c.StartedAt:u}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Totals      {c.Packets} packets, {c.Bytes} bytes; {c.PacketsPerSecond:0.0} pkt/s, {c.BytesPerSecond * 8:0} bit/s over the capture; SYN {c.Syn}, RST {c.Rst}"));
            if (c.SummaryJson is { } json
                && System.Text.Json.JsonSerializer.Deserialize<NetFleet.Capture.TrafficSummary>(json, NetFleet.Actors.Capture.JobCaptureJson.Options) is { } summary)
            {
                Console.WriteLine(PcapFormat.Summary(summary));
            }

            Console.WriteLine($"Drops       kernel {c.KernelDropped}, interface and decoder {c.OtherDropped}");
            if (c.Files.Count > 0) Console.WriteLine($"Files       {string.Join(", ", c.Files)} (on sensor {c.Sensor}; netfleet capture fetch {c.CaptureId})");
        }
    }
}

using System.CommandLine;
using System.Globalization;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;
using NetFleet.Cli.Output;
using NetFleet.Core.Playbooks;
using NetFleet.Node;
using NetFleet.Node.History;
using Serilog.Events;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

/// <summary>The one way every command names the job store.</summary>
internal static class StoreOption
{
    public static Option<string?> Create() => new("--store")
    {
        Description = $"Job journal and history: sqlite:PATH or \"postgres:Host=…;Port=…;Username=…;Database=…\" " +
            $"(default ${JobStore.EnvironmentVariable}, else {JobStore.DefaultSetting})",
    };
}

/// <summary><c>netfleet jobs list|show|resume</c> and <c>netfleet history DEVICE</c>: the job history.</summary>
internal static class JobsCommands
{
    private static readonly string[] JobFields =
        ["job_id", "status", "playbook", "user", "playbook_hash", "started", "finished", "devices", "ok", "changed", "failed", "unreachable", "skipped", "resumes"];

    private static readonly string[] TaskFields =
        ["device", "play", "task_index", "item", "task", "module", "status", "duration_ms", "reconciled", "message", "diff"];

    private static readonly string[] ChangeFields = ["at", "job_id", "device", "task", "diff", "before", "after"];

    private static readonly string[] CaptureFields =
        ["capture_id", "play", "batch", "sensor", "interface", "filter", "status", "error", "started", "stopped", "stop_reason", "duration_ms",
         "packets", "bytes", "pps", "bps", "syn", "rst", "kernel_dropped", "other_dropped", "files", "summary"];

    public static Command Jobs()
    {
        var command = new Command("jobs", "The job history: list and show jobs, resume one whose process died");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Resume());
        command.Subcommands.Add(Approve());
        return command;
    }

    private static Option<string> OutputOption()
    {
        var output = new Option<string>("--output", "-o") { Description = "table, json, csv or xml", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "csv", "xml");
        return output;
    }

    private static Command List()
    {
        var status = new Option<string?>("--status") { Description = "running, succeeded, failed, halted or cancelled" };
        var playbook = new Option<string?>("--playbook") { Description = "Playbook path contains this" };
        var user = new Option<string?>("--user") { Description = "Submitted by this user" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Started at or after (ISO 8601)" };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Started before (ISO 8601)" };
        var device = new Option<string?>("--device") { Description = "Ran a task on this device" };
        var limit = new Option<int>("--limit-rows") { Description = "At most this many jobs (newest first)", DefaultValueFactory = _ => 50 };
        var page = new Option<int>("--page") { Description = "Page of --limit-rows jobs, from 1", DefaultValueFactory = _ => 1 };
        var output = OutputOption();
        var store = StoreOption.Create();
        var command = new Command("list", "Jobs, newest first, with their outcome and counts")
        {
            status, playbook, user, since, until, device, limit, page, output, store,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var node = await StartAsync(parse.GetValue(store), ct);
            var rows = await node.History.ListJobsAsync(new JobFilter
            {
                Status = parse.GetValue(status),
                Playbook = parse.GetValue(playbook),
                User = parse.GetValue(user),
                Since = parse.GetValue(since),
                Until = parse.GetValue(until),
                Device = parse.GetValue(device),
                Limit = parse.GetValue(limit),
                Skip = (Math.Max(1, parse.GetValue(page)) - 1) * parse.GetValue(limit),
            }, ct);
            RowExport.Write(parse.GetValue(output)!, "job", JobFields, rows.Select(JobValues));
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var output = OutputOption();
        var store = StoreOption.Create();
        var captures = new Option<bool>("--captures")
        {
            Description = "With -o json, csv or xml: the job's captures (capture: blocks) instead of its task results; a table shows both",
        };
        var command = new Command("show", "One job: per-device task results with durations and diffs, and the summaries of its captures")
        {
            id, output, store, captures,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var node = await StartAsync(parse.GetValue(store), ct);
            var job = await node.History.GetJobAsync(parse.GetValue(id)!, ct);
            if (job is null)
            {
                await Console.Error.WriteLineAsync($"no job {parse.GetValue(id)} in {node.Store.Display}");
                return 1;
            }

            var format = parse.GetValue(output)!;
            var captureRows = await node.History.CapturesAsync(job.JobId, ct);
            if (format != "table" && parse.GetValue(captures))
            {
                RowExport.Write(format, "capture", CaptureFields, captureRows.Select(CaptureValues));
                return 0;
            }

            var tasks = await node.History.TaskResultsAsync(job.JobId, ct);
            if (format == "table")
            {
                RowExport.Write(format, "job", JobFields, [JobValues(job)]);
            }

            RowExport.Write(format, "result", TaskFields, tasks.Select(t => (IReadOnlyList<object?>)
            [
                t.Device, t.PlayIndex, t.TaskIndex, t.Item, t.Task, t.Module, t.Status, Math.Round(t.DurationMs, 1), t.Reconciled,
                t.Message, t.Diff,
            ]));
            if (format == "table") PrintCaptures(captureRows);
            if (format == "table" && await node.History.AuditAsync(job.JobId, ct) is { Count: > 0 } audit)
            {
                // Who submitted, cancelled, approved or rolled back the job through the API or the CLI.
                RowExport.Write(format, "audit", ["at", "user", "action", "detail"], audit.Select(a => (IReadOnlyList<object?>)[a.At, a.User, a.Action, a.Detail]));
            }

            return 0;
        });
        return command;
    }

    private static Command Resume()
    {
        var id = new Argument<string>("id") { Description = "The job's id (see jobs list --status running)" };
        var output = new Option<string>("--output", "-o") { Description = "Results format: table, json, csv or xml", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "csv", "xml");
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the results to this file instead of standard output" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log details to the console too, as run -v does" };
        var store = StoreOption.Create();
        var command = new Command("resume", """
            Continue a job whose process stopped (killed, crashed, machine restarted). Tasks that finished are not run
            again; a configuration task that was in flight is reconciled: the device's running configuration is read,
            and the lines are applied only if they are not all there. The playbook and inventory must be unchanged.
            """)
        {
            id, output, outFile, verbose, store,
        };
        command.SetAction(async (parse, ct) =>
        {
            var stderr = Consoles.Error();
            var jobId = parse.GetValue(id)!;
            var logPath = Path.Combine(".netfleet", "logs", $"resume-{jobId}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
            await using var log = (Serilog.Core.Logger)Logging.ForJob(parse.GetValue(verbose), logPath);
            await using var node = await NetFleetNode.StartAsync(JobStore.Resolve(parse.GetValue(store)), log, cancellationToken: ct);
            var submitted = await node.FindSubmissionAsync(jobId, ct);
            if (submitted is null)
            {
                stderr.WriteLine($"no job {jobId} in {node.Store.Display}");
                return 1;
            }

            if (await ChangedAsync(submitted, ct) is { } why)
            {
                stderr.WriteLine($"job {jobId} cannot be resumed: {why}");
                return 2;
            }

            var (job, error) = JobLauncher.Load(submitted);
            if (job is null)
            {
                stderr.WriteLine($"job {jobId} cannot be resumed: {error}");
                return 2;
            }

            var options = JobOptions.Resuming(submitted, Environment.UserName);
            stderr.MarkupLine($"[grey]resuming job {jobId} ({Markup.Escape(submitted.PlaybookPath)}, started by {Markup.Escape(submitted.User)} at {submitted.At:u})[/]");
            var display = new ProgressDisplay(stderr, Console.Error, live: !Console.IsErrorRedirected && stderr.Profile.Capabilities.Interactive);
            var summary = await display.RunAsync(node.Runner.ResumeAsync(job, options,
                display.OnEvent, ct));
            return RunCommand.Finish(summary, stderr, logPath, parse.GetValue(output)!, parse.GetValue(outFile));
        });
        return command;
    }

    private static Command Approve()
    {
        var id = new Argument<string>("id") { Description = "The job waiting at an approval gate" };
        var store = StoreOption.Create();
        var command = new Command("approve", """
            Let a job waiting at an 'approval: true' gate go on with its next batch. The approval is stored in the job
            store, so it can come from any machine that shares it; the waiting job sees it within a second.
            """)
        {
            id, store,
        };
        command.SetAction(async (parse, ct) =>
        {
            var jobId = parse.GetValue(id)!;
            await using var node = await NetFleetNode.StartAsync(JobStore.Resolve(parse.GetValue(store)), Logging.Create(LogEventLevel.Warning),
                cancellationToken: ct);
            if (await node.FindSubmissionAsync(jobId, ct) is null)
            {
                await Console.Error.WriteLineAsync($"no job {jobId} in {node.Store.Display}");
                return 1;
            }

            var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            var replyTo = node.Runner.System.ActorOf(Akka.Actor.Props.Create(() => new Reply(reply)));
            node.Runner.System.ActorOf(JobApprovals.WriterProps(jobId, Environment.UserName, replyTo));
            var approved = (JobApprovals.Approved)await reply.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            await node.History.RecordAuditAsync(new NetFleet.Node.History.AuditRow(jobId, DateTimeOffset.UtcNow, approved.User, "approve",
                $"approval {approved.Count}"), ct);
            await Console.Error.WriteLineAsync($"job {jobId}: approval {approved.Count} recorded by {approved.User}");
            return 0;
        });
        return command;
    }

    /// <summary>Passes the first message it gets to a task.</summary>
    internal sealed class Reply : Akka.Actor.ReceiveActor
    {
        public Reply(TaskCompletionSource<object> reply) => ReceiveAny(m => reply.TrySetResult(m));
    }

    /// <summary>Why the files a job was started with are no longer the same, or null when they are.</summary>
    private static async Task<string?> ChangedAsync(JobJournal.JobSubmitted submitted, CancellationToken ct)
    {
        if (!File.Exists(submitted.PlaybookPath)) return $"the playbook {submitted.PlaybookPath} is gone";
        if (JobSubmission.Hash(await File.ReadAllTextAsync(submitted.PlaybookPath, ct)) != submitted.PlaybookHash)
        {
            return $"the playbook {submitted.PlaybookPath} changed since the job started";
        }

        if (submitted.InventoryPath is not { } inventory) return "the job recorded no inventory folder";
        var files = await JobSubmission.InventoryFilesAsync(inventory, ct);
        return JobSubmission.Hash(files) != submitted.InventoryHash ? $"the inventory in {inventory} changed since the job started" : null;
    }

    public static Command History()
    {
        var device = new Argument<string>("device") { Description = "The device's inventory name" };
        var output = OutputOption();
        var store = StoreOption.Create();
        var command = new Command("history", "Every configuration change NetFleet made to a device, oldest first, with diffs") { device, output, store };
        command.SetAction(async (parse, ct) =>
        {
            await using var node = await StartAsync(parse.GetValue(store), ct);
            var changes = await node.History.ChangesAsync(parse.GetValue(device), null, ct);
            var format = parse.GetValue(output)!;
            RowExport.Write(format, "change", format == "table" ? ChangeFields[..5] : ChangeFields, changes.Select(c => (IReadOnlyList<object?>)
                (format == "table"
                    ? [c.At, c.JobId, c.Device, c.Task, c.Diff]
                    : [c.At, c.JobId, c.Device, c.Task, c.Diff, c.Before, c.After])));
            return 0;
        });
        return command;
    }

    private static IReadOnlyList<object?> CaptureValues(CaptureRow c) =>
    [
        c.CaptureId, c.PlayIndex, c.BatchIndex, c.Sensor, c.Interface, c.Filter, c.Status, c.Error, c.StartedAt, c.StoppedAt, c.StopReason,
        Math.Round(c.DurationMs, 1), c.Packets, c.Bytes, Math.Round(c.PacketsPerSecond, 1), Math.Round(c.BytesPerSecond * 8, 1), c.Syn, c.Rst,
        c.KernelDropped, c.OtherDropped, string.Join(' ', c.Files),
        c.SummaryJson is { } json ? System.Text.Json.JsonDocument.Parse(json).RootElement.Clone() : null,
    ];

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
                Console.WriteLine(PcapCommands.FormatSummary(summary));
            }

            Console.WriteLine($"Drops       kernel {c.KernelDropped}, interface and decoder {c.OtherDropped}");
            if (c.Files.Count > 0) Console.WriteLine($"Files       {string.Join(", ", c.Files)} (on sensor {c.Sensor}; netfleet capture fetch {c.CaptureId})");
        }
    }

    private static IReadOnlyList<object?> JobValues(JobRow j) =>
    [
        j.JobId, j.Status, j.Playbook, j.User, j.PlaybookHash, j.SubmittedAt, j.FinishedAt, j.Devices, j.Ok, j.Changed, j.Failed,
        j.Unreachable, j.Skipped, j.Resumes,
    ];

    /// <summary>A node for queries: the history catches up with the journal first, so jobs of processes that died show.</summary>
    private static async Task<NetFleetNode> StartAsync(string? store, CancellationToken ct)
    {
        var node = await NetFleetNode.StartAsync(JobStore.Resolve(store), Logging.Create(LogEventLevel.Warning), cancellationToken: ct);
        await node.Projector.CatchUpAsync(ct);
        return node;
    }
}

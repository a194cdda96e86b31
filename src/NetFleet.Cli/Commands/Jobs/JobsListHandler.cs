using System.CommandLine;
using NetFleet.Cli.Output;
using NetFleet.Node.History;

namespace NetFleet.Cli.Commands;

internal sealed record JobsListOptions(string? Status, string? Playbook, string? User, DateTimeOffset? Since, DateTimeOffset? Until,
    string? Device, int Limit, int Page, string Output, string? Store);

/// <summary><c>netfleet jobs list</c>: jobs, newest first.</summary>
internal sealed class JobsListHandler
{
    internal static readonly string[] JobFields =
        ["job_id", "status", "playbook", "user", "playbook_hash", "started", "finished", "devices", "ok", "changed", "failed", "unreachable", "skipped", "resumes"];

    public static Command Command()
    {
        var status = new Option<string?>("--status") { Description = "running, succeeded, failed, halted or cancelled" };
        var playbook = new Option<string?>("--playbook") { Description = "Playbook path contains this" };
        var user = new Option<string?>("--user") { Description = "Submitted by this user" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Started at or after (ISO 8601)" };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Started before (ISO 8601)" };
        var device = new Option<string?>("--device") { Description = "Ran a task on this device" };
        var limit = new Option<int>("--limit-rows") { Description = "At most this many jobs (newest first)", DefaultValueFactory = _ => 50 };
        var page = new Option<int>("--page") { Description = "Page of --limit-rows jobs, from 1", DefaultValueFactory = _ => 1 };
        var output = JobsCommands.OutputOption("table: id, status, playbook name, user, start (local time), duration, ok/changed/failed/unreachable "
            + "counts; wide: also the playbook's path and hash, end, devices, skipped and resumes");
        var store = StoreOption.Create();
        var command = new Command("list", "Jobs, newest first, with their outcome and counts")
        {
            status, playbook, user, since, until, device, limit, page, output, store,
        };
        command.SetAction((parse, ct) => new JobsListHandler().RunAsync(new JobsListOptions(parse.GetValue(status), parse.GetValue(playbook),
            parse.GetValue(user), parse.GetValue(since), parse.GetValue(until), parse.GetValue(device), parse.GetValue(limit),
            parse.GetValue(page), parse.GetValue(output)!, parse.GetValue(store)), ct));
        return command;
    }

    public async Task<int> RunAsync(JobsListOptions options, CancellationToken ct)
    {
        var history = await JobsCommands.QueryHistoryAsync(options.Store, ct);
        var rows = await history.ListJobsAsync(new JobFilter
        {
            Status = options.Status,
            Playbook = options.Playbook,
            User = options.User,
            Since = options.Since,
            Until = options.Until,
            Device = options.Device,
            Limit = options.Limit,
            Skip = (Math.Max(1, options.Page) - 1) * options.Limit,
        }, ct);
        if (JobsCommands.IsTable(options.Output))
        {
            Table(rows, wide: options.Output == "wide").WriteToOutput();
        }
        else
        {
            RowExport.Write(options.Output, "job", JobFields, rows.Select(Values));
        }

        return 0;
    }

    internal static TextTable Table(IEnumerable<JobRow> jobs, bool wide)
    {
        var table = wide
            ? new TextTable(new("id"), new("status"), new("playbook", Wraps: true), new("hash"), new("user"), new("started"), new("finished"),
                new("duration", AlignRight: true), new("devices", AlignRight: true), new("ok", AlignRight: true), new("changed", AlignRight: true),
                new("failed", AlignRight: true), new("unreachable", AlignRight: true), new("skipped", AlignRight: true),
                new("resumes", AlignRight: true))
            : new TextTable(new("id"), new("status"), new("playbook", Wraps: true), new("user"), new("started"),
                new("duration", AlignRight: true), new("ok", AlignRight: true), new("changed", AlignRight: true), new("failed", AlignRight: true),
                new("unreachable", AlignRight: true));
        foreach (var j in jobs)
        {
            var duration = Cells.Duration(j.SubmittedAt, j.FinishedAt);
            string[] counts = [Cells.Number(j.Ok), Cells.Number(j.Changed), Cells.Number(j.Failed), Cells.Number(j.Unreachable)];
            table.Add(wide
                ? [j.JobId, j.Status, j.Playbook, Cells.Hash(j.PlaybookHash), j.User, Cells.Time(j.SubmittedAt), Cells.Time(j.FinishedAt), duration,
                    Cells.Number(j.Devices), .. counts, Cells.Number(j.Skipped), Cells.Number(j.Resumes)]
                : [j.JobId, j.Status, Cells.PlaybookName(j.Playbook), j.User, Cells.Time(j.SubmittedAt), duration, .. counts]);
        }

        return table;
    }

    internal static IReadOnlyList<object?> Values(JobRow j) =>
    [
        j.JobId, j.Status, j.Playbook, j.User, j.PlaybookHash, j.SubmittedAt, j.FinishedAt, j.Devices, j.Ok, j.Changed, j.Failed,
        j.Unreachable, j.Skipped, j.Resumes,
    ];
}

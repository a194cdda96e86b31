using System.CommandLine;
using NetFleet.Cli.Output;
using NetFleet.Node.History;

namespace NetFleet.Cli.Commands;

internal sealed record HistoryOptions(string Device, string Output, string? Store);

/// <summary><c>netfleet history DEVICE</c>: every configuration change NetFleet made to a device.</summary>
internal sealed class HistoryHandler
{
    private static readonly string[] ChangeFields = ["at", "job_id", "device", "task", "diff", "before", "after"];

    public static Command Command()
    {
        var device = new Argument<string>("device") { Description = "The device's inventory name" };
        var output = JobsCommands.OutputOption(
            "table: time (local), job, task and diff of each change; wide: also the device (the configuration before and after is in the exports)");
        var store = StoreOption.Create();
        var command = new Command("history", "Every configuration change NetFleet made to a device, oldest first, with diffs")
        {
            device, output, store,
        };
        command.SetAction((parse, ct) =>
            new HistoryHandler().RunAsync(new HistoryOptions(parse.GetValue(device)!, parse.GetValue(output)!, parse.GetValue(store)), ct));
        return command;
    }

    public async Task<int> RunAsync(HistoryOptions options, CancellationToken ct)
    {
        var history = await JobsCommands.QueryHistoryAsync(options.Store, ct);
        var changes = await history.ChangesAsync(options.Device, null, ct);
        if (JobsCommands.IsTable(options.Output))
        {
            Table(changes, wide: options.Output == "wide").WriteToOutput();
        }
        else
        {
            RowExport.Write(options.Output, "change", ChangeFields, changes.Select(c => (IReadOnlyList<object?>)
                [c.At, c.JobId, c.Device, c.Task, c.Diff, c.Before, c.After]));
        }

        return 0;
    }

    internal static TextTable Table(IEnumerable<ChangeRow> changes, bool wide)
    {
        var table = wide
            ? new TextTable(new("at"), new("job"), new("device"), new("task"), new("diff"))
            : new TextTable(new("at"), new("job"), new("task"), new("diff"));
        foreach (var c in changes)
        {
            table.Add(wide ? [Cells.Time(c.At), c.JobId, c.Device, c.Task, c.Diff] : [Cells.Time(c.At), c.JobId, c.Task, c.Diff]);
        }

        return table;
    }
}

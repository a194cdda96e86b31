using System.CommandLine;
using NetFleet.Cli.Output;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet drift [--device D]</c>: configurations found changed outside NetFleet, newest first.</summary>
internal static class DriftHandler
{
    private static readonly string[] Fields = ["at", "job_id", "device", "source", "changed_by", "changed_at", "expected", "diff"];

    public static Command Command()
    {
        var device = new Option<string?>("--device", "-d") { Description = "Only this device" };
        var limit = new Option<int>("--limit-rows") { Description = "At most this many, newest first (as for jobs list)", DefaultValueFactory = _ => 200 };
        var output = JobsCommands.OutputOption("table: time (local), device, who/when as the device tells, job and the diff's size; wide: the whole diff");
        var store = StoreOption.Create();
        var command = new Command("drift", """
            Configurations found different from the last one NetFleet wrote or saw of the device (by a backup,
            or by the read a configuration change makes first): changes made outside NetFleet. Each names the
            job that found it, who changed the device and when as far as the device tells, and the diff.
            """)
        {
            device, limit, output, store,
        };
        command.SetAction(async (parse, ct) =>
        {
            var history = await JobsCommands.QueryHistoryAsync(parse.GetValue(store), ct);
            var rows = await history.DriftAsync(parse.GetValue(device), parse.GetValue(limit), ct);
            var format = parse.GetValue(output)!;
            if (JobsCommands.IsTable(format))
            {
                var wide = format == "wide";
                var table = new TextTable(new("at"), new("device"), new("changed by"), new("changed at"), new("job"), new("source"), new(wide ? "diff" : "lines"));
                foreach (var d in rows)
                {
                    table.Add([Cells.Time(d.At), d.Device, d.ChangedBy ?? "?", d.ChangedAt is { } at ? Cells.Time(at) : "?", d.JobId, d.Source,
                        wide ? d.Diff : Cells.DiffCounts(d.Diff)]);
                }

                table.WriteToOutput();
                if (rows.Count == 0) Console.Error.WriteLine("no drift recorded");
            }
            else
            {
                RowExport.Write(format, "drift", Fields, rows.Select(d => (IReadOnlyList<object?>)
                    [d.At, d.JobId, d.Device, d.Source, d.ChangedBy, d.ChangedAt, d.Expected, d.Diff]));
            }

            return 0;
        });
        return command;
    }
}

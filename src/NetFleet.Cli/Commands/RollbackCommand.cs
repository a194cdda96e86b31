using System.CommandLine;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;
using NetFleet.Cli.Output;
using NetFleet.Core.Results;
using NetFleet.Node;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet rollback JOB</c>: takes a finished job's configuration changes back, as a job of its own.</summary>
internal static class RollbackCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("job") { Description = "The finished job whose changes to take back" };
        var output = new Option<string>("--output", "-o") { Description = "Results format: table, json, csv or xml", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "csv", "xml");
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the results to this file instead of standard output" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log details to the console too, as run -v does" };
        var store = StoreOption.Create();
        var command = new Command("rollback", """
            Put every device a finished job changed back to the running configuration it had before the job's first
            change to it (the backup the job recorded), and read it back to verify. Devices already on that configuration
            are left alone. The rollback is recorded as a job of its own (jobs list, jobs show). Uses the job's inventory
            and known_hosts; exit code 2 when a device could not be restored, 4 when one could not be reached.
            """)
        {
            id, output, outFile, verbose, store,
        };
        command.SetAction(async (parse, ct) =>
        {
            var stderr = Consoles.Error();
            var of = parse.GetValue(id)!;
            var logPath = Path.Combine(".netfleet", "logs", $"rollback-{of}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
            await using var log = (Serilog.Core.Logger)Logging.ForJob(parse.GetValue(verbose), logPath);
            await using var node = await NetFleetNode.StartAsync(JobStore.Resolve(parse.GetValue(store)), log, cancellationToken: ct);
            var submitted = await node.FindSubmissionAsync(of, ct);
            if (submitted is null)
            {
                stderr.WriteLine($"no job {of} in {node.Store.Display}");
                return 1;
            }

            var options = new JobOptions(Environment.UserName) { JobId = JobLauncher.NewJobId() };
            var (job, error) = JobLauncher.Rollback(submitted, options);
            if (job is null)
            {
                stderr.WriteLine($"cannot roll back job {of}: {error}");
                return 2;
            }

            await node.History.RecordAuditAsync(new NetFleet.Node.History.AuditRow(of, DateTimeOffset.UtcNow, options.User, "rollback", $"rollback job {job.JobId}"), ct);
            stderr.MarkupLine($"[grey]job {job.JobId} rolls back job {of}, recorded in {Markup.Escape(node.Store.Display)}[/]");
            JobSummary summary;
            try
            {
                summary = await node.Runner.RunAsync(job, JobOptions.Resuming(job.Submission, options.User), _ => { }, ct);
            }
            catch (InvalidOperationException e)
            {
                stderr.WriteLine($"cannot roll back job {of}: {e.Message}");
                return 2;
            }

            return RunCommand.Finish(summary, stderr, logPath, parse.GetValue(output)!, parse.GetValue(outFile));
        });
        return command;
    }
}

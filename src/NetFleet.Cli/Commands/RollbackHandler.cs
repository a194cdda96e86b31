using System.CommandLine;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;
using NetFleet.Cli.Output;
using NetFleet.Core.Results;
using NetFleet.Node;
using NetFleet.Node.History;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

internal sealed record RollbackOptions(string Job, string Output, FileInfo? OutFile, bool Verbose, string? Store);

/// <summary><c>netfleet rollback JOB</c>: takes a finished job's configuration changes back, as a job of its own.</summary>
internal sealed class RollbackHandler
{
    public static Command Command()
    {
        var id = new Argument<string>("job") { Description = "The finished job whose changes to take back" };
        var output = RunHandler.ResultsOutputOption();
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
        command.SetAction((parse, ct) => new RollbackHandler().RunAsync(new RollbackOptions(parse.GetValue(id)!, parse.GetValue(output)!,
            parse.GetValue(outFile), parse.GetValue(verbose), parse.GetValue(store)), ct));
        return command;
    }

    public async Task<int> RunAsync(RollbackOptions options, CancellationToken ct)
    {
        var stderr = Consoles.Error();
        var of = options.Job;
        await using var recorded = await RecordedJob.OpenAsync("rollback", of, options.Verbose, options.Store, ct);
        if (recorded.Submitted is not { } submitted)
        {
            stderr.WriteLine($"no job {of} in {recorded.Node.Store.Display}");
            return 1;
        }

        var (job, error) = JobLauncher.Rollback(submitted, new JobOptions(Environment.UserName) { JobId = JobLauncher.NewJobId() });
        if (job is null)
        {
            stderr.WriteLine($"cannot roll back job {of}: {error}");
            return 2;
        }

        JobSummary summary;
        try
        {
            summary = await StartJob(recorded.Node, job, stderr, ct);
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine($"cannot roll back job {of}: {e.Message}");
            return 2;
        }

        return RunHandler.Finish(summary, stderr, recorded.LogPath, options.Output, options.OutFile);
    }

    /// <summary>The rollback's audit entry on the job it takes back, then the rollback itself; completes with its summary, or
    /// fails with <see cref="InvalidOperationException"/> when the job cannot be rolled back.</summary>
    private static async Task<JobSummary> StartJob(NetFleetNode node, PreparedJob job, IAnsiConsole stderr, CancellationToken ct)
    {
        var of = job.Submission.RollbackOf!;
        var user = job.Submission.User;
        await node.History.RecordAuditAsync(new AuditRow(of, DateTimeOffset.UtcNow, user, "rollback", $"rollback job {job.JobId}"), ct);
        stderr.MarkupLine($"[grey]job {job.JobId} rolls back job {of}, recorded in {Markup.Escape(node.Store.Display)}[/]");
        return await node.Runner.RunAsync(job, JobOptions.Resuming(job.Submission, user) with { Configs = ConfigsOptions.Archive(null, null) }, _ => { }, ct);
    }
}

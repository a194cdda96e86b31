using System.CommandLine;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;
using NetFleet.Cli.Output;
using NetFleet.Core.Playbooks;
using NetFleet.Node;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

internal sealed record JobsResumeOptions(string Id, string Output, FileInfo? OutFile, bool Verbose, string? Store);

/// <summary><c>netfleet jobs resume ID</c>: continues a job whose process stopped.</summary>
internal sealed class JobsResumeHandler
{
    public static Command Command()
    {
        var id = new Argument<string>("id") { Description = "The job's id (see jobs list --status running)" };
        var output = RunHandler.ResultsOutputOption();
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
        command.SetAction((parse, ct) => new JobsResumeHandler().RunAsync(new JobsResumeOptions(parse.GetValue(id)!, parse.GetValue(output)!,
            parse.GetValue(outFile), parse.GetValue(verbose), parse.GetValue(store)), ct));
        return command;
    }

    public async Task<int> RunAsync(JobsResumeOptions options, CancellationToken ct)
    {
        var stderr = Consoles.Error();
        var jobId = options.Id;
        await using var recorded = await RecordedJob.OpenAsync("resume", jobId, options.Verbose, options.Store, ct);
        if (recorded.Submitted is not { } submitted)
        {
            stderr.WriteLine($"no job {jobId} in {recorded.Node.Store.Display}");
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

        var jobOptions = JobOptions.Resuming(submitted, Environment.UserName) with { Configs = ConfigsOptions.Archive(null, null) };
        stderr.MarkupLine($"[grey]resuming job {jobId} ({Markup.Escape(submitted.PlaybookPath)}, started by {Markup.Escape(submitted.User)} at {submitted.At:u})[/]");
        var display = new ProgressDisplay(stderr, Console.Error, live: !Console.IsErrorRedirected && stderr.Profile.Capabilities.Interactive);
        var summary = await display.RunAsync(recorded.Node.Runner.ResumeAsync(job, jobOptions, display.OnEvent, ct));
        return RunHandler.Finish(summary, stderr, recorded.LogPath, options.Output, options.OutFile);
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
}

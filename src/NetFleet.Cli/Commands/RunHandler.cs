using System.CommandLine;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;
using NetFleet.Cli.Output;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Results;
using NetFleet.Node;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

internal sealed record RunOptions(FileInfo Playbook, DirectoryInfo Inventory, string? Limit, bool Check, int Forks, string Output, FileInfo? OutFile,
    bool TrustNewHostKeys, FileInfo? KnownHosts, FileInfo? LogFile, bool Verbose, string? Store)
{
    public string? Configs { get; init; }
    public string? ConfigsRemote { get; init; }
}

/// <summary><c>netfleet run PLAYBOOK -i INVENTORY</c>: the main job.</summary>
internal sealed class RunHandler
{
    public static Command Command()
    {
        var playbook = new Argument<FileInfo>("playbook") { Description = "The playbook (YAML) to run" };
        var inventory = new Option<DirectoryInfo>("--inventory", "-i")
        {
            Description = "Inventory folder with hosts.yaml, groups.yaml, defaults.yaml",
            DefaultValueFactory = _ => new DirectoryInfo("inventory"),
        };
        var limit = new Option<string?>("--limit", "-l")
        {
            Description = "Only these hosts: groups, host globs, filters like data.site == \"lon\"; ! excludes, & intersects",
        };
        var check = new Option<bool>("--check", "-C") { Description = "Change nothing: show what config tasks would change" };
        var forks = new Option<int>("--forks", "-f")
        {
            Description = $"At most this many devices at once; 0 for no limit (default: {ForksPerCore} per core, {DefaultForks} here)",
            DefaultValueFactory = _ => DefaultForks,
        };
        var output = ResultsOutputOption();
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the results to this file instead of standard output" };
        var trustNew = new Option<bool>("--trust-new-host-keys")
        {
            Description = "Accept and record the host key of a device seen for the first time (a changed key still fails)",
        };
        var knownHosts = new Option<FileInfo?>("--known-hosts")
        {
            Description = "known_hosts file to verify device host keys against (default ~/.ssh/known_hosts)",
        };
        var logFile = new Option<FileInfo?>("--log-file")
        {
            Description = "Structured JSON log (one event per line); default .netfleet/logs/run-TIME.json",
        };
        var verbose = new Option<bool>("--verbose", "-v")
        {
            Description = "Log details to the console too, including the warnings about each device that the results already show",
        };
        var store = StoreOption.Create();
        var (configs, configsRemote) = (ConfigsOptions.Path(), ConfigsOptions.Remote());
        var command = new Command("run", """
            Run a playbook against an inventory over SSH. Shows live progress on a terminal (plain lines
            otherwise), prints an Ansible-style recap per host, and exits non-zero when any host failed
            (2) or could not be reached (4). Results go to standard output or --out as a table, JSON,
            CSV or XML with the same fields: device, task, status, changed, output, parsed, diff, timings.
            """)
        {
            playbook, inventory, limit, check, forks, output, outFile, trustNew, knownHosts, logFile, verbose, store, configs, configsRemote,
        };
        command.SetAction((parse, ct) => new RunHandler().RunAsync(new RunOptions(parse.GetValue(playbook)!, parse.GetValue(inventory)!,
            parse.GetValue(limit), parse.GetValue(check), parse.GetValue(forks), parse.GetValue(output)!, parse.GetValue(outFile),
            parse.GetValue(trustNew), parse.GetValue(knownHosts), parse.GetValue(logFile), parse.GetValue(verbose), parse.GetValue(store))
            {
                Configs = parse.GetValue(configs), ConfigsRemote = parse.GetValue(configsRemote),
            }, ct));
        return command;
    }

    /// <summary>The results formats of the commands that run a job (run, submit, rollback, jobs resume).</summary>
    public static Option<string> ResultsOutputOption()
    {
        var output = new Option<string>("--output", "-o") { Description = "Results format: table, json, csv or xml", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "csv", "xml");
        return output;
    }

    public async Task<int> RunAsync(RunOptions options, CancellationToken ct)
    {
        var stderr = Consoles.Error();
        var jobOptions = new JobOptions(Environment.UserName)
        {
            JobId = JobLauncher.NewJobId(),
            InventoryPath = options.Inventory.FullName,
            Limit = options.Limit,
            Check = options.Check,
            Forks = options.Forks is > 0 and var f ? f : null,
            TrustNewHostKeys = options.TrustNewHostKeys,
            KnownHostsPath = options.KnownHosts?.FullName,
            Configs = ConfigsOptions.Archive(options.Configs, options.ConfigsRemote),
        };
        var job = await PrepareAsync(options.Playbook, options.Inventory, jobOptions, stderr, ct);
        if (job is null)
        {
            return 2;
        }

        var logPath = options.LogFile?.FullName ?? Path.Combine(".netfleet", "logs", $"run-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        await using var log = (Serilog.Core.Logger)Logging.ForJob(options.Verbose, logPath);
        await using var node = await NetFleetNode.StartAsync(JobStore.Resolve(options.Store), log, cancellationToken: ct);
        stderr.MarkupLine($"[grey]job {job.JobId} recorded in {Markup.Escape(node.Store.Display)} (if this process dies: netfleet jobs resume {job.JobId})[/]");
        var display = new ProgressDisplay(stderr, Console.Error, live: !Console.IsErrorRedirected && stderr.Profile.Capabilities.Interactive);
        var summary = await display.RunAsync(node.Runner.RunAsync(job, jobOptions, display.OnEvent, ct));
        return Finish(summary, stderr, logPath, options.Output, options.OutFile);
    }

    /// <summary>
    /// Devices in flight per core by default. An SSH login costs the client a few ms of CPU (key exchange, session
    /// set-up) and then mostly waits on the network, but past the point where those logins saturate the cores more
    /// forks only add queueing: on 100 lab devices and 2 cores, unlimited forks were slower than 50 (docs/lean-client.md).
    /// </summary>
    internal const int ForksPerCore = 25;

    internal static int DefaultForks => ForksPerCore * Environment.ProcessorCount;

    /// <summary>The end of a run or a resume: the recap and results are written. The job history is not brought up
    /// to date here: every reader of it (jobs, history, the API) catches up from the journal first, and doing it in
    /// every run cost ≈ 0.3 s of CPU (the read journal and its first queries).</summary>
    internal static int Finish(JobSummary summary, IAnsiConsole stderr, string logPath, string output, FileInfo? outFile)
    {
        Recap.Write(stderr, summary);
        stderr.MarkupLine($"[grey]log: {Markup.Escape(logPath)}[/]");
        WriteResults(output, outFile, summary.Results);
        return ExitCode(summary);
    }

    /// <summary>The job, or null once its problems (file:line:col) are written.</summary>
    internal static async Task<PreparedJob?> PrepareAsync(FileInfo file, DirectoryInfo inventoryDir, JobOptions options, IAnsiConsole stderr,
        CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            stderr.WriteLine($"{file.FullName}: no such playbook file");
            return null;
        }

        if (!inventoryDir.Exists)
        {
            stderr.WriteLine($"{inventoryDir.FullName}: no such inventory folder (give one with -i)");
            return null;
        }

        var request = new JobRequest(file.FullName, options);
        var (job, check) = await JobLauncher.PrepareAsync(request, cancellationToken);
        if (check.Diagnostics.Count > 0)
        {
            stderr.WriteLine(DiagnosticFormatter.FormatAll(check.Diagnostics));
        }

        if (job is null)
        {
            stderr.WriteLine(DiagnosticFormatter.Summary(check.Diagnostics));
        }

        return job;
    }

    internal static void WriteResults(string format, FileInfo? outFile, IReadOnlyList<TaskResult> results)
    {
        if (format == "table")
        {
            if (outFile is null)
            {
                Recap.ResultsTable(results, wholeDetail: !Consoles.OutputIsTerminal, out var notShown).WriteToOutput();
                if (notShown > 0)
                {
                    Console.WriteLine($"{notShown} ok and skipped results not shown; -o json|csv|xml has them all");
                }

                return;
            }

            format = "json";
        }

        var exportFormat = Enum.Parse<ExportFormat>(format, ignoreCase: true);
        if (outFile is null)
        {
            ResultExport.Write(Console.Out, exportFormat, results);
            return;
        }

        using var writer = new StreamWriter(outFile.FullName);
        ResultExport.Write(writer, exportFormat, results);
    }

    /// <summary>Ansible's convention: 2 when a host failed (or the job halted), 4 when hosts were only unreachable.</summary>
    internal static int ExitCode(JobSummary summary) =>
        summary.Recap.Any(r => r.Failed > 0) ? 2
        : summary.Recap.Any(r => r.Unreachable > 0) ? 4
        : summary.Outcome is JobOutcome.Halted ? 2
        : summary.Outcome is JobOutcome.Cancelled ? 130
        : 0;
}

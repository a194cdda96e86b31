using System.CommandLine;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;
using NetFleet.Cli.Output;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;
using NetFleet.Node;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

internal sealed record BackupOptions(DirectoryInfo Inventory, string? Limit, int Forks, string Output, bool TrustNewHostKeys, FileInfo? KnownHosts,
    FileInfo? LogFile, bool Verbose, string? Store, string? Configs, string? ConfigsRemote);

/// <summary><c>netfleet backup</c>: one job of the built-in backup playbook; its configurations land in the archive as one commit.</summary>
internal sealed class BackupHandler
{
    public static Command Command()
    {
        var inventory = new Option<DirectoryInfo>("--inventory", "-i")
        {
            Description = "Inventory folder with hosts.yaml, groups.yaml, defaults.yaml",
            DefaultValueFactory = _ => new DirectoryInfo("inventory"),
        };
        var limit = new Option<string?>("--limit", "-l") { Description = "Only these hosts (as for run): groups, host globs, filters" };
        var forks = new Option<int>("--forks", "-f")
        {
            Description = $"At most this many devices at once; 0 for no limit (default {RunHandler.DefaultForks} here)",
            DefaultValueFactory = _ => RunHandler.DefaultForks,
        };
        var output = new Option<string>("--output", "-o") { Description = "Summary format: table or json", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var trustNew = new Option<bool>("--trust-new-host-keys") { Description = "Accept and record the host key of a device seen for the first time" };
        var knownHosts = new Option<FileInfo?>("--known-hosts") { Description = "known_hosts file (default ~/.ssh/known_hosts)" };
        var logFile = new Option<FileInfo?>("--log-file") { Description = "Structured JSON log; default .netfleet/logs/backup-TIME.json" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log details to the console too" };
        var store = StoreOption.Create();
        var configs = ConfigsOptions.Path();
        var remote = ConfigsOptions.Remote();
        var command = new Command("backup", """
            Back up every device's configuration into the configuration archive, a git repository with one
            file per device (DEVICE.cfg, and DEVICE.startup.cfg where the platform has a startup
            configuration) and one commit per job naming the job and user. Volatile lines (timestamps,
            sizes, clock drift) are removed per platform. A device whose configuration differs from the last
            one NetFleet wrote or saw is recorded as drift, with the diff and who changed it as far as the
            device tells: see 'netfleet drift'. The playbook is built in; playbooks/backup.yaml is a copy to extend.
            Exits 2 when a device failed, 4 when devices were only unreachable, 3 when drift was found.
            """)
        {
            inventory, limit, forks, output, trustNew, knownHosts, logFile, verbose, store, configs, remote,
        };
        command.SetAction((parse, ct) => new BackupHandler().RunAsync(new BackupOptions(parse.GetValue(inventory)!, parse.GetValue(limit),
            parse.GetValue(forks), parse.GetValue(output)!, parse.GetValue(trustNew), parse.GetValue(knownHosts), parse.GetValue(logFile),
            parse.GetValue(verbose), parse.GetValue(store), parse.GetValue(configs), parse.GetValue(remote)), ct));
        return command;
    }

    public async Task<int> RunAsync(BackupOptions options, CancellationToken ct)
    {
        var stderr = Consoles.Error();
        if (!options.Inventory.Exists)
        {
            stderr.WriteLine($"{options.Inventory.FullName}: no such inventory folder (give one with -i)");
            return 2;
        }

        var archive = ConfigsOptions.Archive(options.Configs, options.ConfigsRemote);
        var jobOptions = new JobOptions(Environment.UserName)
        {
            JobId = JobLauncher.NewJobId(),
            InventoryPath = options.Inventory.FullName,
            Limit = options.Limit,
            Forks = options.Forks is > 0 and var f ? f : null,
            TrustNewHostKeys = options.TrustNewHostKeys,
            KnownHostsPath = options.KnownHosts?.FullName,
            Configs = archive,
        };
        var (job, check) = await JobLauncher.PrepareAsync(new JobRequest(BuiltInPlaybooks.PathOf("backup"), jobOptions) { PlaybookText = BuiltInPlaybooks.Backup }, ct);
        if (job is null)
        {
            stderr.WriteLine(Core.Diagnostics.DiagnosticFormatter.FormatAll(check.Diagnostics));
            return 2;
        }

        var logPath = options.LogFile?.FullName ?? System.IO.Path.Combine(".netfleet", "logs", $"backup-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(logPath))!);
        await using var log = (Serilog.Core.Logger)Logging.ForJob(options.Verbose, logPath);
        await using var node = await NetFleetNode.StartAsync(JobStore.Resolve(options.Store), log, cancellationToken: ct);
        stderr.MarkupLine($"[grey]job {job.JobId} recorded in {Markup.Escape(node.Store.Display)}; archive {Markup.Escape(archive.Path)}[/]");
        var display = new ProgressDisplay(stderr, Console.Error, live: !Console.IsErrorRedirected && stderr.Profile.Capabilities.Interactive);
        var summary = await display.RunAsync(node.Runner.RunAsync(job, jobOptions, display.OnEvent, ct));
        Recap.Write(stderr, summary);
        WriteSummary(summary, archive.Path, options.Output);
        var exit = RunHandler.ExitCode(summary);
        return exit != 0 ? exit : summary.Archive is { Error: not null } ? 2 : summary.Archive?.Drifted.Count > 0 ? 3 : 0;
    }

    private static void WriteSummary(JobSummary summary, string path, string format)
    {
        var backedUp = summary.Results.Count(r => r.Module == Core.Playbooks.Modules.BackupModule.ModuleName && r.Outcome is TaskOutcome.Ok or TaskOutcome.Changed);
        var failed = summary.Recap.Count(r => r.Failed > 0 || r.Unreachable > 0);
        var archive = summary.Archive;
        if (format == "json")
        {
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                job = summary.JobId, devices = summary.Recap.Count, backed_up = backedUp, failed, commit = archive?.Commit,
                changed = archive?.Changed ?? [], drift = archive?.Drifted ?? [], archive = path, error = archive?.Error,
                seconds = Math.Round(summary.Duration.TotalSeconds, 3),
            }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return;
        }

        Console.WriteLine($"job {summary.JobId}: {summary.Recap.Count} device(s), {backedUp} backed up, {failed} failed, "
            + $"{archive?.Changed.Count ?? 0} changed, {archive?.Drifted.Count ?? 0} drifted, in {summary.Duration.TotalSeconds:0.0} s");
        Console.WriteLine(archive switch
        {
            { Error: { } error } => $"not archived: {error}",
            { Commit: { } commit } => $"commit {commit[..12]} in {path}",
            _ => $"no commit: nothing differs from {path}",
        });
        if (archive?.Drifted.Count > 0) Console.WriteLine($"drift on {string.Join(", ", archive.Drifted)}: netfleet drift shows the diffs");
    }
}

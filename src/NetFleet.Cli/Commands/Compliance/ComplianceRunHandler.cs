using System.CommandLine;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;
using NetFleet.Cli.Output;
using NetFleet.Core.Compliance;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Results;
using NetFleet.Node;
using Spectre.Console;

namespace NetFleet.Cli.Commands;

internal sealed record ComplianceRunOptions(string Rules, DirectoryInfo Inventory, string? Limit, string Output, FileInfo? OutFile, bool Remediate,
    bool NoApproval, FileInfo? KnownHosts, bool TrustNewHostKeys, string? Store, string? Configs, string? ConfigsRemote);

/// <summary>
/// <c>netfleet compliance run</c>: a job of the built-in compliance playbook, then the grid of devices × rules. With
/// <c>--remediate</c>, the failed rules' remediation lines go out in a follow-up job (canary first, each batch approved
/// unless <c>--no-approval</c>) that checks the devices again; the grid then shows the state after it.
/// Exit codes: 0 compliant (or only warnings and info), 2 a rule of severity error fails, 1 a job failed or could not start.
/// </summary>
internal sealed class ComplianceRunHandler
{
    public static Command Command()
    {
        var rules = new Option<string>("--rules", "-r")
        {
            Description = "A rule file or a folder of *.yaml rule files", DefaultValueFactory = _ => "compliance",
        };
        var inventory = new Option<DirectoryInfo>("--inventory", "-i")
        {
            Description = "Inventory folder with hosts.yaml, groups.yaml, defaults.yaml", DefaultValueFactory = _ => new DirectoryInfo("inventory"),
        };
        var limit = new Option<string?>("--limit", "-l") { Description = "Only these hosts (as for run)" };
        var output = RunHandler.ResultsOutputOption();
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the report to this file (json unless -o says csv or xml)" };
        var remediate = new Option<bool>("--remediate")
        {
            Description = "Push the failed rules' remediation in a follow-up job: one canary device, then the rest, each batch waiting for 'netfleet jobs approve ID'",
        };
        var noApproval = new Option<bool>("--no-approval") { Description = "With --remediate: do not wait for approvals" };
        var knownHosts = new Option<FileInfo?>("--known-hosts") { Description = "known_hosts file to verify device host keys against" };
        var trustNew = new Option<bool>("--trust-new-host-keys") { Description = "Accept and record the host key of a device seen for the first time" };
        var store = StoreOption.Create();
        var configs = ConfigsOptions.Path();
        var configsRemote = ConfigsOptions.Remote();
        var command = new Command("run", """
            Check devices against compliance rules and print a grid of devices x rules (pass, or FAIL / WARN / INFO by
            severity) with a summary; every verdict is stored in the job history (netfleet compliance report). Exits 2
            when a rule of severity error fails, 1 when the job itself failed (bad rules, a device unreachable), 0 otherwise.
            """)
        {
            rules, inventory, limit, output, outFile, remediate, noApproval, knownHosts, trustNew, store, configs, configsRemote,
        };
        command.SetAction((parse, ct) => new ComplianceRunHandler().RunAsync(new ComplianceRunOptions(parse.GetValue(rules)!, parse.GetValue(inventory)!,
            parse.GetValue(limit), parse.GetValue(output)!, parse.GetValue(outFile), parse.GetValue(remediate), parse.GetValue(noApproval),
            parse.GetValue(knownHosts), parse.GetValue(trustNew), parse.GetValue(store), parse.GetValue(configs), parse.GetValue(configsRemote)), ct));
        return command;
    }

    public async Task<int> RunAsync(ComplianceRunOptions options, CancellationToken ct)
    {
        var stderr = Consoles.Error();
        var rulesPath = Path.GetFullPath(options.Rules);
        var loaded = ComplianceRuleLoader.Load(rulesPath);
        if (loaded.Diagnostics.Count > 0) stderr.WriteLine(DiagnosticFormatter.FormatAll(loaded.Diagnostics));
        // 2 means "a rule of severity error fails": a run that could not start is a failed job (1) instead.
        if (!loaded.Succeeded) return 1;
        if (!options.Inventory.Exists)
        {
            stderr.WriteLine($"{options.Inventory.FullName}: no such inventory folder (give one with -i)");
            return 1;
        }

        var logPath = Path.Combine(".netfleet", "logs", $"compliance-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        await using var log = (Serilog.Core.Logger)Logging.ForJob(false, logPath);
        await using var node = await NetFleetNode.StartAsync(JobStore.Resolve(options.Store), log, cancellationToken: ct);

        var check = await RunJobAsync(node, "compliance", BuiltInPlaybooks.Compliance(rulesPath), options, options.Limit, stderr, ct);
        if (check is null) return 1;
        var verdicts = ComplianceVerdict.FromResults(check.Results);
        var failedJob = RunHandler.ExitCode(check) != 0;

        var remediation = verdicts.Where(v => !v.Passed && v.Remediation.Count > 0).GroupBy(v => v.Device)
            .ToDictionary(g => g.Key, g => loaded.Rules!.Remediation(g.Select(v => (v.Rule, v.Remediation))), StringComparer.Ordinal);
        if (options.Remediate && remediation.Count > 0)
        {
            stderr.MarkupLine($"[yellow]remediating {remediation.Count} device(s): {Markup.Escape(string.Join(", ", remediation.Keys.Order(StringComparer.Ordinal)))}[/]");
            var fix = await RunJobAsync(node, "compliance-remediation", BuiltInPlaybooks.Remediation(rulesPath, remediation, approval: !options.NoApproval),
                options, null, stderr, ct);
            if (fix is null) return 1;
            failedJob |= RunHandler.ExitCode(fix) != 0;
            var after = ComplianceVerdict.FromResults(fix.Results);
            verdicts = [.. verdicts.Where(v => !after.Any(a => a.Device == v.Device)), .. after];
            verdicts = [.. verdicts.OrderBy(v => v.Device, StringComparer.Ordinal).ThenBy(v => v.Rule, StringComparer.Ordinal)];
        }
        else if (options.Remediate)
        {
            stderr.MarkupLine("[grey]nothing to remediate[/]");
        }

        Write(options, verdicts);
        stderr.WriteLine(ComplianceReport.Summary(verdicts));
        return failedJob ? 1 : verdicts.Any(v => v.FailsError) ? 2 : 0;
    }

    /// <summary>Runs one built-in playbook as a job (journaled like any other, so jobs show, resume and approve work on it).</summary>
    private static async Task<JobSummary?> RunJobAsync(NetFleetNode node, string name, string playbook, ComplianceRunOptions options, string? limit,
        IAnsiConsole stderr, CancellationToken ct)
    {
        var jobOptions = new JobOptions(Environment.UserName)
        {
            JobId = JobLauncher.NewJobId(),
            InventoryPath = options.Inventory.FullName,
            Limit = limit,
            TrustNewHostKeys = options.TrustNewHostKeys,
            KnownHostsPath = options.KnownHosts?.FullName,
            // The remediation's changes go to the archive like any job's, or the next backup would call them drift.
            Configs = ConfigsOptions.Archive(options.Configs, options.ConfigsRemote),
        };
        var request = new JobRequest(BuiltInPlaybooks.PathOf(name), jobOptions) { PlaybookText = playbook };
        var (job, check) = await JobLauncher.PrepareAsync(request, ct);
        if (check.Diagnostics.Count > 0) stderr.WriteLine(DiagnosticFormatter.FormatAll(check.Diagnostics));
        if (job is null) return null;

        stderr.MarkupLine($"[grey]job {job.JobId} ({name}) recorded in {Markup.Escape(node.Store.Display)}[/]");
        var display = new ProgressDisplay(stderr, Console.Error, live: !Console.IsErrorRedirected && stderr.Profile.Capabilities.Interactive);
        var summary = await display.RunAsync(node.Runner.RunAsync(job, jobOptions, display.OnEvent, ct));
        Recap.Write(stderr, summary);
        return summary;
    }

    private static void Write(ComplianceRunOptions options, IReadOnlyList<ComplianceVerdict> verdicts)
    {
        if (options.Output == "table" && options.OutFile is null)
        {
            ComplianceReport.Grid(verdicts).WriteToOutput();
            if (verdicts.Any(v => !v.Passed))
            {
                Console.WriteLine();
                ComplianceReport.Failures(verdicts).WriteToOutput();
            }

            return;
        }

        var format = options.Output == "table" ? "json" : options.Output;
        if (options.OutFile is null)
        {
            ComplianceReport.Export(Console.Out, format, verdicts);
            return;
        }

        using var writer = new StreamWriter(options.OutFile.FullName);
        ComplianceReport.Export(writer, format, verdicts);
    }
}

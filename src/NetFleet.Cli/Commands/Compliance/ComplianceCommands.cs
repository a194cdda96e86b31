using System.CommandLine;
using System.Globalization;
using NetFleet.Cli.Output;
using NetFleet.Core.Playbooks;

namespace NetFleet.Cli.Commands;

internal sealed record ComplianceReportOptions(string? Since, string Output, FileInfo? OutFile, string? Store);

/// <summary><c>netfleet compliance run|report</c>: check devices against golden rules, and read the verdicts back from the history.</summary>
internal static class ComplianceCommands
{
    public static Command Create()
    {
        var command = new Command("compliance", "Check devices against compliance rules (compliance/*.yaml) and report the results over time");
        command.Subcommands.Add(ComplianceRunHandler.Command());
        command.Subcommands.Add(ReportCommand());
        return command;
    }

    private static Command ReportCommand()
    {
        var since = new Option<string?>("--since") { Description = "Only runs since then: a duration back from now (24h, 30m) or an ISO 8601 time" };
        var output = RunHandler.ResultsOutputOption();
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the report to this file (json unless -o says csv or xml)" };
        var store = StoreOption.Create();
        var command = new Command("report", """
            The latest verdict of every device and rule from the job history, and each rule's trend: devices passing out
            of devices checked, per compliance run. JSON and XML carry both; CSV the verdicts.
            """)
        {
            since, output, outFile, store,
        };
        command.SetAction((parse, ct) => ReportAsync(new ComplianceReportOptions(parse.GetValue(since), parse.GetValue(output)!, parse.GetValue(outFile),
            parse.GetValue(store)), ct));
        return command;
    }

    private static async Task<int> ReportAsync(ComplianceReportOptions options, CancellationToken ct)
    {
        DateTimeOffset? since = null;
        if (options.Since is { } text)
        {
            if (Duration.TryParse(text, out var back)) since = DateTimeOffset.UtcNow - back;
            else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) since = at;
            else
            {
                await Console.Error.WriteLineAsync($"--since '{text}' is neither a duration (24h, 30m) nor a time (2026-12-01T00:00:00Z)");
                return 2;
            }
        }

        var history = await JobsCommands.QueryHistoryAsync(options.Store, ct);
        var latest = (await history.LatestComplianceAsync(since, ct))
            .Select(r => new ComplianceVerdict(r.JobId, r.Device, r.Rule, r.Severity, r.Passed, r.Message, r.Remediation, r.At)).ToList();
        var trends = (await history.ComplianceTrendAsync(since, ct)).GroupBy(t => t.Rule).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ComplianceTrend(g.Key, g.Select(t => (t.JobId, t.At, t.Passed, t.Checked)).ToList())).ToList();
        if (options.Output == "table" && options.OutFile is null)
        {
            ComplianceReport.Grid(latest).WriteToOutput();
            Console.WriteLine();
            ComplianceReport.Trend(trends).WriteToOutput();
            Console.WriteLine(ComplianceReport.Summary(latest));
            return 0;
        }

        var format = options.Output == "table" ? "json" : options.Output;
        if (options.OutFile is null)
        {
            ComplianceReport.Export(Console.Out, format, latest, trends);
            return 0;
        }

        await using var writer = new StreamWriter(options.OutFile.FullName);
        ComplianceReport.Export(writer, format, latest, trends);
        return 0;
    }
}

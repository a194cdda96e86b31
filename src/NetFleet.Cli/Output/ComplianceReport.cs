using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using CsvHelper;
using NetFleet.Core.Results;

namespace NetFleet.Cli.Output;

/// <summary>One rule's verdict on one device, as a run or the history gives it.</summary>
internal sealed record ComplianceVerdict(string JobId, string Device, string Rule, string Severity, bool Passed, string Message,
    IReadOnlyList<string> Remediation, DateTimeOffset At)
{
    public bool FailsError => !Passed && Severity == "error";

    /// <summary>The verdicts of a job's compliance task results (the <c>parsed</c> records the module registers); the last
    /// compliance task of each device wins (after a remediation, the check that followed it).</summary>
    public static IReadOnlyList<ComplianceVerdict> FromResults(IEnumerable<TaskResult> results) =>
        results.Where(r => r.Module == "compliance" && r.Parsed is IEnumerable<object?>)
            .GroupBy(r => r.Device).Select(g => g.MaxBy(r => (r.PlayIndex, r.TaskIndex))!)
            .SelectMany(r => ((IEnumerable<object?>)r.Parsed!).OfType<IReadOnlyDictionary<string, object?>>().Select(d => new ComplianceVerdict(
                r.JobId, r.Device, d.GetValueOrDefault("rule") as string ?? "", d.GetValueOrDefault("severity") as string ?? "error",
                d.GetValueOrDefault("passed") is true, d.GetValueOrDefault("message") as string ?? "",
                (d.GetValueOrDefault("remediation") as IEnumerable<object?> ?? []).Select(l => l?.ToString() ?? "").ToList(), r.StartedAt)))
            .OrderBy(v => v.Device, StringComparer.Ordinal).ThenBy(v => v.Rule, StringComparer.Ordinal).ToList();
}

/// <summary>A rule's record over runs: devices passing out of devices checked, per run (oldest first).</summary>
internal sealed record ComplianceTrend(string Rule, IReadOnlyList<(string JobId, DateTimeOffset At, int Passed, int Checked)> Runs);

/// <summary>
/// Compliance for people (a grid of devices × rules, failures by severity, a summary) and for programs: JSON, CSV and XML
/// with the same fields per verdict (job_id, device, rule, severity, passed, message, remediation, at).
/// </summary>
internal static class ComplianceReport
{
    public static readonly string[] Fields = ["job_id", "device", "rule", "severity", "passed", "message", "remediation", "at"];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>PASS, or the failure by severity (FAIL for errors, WARN, INFO); "-" where the rule does not apply.</summary>
    public static string Cell(ComplianceVerdict? v) => v switch
    {
        null => "-",
        { Passed: true } => "pass",
        { Severity: "warning" } => "WARN",
        { Severity: "info" } => "INFO",
        _ => "FAIL",
    };

    public static TextTable Grid(IReadOnlyList<ComplianceVerdict> verdicts)
    {
        var rules = verdicts.Select(v => v.Rule).Distinct().Order(StringComparer.Ordinal).ToList();
        var table = new TextTable([new TableColumn("device"), .. rules.Select(r => new TableColumn(r))]);
        foreach (var device in verdicts.GroupBy(v => v.Device).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            table.Add([device.Key, .. rules.Select(r => Cell(device.FirstOrDefault(v => v.Rule == r)))]);
        }

        return table;
    }

    public static TextTable Failures(IEnumerable<ComplianceVerdict> verdicts)
    {
        var table = new TextTable(new("device"), new("rule"), new("severity"), new("message", Wraps: true));
        foreach (var v in verdicts.Where(v => !v.Passed)) table.Add(v.Device, v.Rule, v.Severity, v.Message);
        return table;
    }

    public static string Summary(IReadOnlyList<ComplianceVerdict> verdicts)
    {
        var devices = verdicts.Select(v => v.Device).Distinct().Count();
        var compliant = verdicts.GroupBy(v => v.Device).Count(g => g.All(v => v.Passed));
        int Failing(string severity) => verdicts.Count(v => !v.Passed && v.Severity == severity);
        return $"{compliant} of {devices} device(s) compliant; {verdicts.Count(v => !v.Passed)} failed check(s): "
            + $"{Failing("error")} error, {Failing("warning")} warning, {Failing("info")} info";
    }

    public static TextTable Trend(IReadOnlyList<ComplianceTrend> trends)
    {
        var table = new TextTable(new("rule"), new("latest", AlignRight: true), new("runs (passed/checked, oldest first)", Wraps: true));
        foreach (var t in trends)
        {
            var last = t.Runs[^1];
            table.Add(t.Rule, $"{last.Passed}/{last.Checked}", string.Join(" ", t.Runs.Select(r => $"{r.Passed}/{r.Checked}")));
        }

        return table;
    }

    /// <summary>The verdicts (and the trend, when given) as JSON, CSV or XML. CSV has one table, so it holds the verdicts only.</summary>
    public static void Export(TextWriter writer, string format, IReadOnlyList<ComplianceVerdict> verdicts, IReadOnlyList<ComplianceTrend>? trends = null)
    {
        switch (format)
        {
            case "json":
                var rows = verdicts.Select(v => Fields.Zip(Values(v)).ToDictionary(p => p.Item1, p => p.Item2)).ToList();
                object document = trends is null ? rows : new Dictionary<string, object>
                {
                    ["latest"] = rows,
                    ["trend"] = trends.Select(t => new Dictionary<string, object>
                    {
                        ["rule"] = t.Rule,
                        ["runs"] = t.Runs.Select(r => new Dictionary<string, object>
                        {
                            ["job_id"] = r.JobId, ["at"] = r.At.ToString("O", CultureInfo.InvariantCulture), ["passed"] = r.Passed, ["checked"] = r.Checked,
                        }).ToList(),
                    }).ToList(),
                };
                writer.WriteLine(JsonSerializer.Serialize(document, Json));
                break;
            case "csv":
                using (var csv = CsvWriter.Create(writer, new CsvWriterOptions(), true))
                {
                    csv.WriteHeader([.. Fields]);
                    foreach (var v in verdicts) csv.WriteRecord(Values(v).Select(Text).ToArray());
                }

                break;
            case "xml":
                var root = new XElement("compliance", verdicts.Select(v => new XElement("verdict", Fields.Zip(Values(v)).Select(p => new XElement(p.Item1, Text(p.Item2))))));
                if (trends is not null)
                {
                    root.Add(new XElement("trend", trends.Select(t => new XElement("rule", new XAttribute("name", t.Rule),
                        t.Runs.Select(r => new XElement("run", new XAttribute("job_id", r.JobId), new XAttribute("at", r.At.ToString("O", CultureInfo.InvariantCulture)),
                            new XAttribute("passed", r.Passed), new XAttribute("checked", r.Checked)))))));
                }

                new XDocument(root).Save(writer);
                writer.WriteLine();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "an export format: json, csv or xml");
        }
    }

    private static object?[] Values(ComplianceVerdict v) =>
        [v.JobId, v.Device, v.Rule, v.Severity, v.Passed, v.Message, string.Join('\n', v.Remediation), v.At.ToString("O", CultureInfo.InvariantCulture)];

    private static string Text(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

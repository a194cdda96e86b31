using System.Data.Common;
using System.Text.Json;
using NetFleet.Actors.Jobs;

namespace NetFleet.Node.History;

/// <summary>One rule's verdict on one device in one compliance task of a job.</summary>
public sealed record ComplianceRow(string JobId, int PlayIndex, string Device, string Rule, string Severity, bool Passed, string Message,
    IReadOnlyList<string> Remediation, DateTimeOffset At);

/// <summary>How one rule fared in one compliance run (a job's compliance task): devices passing out of devices checked.</summary>
public sealed record ComplianceTrendRow(string JobId, int PlayIndex, DateTimeOffset At, string Rule, int Passed, int Checked);

/// <summary>The compliance table: every rule's verdict per device from the <c>compliance</c> tasks' results in the journal,
/// so the latest state and the trend over runs can be asked for.</summary>
public sealed partial class HistoryStore
{
    /// <summary>The module whose task results fill the table.</summary>
    public const string ComplianceModule = "compliance";

    private static readonly string[] ComplianceSchema =
    [
        """
        CREATE TABLE IF NOT EXISTS nf_compliance (
          job_id TEXT NOT NULL, play_index INTEGER NOT NULL, task_index INTEGER NOT NULL, device TEXT NOT NULL, rule TEXT NOT NULL,
          severity TEXT NOT NULL, passed INTEGER NOT NULL, message TEXT NOT NULL, remediation TEXT NOT NULL, at BIGINT NOT NULL,
          PRIMARY KEY (job_id, play_index, task_index, device, rule))
        """,
        "CREATE INDEX IF NOT EXISTS ix_nf_compliance_device_rule ON nf_compliance (device, rule, at)",
        "CREATE INDEX IF NOT EXISTS ix_nf_compliance_at ON nf_compliance (at)",
    ];

    private static async Task ComplianceAsync(DbConnection c, DbTransaction tx, JobJournal.TaskFinished t, CancellationToken ct)
    {
        if (t.Data is not { ValueKind: JsonValueKind.Object } data || !data.TryGetProperty("parsed", out var parsed)
            || parsed.ValueKind != JsonValueKind.Array) return;
        foreach (var rule in parsed.EnumerateArray())
        {
            if (rule.ValueKind != JsonValueKind.Object || !rule.TryGetProperty("rule", out var name)) continue;
            var remediation = rule.TryGetProperty("remediation", out var lines) && lines.ValueKind == JsonValueKind.Array
                ? string.Join('\n', lines.EnumerateArray().Select(l => l.GetString()))
                : "";
            await ExecuteAsync(c, tx, """
                INSERT INTO nf_compliance (job_id, play_index, task_index, device, rule, severity, passed, message, remediation, at)
                VALUES (@id, @play, @task, @device, @rule, @severity, @passed, @message, @remediation, @at)
                ON CONFLICT (job_id, play_index, task_index, device, rule) DO NOTHING
                """, ct, ("id", t.JobId), ("play", t.PlayIndex), ("task", t.TaskIndex), ("device", t.Device), ("rule", name.GetString()),
                ("severity", Property(rule, "severity") ?? "error"), ("passed", rule.TryGetProperty("passed", out var p) && p.ValueKind == JsonValueKind.True ? 1 : 0),
                ("message", Property(rule, "message") ?? ""), ("remediation", remediation), ("at", Ms(t.At)));
        }
    }

    private static string? Property(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Each device's latest verdict per rule (from its most recent compliance run at or after
    /// <paramref name="since"/>), by device and rule.</summary>
    public Task<IReadOnlyList<ComplianceRow>> LatestComplianceAsync(DateTimeOffset? since = null, CancellationToken ct = default) =>
        QueryAsync("""
            SELECT c.job_id, c.play_index, c.device, c.rule, c.severity, c.passed, c.message, c.remediation, c.at FROM nf_compliance c
            WHERE c.at >= @since AND c.at = (SELECT MAX(l.at) FROM nf_compliance l WHERE l.device = c.device AND l.rule = c.rule)
            ORDER BY c.device, c.rule
            """, ReadCompliance, ct, ("since", Ms(since ?? DateTimeOffset.UnixEpoch)));

    /// <summary>Every verdict of one compliance run (a job's compliance task), by device and rule.</summary>
    public Task<IReadOnlyList<ComplianceRow>> ComplianceOfJobAsync(string jobId, CancellationToken ct = default) =>
        QueryAsync("""
            SELECT job_id, play_index, device, rule, severity, passed, message, remediation, at FROM nf_compliance
            WHERE job_id = @id ORDER BY play_index, device, rule
            """, ReadCompliance, ct, ("id", jobId));

    /// <summary>Per run (job and play) and rule: how many devices passed out of those checked, oldest run first.</summary>
    public Task<IReadOnlyList<ComplianceTrendRow>> ComplianceTrendAsync(DateTimeOffset? since = null, CancellationToken ct = default) =>
        QueryAsync("""
            SELECT job_id, play_index, MIN(at), rule, SUM(passed), COUNT(*) FROM nf_compliance WHERE at >= @since
            GROUP BY job_id, play_index, rule ORDER BY MIN(at), job_id, play_index, rule
            """, r => new ComplianceTrendRow(r.GetString(0), r.GetInt32(1), FromMs(r.GetInt64(2)), r.GetString(3), Convert.ToInt32(r.GetValue(4),
                System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(r.GetValue(5), System.Globalization.CultureInfo.InvariantCulture)),
            ct, ("since", Ms(since ?? DateTimeOffset.UnixEpoch)));

    private static ComplianceRow ReadCompliance(DbDataReader r) => new(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetInt32(5) != 0, r.GetString(6), r.GetString(7).Split('\n', StringSplitOptions.RemoveEmptyEntries), FromMs(r.GetInt64(8)));
}

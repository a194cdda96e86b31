using System.Data.Common;
using System.Text.Json;
using NetFleet.Actors.Jobs;

namespace NetFleet.Node.History;

/// <summary>The gates' table: one row per play and batch, filled by the baseline, the measurement after the batch and the
/// verdict as their events arrive.</summary>
public sealed partial class HistoryStore
{
    private static readonly string[] GateSchema =
    [
        """
        CREATE TABLE IF NOT EXISTS nf_gates (
          job_id TEXT NOT NULL, play_index INTEGER NOT NULL, batch_index INTEGER NOT NULL,
          baseline_at BIGINT, baseline_loss DOUBLE PRECISION, baseline_latency_ms DOUBLE PRECISION, baseline_if_error_rate DOUBLE PRECISION,
          baseline_rst_rate DOUBLE PRECISION, baseline TEXT,
          measured_at BIGINT, measured_loss DOUBLE PRECISION, measured_latency_ms DOUBLE PRECISION, measured_if_error_rate DOUBLE PRECISION,
          measured_rst_rate DOUBLE PRECISION, measured TEXT,
          verdict TEXT, failures TEXT, notes TEXT, judged_at BIGINT,
          PRIMARY KEY (job_id, play_index, batch_index))
        """,
    ];

    private static readonly JsonSerializerOptions GateJson = new(JsonSerializerDefaults.Web);

    private static async Task GateMeasuredAsync(DbConnection c, DbTransaction tx, JobJournal.GateMeasured g, CancellationToken ct)
    {
        var m = g.Measurement;
        // The phase picks the column set (one of two fixed prefixes), never outside text.
        var prefix = g.Phase == "baseline" ? "baseline" : "measured";
        await ExecuteAsync(c, tx, "INSERT INTO nf_gates (job_id, play_index, batch_index) VALUES (@id, @play, @batch) ON CONFLICT (job_id, play_index, batch_index) DO NOTHING",
            ct, ("id", g.JobId), ("play", g.PlayIndex), ("batch", g.BatchIndex));
        await ExecuteAsync(c, tx, $"""
            UPDATE nf_gates SET {prefix}_at = @at, {prefix}_loss = @loss, {prefix}_latency_ms = @latency, {prefix}_if_error_rate = @errors,
              {prefix}_rst_rate = @rst, {prefix} = @json
            WHERE job_id = @id AND play_index = @play AND batch_index = @batch
            """, ct, ("id", g.JobId), ("play", g.PlayIndex), ("batch", g.BatchIndex), ("at", Ms(g.At)),
            ("loss", Nullable(m.Probes.Count == 0 ? null : m.Probes.Max(p => p.LossPercent))),
            ("latency", Nullable(m.Probes.Max(p => p.AvgMs))),
            ("errors", Nullable(m.Devices.Max(d => d.ErrorsPerSecond))),
            ("rst", Nullable(m.RstPerSecond)),
            ("json", JsonSerializer.Serialize(m, GateJson)));
    }

    private static async Task GateJudgedAsync(DbConnection c, DbTransaction tx, JobJournal.GateJudged j, CancellationToken ct)
    {
        await ExecuteAsync(c, tx, "INSERT INTO nf_gates (job_id, play_index, batch_index) VALUES (@id, @play, @batch) ON CONFLICT (job_id, play_index, batch_index) DO NOTHING",
            ct, ("id", j.JobId), ("play", j.PlayIndex), ("batch", j.BatchIndex));
        await ExecuteAsync(c, tx, """
            UPDATE nf_gates SET verdict = @verdict, failures = @failures, notes = @notes, judged_at = @at
            WHERE job_id = @id AND play_index = @play AND batch_index = @batch
            """, ct, ("id", j.JobId), ("play", j.PlayIndex), ("batch", j.BatchIndex), ("verdict", j.Passed ? "passed" : "failed"),
            ("failures", string.Join('\n', j.Failures)), ("notes", string.Join('\n', j.Notes)), ("at", Ms(j.At)));
    }

    /// <summary>A job's gates, by play and batch.</summary>
    public Task<IReadOnlyList<GateRow>> GatesAsync(string jobId, CancellationToken ct = default) =>
        QueryAsync("""
            SELECT job_id, play_index, batch_index, baseline_at, baseline_loss, baseline_latency_ms, baseline_if_error_rate, baseline_rst_rate,
              baseline, measured_at, measured_loss, measured_latency_ms, measured_if_error_rate, measured_rst_rate, measured, verdict, failures,
              notes, judged_at
            FROM nf_gates WHERE job_id = @id ORDER BY play_index, batch_index
            """, r => new GateRow(r.GetString(0), r.GetInt32(1), r.GetInt32(2), At(r, 3), Double(r, 4), Double(r, 5), Double(r, 6), Double(r, 7),
            Text(r, 8), At(r, 9), Double(r, 10), Double(r, 11), Double(r, 12), Double(r, 13), Text(r, 14), Text(r, 15), Lines(r, 16), Lines(r, 17),
            At(r, 18)), ct, ("id", jobId));

    /// <summary>A null number as a typed database null, so PostgreSQL knows the parameter's type.</summary>
    private static object Nullable(double? value) => value is { } v ? v : DBNull.Value;

    private static double? Double(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static DateTimeOffset? At(DbDataReader r, int i) => r.IsDBNull(i) ? null : FromMs(r.GetInt64(i));

    private static IReadOnlyList<string> Lines(DbDataReader r, int i) =>
        r.IsDBNull(i) ? [] : r.GetString(i).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

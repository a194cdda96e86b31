using System.Data.Common;
using NetFleet.Actors.Jobs;

namespace NetFleet.Node.History;

/// <summary>A configuration found different from the last one NetFleet wrote or saw of the device (see
/// <see cref="JobJournal.ConfigDrifted"/>).</summary>
public sealed record DriftRow(string JobId, string Device, DateTimeOffset At, string Diff, string? ChangedBy, DateTimeOffset? ChangedAt,
    string Expected, string Source);

/// <summary>Drift: one row per drifted device, job and source (backup, pre-change).</summary>
public sealed partial class HistoryStore
{
    private static readonly string[] DriftSchema =
    [
        """
        CREATE TABLE IF NOT EXISTS nf_drift (
          job_id TEXT NOT NULL, device TEXT NOT NULL, at BIGINT NOT NULL, diff TEXT NOT NULL, changed_by TEXT, changed_at BIGINT,
          expected TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (job_id, device, source))
        """,
        "CREATE INDEX IF NOT EXISTS nf_drift_device ON nf_drift (device, at)",
    ];

    private static Task DriftedAsync(DbConnection c, DbTransaction tx, JobJournal.ConfigDrifted d, CancellationToken ct) =>
        ExecuteAsync(c, tx, """
            INSERT INTO nf_drift (job_id, device, at, diff, changed_by, changed_at, expected, source)
            VALUES (@id, @device, @at, @diff, @by, @changed, @expected, @source)
            ON CONFLICT (job_id, device, source) DO NOTHING
            """, ct, ("id", d.JobId), ("device", d.Device), ("at", Ms(d.At)), ("diff", d.Diff), ("by", d.ChangedBy),
            ("changed", d.ChangedAt is { } at ? Ms(at) : DBNull.Value), ("expected", d.Expected), ("source", d.Source));

    /// <summary>Drift, newest first; of one device when <paramref name="device"/> is given.</summary>
    public Task<IReadOnlyList<DriftRow>> DriftAsync(string? device = null, int limit = 200, CancellationToken ct = default) =>
        QueryAsync($"""
            SELECT job_id, device, at, diff, changed_by, changed_at, expected, source FROM nf_drift
            {(device is null ? "" : "WHERE device = @device")} ORDER BY at DESC, device LIMIT @limit
            """, r => new DriftRow(r.GetString(0), r.GetString(1), FromMs(r.GetInt64(2)), r.GetString(3), Text(r, 4), At(r, 5), r.GetString(6),
            r.GetString(7)), ct, device is null ? [("limit", limit)] : [("device", device), ("limit", limit)]);
}

using System.Data.Common;
using NetFleet.Actors.Jobs;

namespace NetFleet.Node.History;

/// <summary>A configuration found different from the last one NetFleet wrote or saw of the device (see
/// <see cref="JobJournal.ConfigDrifted"/>).</summary>
public sealed record DriftRow(string JobId, string Device, DateTimeOffset At, string Diff, string? ChangedBy, DateTimeOffset? ChangedAt,
    string Expected, string Source);

/// <summary>A job's commit to the configuration archive.</summary>
public sealed record ArchiveRow(string JobId, DateTimeOffset At, string? Commit, IReadOnlyList<string> Devices, IReadOnlyList<string> Changed,
    IReadOnlyList<string> Drifted, string? Error);

/// <summary>Drift and the archive's commits: one row per drifted device and job, one per job's commit.</summary>
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
        """
        CREATE TABLE IF NOT EXISTS nf_config_commits (
          job_id TEXT PRIMARY KEY, at BIGINT NOT NULL, commit_id TEXT, devices TEXT NOT NULL, changed TEXT NOT NULL, drifted TEXT NOT NULL, error TEXT)
        """,
    ];

    private static Task DriftedAsync(DbConnection c, DbTransaction tx, JobJournal.ConfigDrifted d, CancellationToken ct) =>
        ExecuteAsync(c, tx, """
            INSERT INTO nf_drift (job_id, device, at, diff, changed_by, changed_at, expected, source)
            VALUES (@id, @device, @at, @diff, @by, @changed, @expected, @source)
            ON CONFLICT (job_id, device, source) DO NOTHING
            """, ct, ("id", d.JobId), ("device", d.Device), ("at", Ms(d.At)), ("diff", d.Diff), ("by", d.ChangedBy),
            ("changed", d.ChangedAt is { } at ? Ms(at) : DBNull.Value), ("expected", d.Expected), ("source", d.Source));

    private static Task ArchivedAsync(DbConnection c, DbTransaction tx, JobJournal.ConfigsArchived a, CancellationToken ct) =>
        ExecuteAsync(c, tx, """
            INSERT INTO nf_config_commits (job_id, at, commit_id, devices, changed, drifted, error)
            VALUES (@id, @at, @commit, @devices, @changed, @drifted, @error)
            ON CONFLICT (job_id) DO NOTHING
            """, ct, ("id", a.JobId), ("at", Ms(a.At)), ("commit", a.Commit), ("devices", string.Join('\n', a.Devices)),
            ("changed", string.Join('\n', a.Changed)), ("drifted", string.Join('\n', a.Drifted)), ("error", a.Error));

    /// <summary>Drift, newest first; of one device when <paramref name="device"/> is given.</summary>
    public Task<IReadOnlyList<DriftRow>> DriftAsync(string? device = null, int limit = 200, CancellationToken ct = default) =>
        QueryAsync($"""
            SELECT job_id, device, at, diff, changed_by, changed_at, expected, source FROM nf_drift
            {(device is null ? "" : "WHERE device = @device")} ORDER BY at DESC, device LIMIT @limit
            """, r => new DriftRow(r.GetString(0), r.GetString(1), FromMs(r.GetInt64(2)), r.GetString(3), Text(r, 4), At(r, 5), r.GetString(6),
            r.GetString(7)), ct, device is null ? [("limit", limit)] : [("device", device), ("limit", limit)]);

    /// <summary>The archive's commits by job, newest first.</summary>
    public Task<IReadOnlyList<ArchiveRow>> ConfigCommitsAsync(int limit = 200, CancellationToken ct = default) =>
        QueryAsync("""
            SELECT job_id, at, commit_id, devices, changed, drifted, error FROM nf_config_commits ORDER BY at DESC LIMIT @limit
            """, r => new ArchiveRow(r.GetString(0), FromMs(r.GetInt64(1)), Text(r, 2), Lines(r, 3), Lines(r, 4), Lines(r, 5), Text(r, 6)), ct,
            ("limit", limit));
}

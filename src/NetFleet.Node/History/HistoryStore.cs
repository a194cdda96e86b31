using System.Data.Common;
using Microsoft.Data.Sqlite;
using NetFleet.Actors.Jobs;
using Npgsql;

namespace NetFleet.Node.History;

/// <summary>
/// The job history's tables (jobs, per-device task results, configuration changes, captures, gates, the projection's offset) and
/// their queries, in plain ADO.NET SQL that SQLite and PostgreSQL both accept. The tables are created on first
/// use. Times are Unix milliseconds, so both databases compare and index them the same way.
/// </summary>
public sealed partial class HistoryStore(JobStore store)
{
    private const string ProjectionName = "history";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS nf_jobs (
          job_id TEXT PRIMARY KEY, status TEXT NOT NULL, playbook TEXT NOT NULL, user_name TEXT NOT NULL,
          playbook_hash TEXT NOT NULL, submitted_at BIGINT NOT NULL, finished_at BIGINT, devices INTEGER NOT NULL,
          ok INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
          unreachable INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, resumes INTEGER NOT NULL DEFAULT 0,
          halt_reason TEXT)
        """,
        "CREATE INDEX IF NOT EXISTS ix_nf_jobs_submitted ON nf_jobs (submitted_at)",
        "CREATE INDEX IF NOT EXISTS ix_nf_jobs_status ON nf_jobs (status, submitted_at)",
        "CREATE INDEX IF NOT EXISTS ix_nf_jobs_user ON nf_jobs (user_name, submitted_at)",
        "CREATE INDEX IF NOT EXISTS ix_nf_jobs_playbook ON nf_jobs (playbook, submitted_at)",
        """
        CREATE TABLE IF NOT EXISTS nf_task_results (
          job_id TEXT NOT NULL, device TEXT NOT NULL, play_index INTEGER NOT NULL, task_index INTEGER NOT NULL,
          item_index INTEGER NOT NULL, task TEXT NOT NULL, module TEXT NOT NULL, status TEXT NOT NULL, output TEXT,
          message TEXT, diff TEXT, item TEXT, started_at BIGINT NOT NULL, duration_ms DOUBLE PRECISION NOT NULL,
          reconciled INTEGER NOT NULL, PRIMARY KEY (job_id, device, play_index, task_index, item_index))
        """,
        "CREATE INDEX IF NOT EXISTS ix_nf_task_results_device ON nf_task_results (device, job_id)",
        """
        CREATE TABLE IF NOT EXISTS nf_device_changes (
          job_id TEXT NOT NULL, device TEXT NOT NULL, play_index INTEGER NOT NULL, task_index INTEGER NOT NULL,
          item_index INTEGER NOT NULL, task TEXT NOT NULL, at BIGINT NOT NULL, before_config TEXT NOT NULL,
          after_config TEXT NOT NULL, diff TEXT NOT NULL, PRIMARY KEY (job_id, device, play_index, task_index, item_index))
        """,
        "CREATE INDEX IF NOT EXISTS ix_nf_device_changes_device ON nf_device_changes (device, at)",
        "CREATE TABLE IF NOT EXISTS nf_projection_offsets (name TEXT PRIMARY KEY, last_offset BIGINT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS nf_captures (
          job_id TEXT NOT NULL, capture_id TEXT NOT NULL, play_index INTEGER NOT NULL, batch_index INTEGER, sensor TEXT NOT NULL,
          sensor_address TEXT NOT NULL, interface TEXT NOT NULL, filter TEXT, status TEXT NOT NULL, error TEXT, started_at BIGINT NOT NULL,
          stopped_at BIGINT NOT NULL, stop_reason TEXT, duration_ms DOUBLE PRECISION NOT NULL, packets BIGINT NOT NULL, bytes BIGINT NOT NULL,
          packets_per_second DOUBLE PRECISION NOT NULL, bytes_per_second DOUBLE PRECISION NOT NULL, syn BIGINT NOT NULL, rst BIGINT NOT NULL,
          kernel_dropped BIGINT NOT NULL, other_dropped BIGINT NOT NULL, files TEXT NOT NULL, summary TEXT,
          PRIMARY KEY (job_id, capture_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS nf_job_details (
          job_id TEXT PRIMARY KEY, check_mode INTEGER NOT NULL, limit_text TEXT, inventory TEXT, device_list TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS nf_batches (
          job_id TEXT NOT NULL, play_index INTEGER NOT NULL, batch_index INTEGER NOT NULL, started_at BIGINT NOT NULL, device_list TEXT NOT NULL,
          PRIMARY KEY (job_id, play_index, batch_index))
        """,
        """
        CREATE TABLE IF NOT EXISTS nf_approval_gates (
          job_id TEXT NOT NULL, play_index INTEGER NOT NULL, batch_index INTEGER NOT NULL, requested_at BIGINT NOT NULL,
          approved_by TEXT, approved_at BIGINT, PRIMARY KEY (job_id, play_index, batch_index))
        """,
        "CREATE TABLE IF NOT EXISTS nf_audit (job_id TEXT NOT NULL, at BIGINT NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL, detail TEXT)",
        "CREATE INDEX IF NOT EXISTS ix_nf_audit_job ON nf_audit (job_id, at)",
    ];

    public JobStore Store => store;

    public DbConnection Connect() => store.Kind == StoreKind.Sqlite
        ? new SqliteConnection(store.ConnectionString)
        : new NpgsqlConnection(store.ConnectionString);

    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        if (store.Kind == StoreKind.Sqlite)
        {
            // WAL lets the journal's writer and the history's readers and writer work side by side.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", ct);
        }

        foreach (var statement in Schema.Concat(GateSchema).Concat(ComplianceSchema).Concat(DriftSchema)) await ExecuteAsync(connection, null, statement, ct);
    }

    public async Task<long> OffsetAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await OffsetAsync(connection, null, ct);
    }

    /// <summary>Whether the history holds every job event of the journal, answered from the tables alone: a reader that finds
    /// nothing new needs neither the actor system nor its read journal (most of a cold <c>jobs show</c>). The journal's tag
    /// table is Akka.Persistence.Sql's default mapping (<c>tags</c>: <c>ordering_id</c>, <c>tag</c>), and the history's
    /// offset is that ordering. A store without these tables yet is not caught up.</summary>
    public async Task<bool> CaughtUpAsync(CancellationToken ct = default)
    {
        try
        {
            await using var connection = await OpenAsync(ct);
            var offset = await OffsetAsync(connection, null, ct);
            await using var command = Command(connection, null,
                "SELECT COUNT(*) FROM (SELECT 1 FROM tags WHERE ordering_id > @offset AND tag = @tag LIMIT 1) newer",
                [("offset", offset), ("tag", JobJournal.Tag)]);
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0;
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>Applies events from the journal's tag stream with their offsets, once each: the stored offset is read
    /// and moved in the same transaction, so two processes catching up at once do not count an event twice.</summary>
    public async Task ApplyAsync(IReadOnlyList<(long Offset, JobJournal.IEvent Event)> events, CancellationToken ct = default)
    {
        if (events.Count == 0) return;
        await using var connection = await OpenAsync(ct);
        await using var tx = store.Kind == StoreKind.Sqlite
            ? ((SqliteConnection)connection).BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        if (store.Kind == StoreKind.Postgres)
        {
            await ExecuteAsync(connection, tx, $"INSERT INTO nf_projection_offsets (name, last_offset) VALUES ('{ProjectionName}', 0) ON CONFLICT (name) DO NOTHING", ct);
            await ExecuteAsync(connection, tx, $"SELECT last_offset FROM nf_projection_offsets WHERE name = '{ProjectionName}' FOR UPDATE", ct);
        }

        var stored = await OffsetAsync(connection, tx, ct);
        var last = stored;
        foreach (var (offset, e) in events)
        {
            if (offset <= stored) continue;
            await ApplyAsync(connection, tx, e, ct);
            last = Math.Max(last, offset);
        }

        await ExecuteAsync(connection, tx,
            "INSERT INTO nf_projection_offsets (name, last_offset) VALUES (@name, @offset) ON CONFLICT (name) DO UPDATE SET last_offset = excluded.last_offset",
            ct, ("name", ProjectionName), ("offset", last));
        await tx.CommitAsync(ct);
    }

    private static Task ApplyAsync(DbConnection c, DbTransaction tx, JobJournal.IEvent e, CancellationToken ct) => e switch
    {
        JobJournal.JobSubmitted s => SubmittedAsync(c, tx, s, ct),
        JobJournal.BatchStarted b => ExecuteAsync(c, tx, """
            INSERT INTO nf_batches (job_id, play_index, batch_index, started_at, device_list) VALUES (@id, @play, @batch, @at, @devices)
            ON CONFLICT (job_id, play_index, batch_index) DO NOTHING
            """, ct, ("id", b.JobId), ("play", b.PlayIndex), ("batch", b.BatchIndex), ("at", Ms(b.At)), ("devices", string.Join('\n', b.Devices))),
        JobJournal.JobResumed r => ExecuteAsync(c, tx, "UPDATE nf_jobs SET resumes = resumes + 1, status = 'running' WHERE job_id = @id",
            ct, ("id", r.JobId)),
        JobJournal.TaskFinished t => TaskFinishedAsync(c, tx, t, ct),
        // A resumed job asks again at a gate it was waiting at: the gate stays one row, still unapproved.
        JobJournal.ApprovalRequested a => ExecuteAsync(c, tx, """
            INSERT INTO nf_approval_gates (job_id, play_index, batch_index, requested_at) VALUES (@id, @play, @batch, @at)
            ON CONFLICT (job_id, play_index, batch_index) DO UPDATE SET requested_at = excluded.requested_at
            """, ct, ("id", a.JobId), ("play", a.PlayIndex), ("batch", a.BatchIndex), ("at", Ms(a.At))),
        JobJournal.BatchApproved a => ExecuteAsync(c, tx, """
            UPDATE nf_approval_gates SET approved_by = @user, approved_at = @at WHERE job_id = @id AND play_index = @play AND batch_index = @batch
            """, ct, ("id", a.JobId), ("play", a.PlayIndex), ("batch", a.BatchIndex), ("user", a.User), ("at", Ms(a.At))),
        JobJournal.DeviceChanged d => ExecuteAsync(c, tx, """
            INSERT INTO nf_device_changes (job_id, device, play_index, task_index, item_index, task, at, before_config, after_config, diff)
            VALUES (@id, @device, @play, @task_index, @item_index, @task, @at, @before, @after, @diff)
            ON CONFLICT (job_id, device, play_index, task_index, item_index) DO NOTHING
            """, ct, ("id", d.JobId), ("device", d.Device), ("play", d.PlayIndex), ("task_index", d.TaskIndex), ("item_index", d.ItemIndex),
            ("task", d.Task), ("at", Ms(d.At)), ("before", d.Before), ("after", d.After), ("diff", d.Diff)),
        JobJournal.CaptureFinished cf => ExecuteAsync(c, tx, """
            INSERT INTO nf_captures (job_id, capture_id, play_index, batch_index, sensor, sensor_address, interface, filter, status, error,
              started_at, stopped_at, stop_reason, duration_ms, packets, bytes, packets_per_second, bytes_per_second, syn, rst,
              kernel_dropped, other_dropped, files, summary)
            VALUES (@id, @capture, @play, @batch, @sensor, @address, @interface, @filter, @status, @error, @started, @stopped, @reason,
              @duration, @packets, @bytes, @pps, @bps, @syn, @rst, @kernel, @other, @files, @summary)
            ON CONFLICT (job_id, capture_id) DO NOTHING
            """, ct, ("id", cf.JobId), ("capture", cf.CaptureId), ("play", cf.PlayIndex), ("batch", (object?)cf.BatchIndex ?? DBNull.Value), ("sensor", cf.Sensor),
            ("address", cf.SensorAddress), ("interface", cf.Interface), ("filter", cf.Filter), ("status", cf.Status), ("error", cf.Error),
            ("started", Ms(cf.StartedAt)), ("stopped", Ms(cf.StoppedAt)), ("reason", cf.StopReason), ("duration", cf.DurationMs),
            ("packets", cf.Packets), ("bytes", cf.Bytes), ("pps", cf.PacketsPerSecond), ("bps", cf.BytesPerSecond), ("syn", cf.Syn),
            ("rst", cf.Rst), ("kernel", cf.KernelDropped), ("other", cf.OtherDropped), ("files", string.Join('\n', cf.Files)),
            ("summary", cf.Summary?.GetRawText())),
        JobJournal.GateMeasured g => GateMeasuredAsync(c, tx, g, ct),
        JobJournal.GateJudged j => GateJudgedAsync(c, tx, j, ct),
        JobJournal.ConfigDrifted d => DriftedAsync(c, tx, d, ct),
        JobJournal.JobFinished f => ExecuteAsync(c, tx, """
            UPDATE nf_jobs SET status = @status, finished_at = @at, ok = @ok, changed = @changed, failed = @failed,
              unreachable = @unreachable, skipped = @skipped, halt_reason = @halt WHERE job_id = @id
            """, ct, ("id", f.JobId), ("status", f.Outcome), ("at", Ms(f.At)), ("ok", f.Ok), ("changed", f.Changed), ("failed", f.Failed),
            ("unreachable", f.Unreachable), ("skipped", f.Skipped), ("halt", f.HaltReason)),
        _ => Task.CompletedTask,
    };

    private static async Task SubmittedAsync(DbConnection c, DbTransaction tx, JobJournal.JobSubmitted s, CancellationToken ct)
    {
        await ExecuteAsync(c, tx, """
            INSERT INTO nf_jobs (job_id, status, playbook, user_name, playbook_hash, submitted_at, devices)
            VALUES (@id, 'running', @playbook, @user, @hash, @at, @devices)
            ON CONFLICT (job_id) DO NOTHING
            """, ct, ("id", s.JobId), ("playbook", s.PlaybookPath), ("user", s.User), ("hash", s.PlaybookHash), ("at", Ms(s.At)),
            ("devices", s.Devices.Count));
        await ExecuteAsync(c, tx, """
            INSERT INTO nf_job_details (job_id, check_mode, limit_text, inventory, device_list) VALUES (@id, @check, @limit, @inventory, @devices)
            ON CONFLICT (job_id) DO NOTHING
            """, ct, ("id", s.JobId), ("check", s.Check ? 1 : 0), ("limit", s.Limit), ("inventory", s.InventoryPath),
            ("devices", string.Join('\n', s.Devices)));
    }

    private static async Task TaskFinishedAsync(DbConnection c, DbTransaction tx, JobJournal.TaskFinished t, CancellationToken ct)
    {
        await ExecuteAsync(c, tx, """
            INSERT INTO nf_task_results (job_id, device, play_index, task_index, item_index, task, module, status, output, message,
              diff, item, started_at, duration_ms, reconciled)
            VALUES (@id, @device, @play, @task_index, @item_index, @task, @module, @status, @output, @message, @diff, @item, @started,
              @duration, @reconciled)
            ON CONFLICT (job_id, device, play_index, task_index, item_index) DO NOTHING
            """, ct, ("id", t.JobId), ("device", t.Device), ("play", t.PlayIndex), ("task_index", t.TaskIndex), ("item_index", t.ItemIndex),
            ("task", t.Task), ("module", t.Module), ("status", t.Status), ("output", t.Output), ("message", t.Message), ("diff", t.Diff),
            ("item", t.Item), ("started", Ms(t.StartedAt)), ("duration", t.DurationMs), ("reconciled", t.Reconciled ? 1 : 0));
        if (t.Module == ComplianceModule) await ComplianceAsync(c, tx, t, ct);
        if (t.Ignored || t.Status is not ("ok" or "changed" or "failed" or "unreachable" or "skipped")) return;
        // The column is named by the status itself (one of five), never by outside text.
        await ExecuteAsync(c, tx, $"UPDATE nf_jobs SET {t.Status} = {t.Status} + 1 WHERE job_id = @id", ct, ("id", t.JobId));
    }

    public async Task<IReadOnlyList<JobRow>> ListJobsAsync(JobFilter filter, CancellationToken ct = default)
    {
        var where = new List<string>();
        var args = new List<(string, object?)>();
        if (filter.Status is { } status) { where.Add("status = @status"); args.Add(("status", status)); }
        if (filter.Playbook is { } playbook) { where.Add("playbook LIKE @playbook"); args.Add(("playbook", "%" + playbook + "%")); }
        if (filter.User is { } user) { where.Add("user_name = @user"); args.Add(("user", user)); }
        if (filter.Since is { } since) { where.Add("submitted_at >= @since"); args.Add(("since", Ms(since))); }
        if (filter.Until is { } until) { where.Add("submitted_at < @until"); args.Add(("until", Ms(until))); }
        if (filter.Device is { } device)
        {
            where.Add("EXISTS (SELECT 1 FROM nf_task_results r WHERE r.job_id = nf_jobs.job_id AND r.device = @device)");
            args.Add(("device", device));
        }

        args.Add(("limit", filter.Limit));
        args.Add(("skip", filter.Skip));
        var sql = $"""
            SELECT job_id, status, playbook, user_name, playbook_hash, submitted_at, finished_at, devices, ok, changed, failed,
              unreachable, skipped, resumes, halt_reason
            FROM nf_jobs {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY submitted_at DESC, job_id DESC LIMIT @limit OFFSET @skip
            """;
        return await QueryAsync(sql, ReadJob, ct, [.. args]);
    }

    public async Task<JobRow?> GetJobAsync(string jobId, CancellationToken ct = default) =>
        (await QueryAsync("""
            SELECT job_id, status, playbook, user_name, playbook_hash, submitted_at, finished_at, devices, ok, changed, failed,
              unreachable, skipped, resumes, halt_reason FROM nf_jobs WHERE job_id = @id
            """, ReadJob, ct, ("id", jobId))).SingleOrDefault();

    /// <summary>Whether one of the job's <c>approval: true</c> gates was asked for and not yet approved.</summary>
    public async Task<bool> WaitsForApprovalAsync(string jobId, CancellationToken ct = default) =>
        (await QueryAsync("SELECT COUNT(*) FROM nf_approval_gates WHERE job_id = @id AND approved_by IS NULL", r => r.GetInt64(0), ct,
            ("id", jobId))).Single() > 0;

    public Task<IReadOnlyList<TaskRow>> TaskResultsAsync(string jobId, CancellationToken ct = default) =>
        QueryAsync("""
            SELECT job_id, device, play_index, task_index, item_index, task, module, status, output, message, diff, item, started_at,
              duration_ms, reconciled FROM nf_task_results WHERE job_id = @id ORDER BY device, play_index, task_index, item_index
            """, r => new TaskRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetString(5), r.GetString(6),
            r.GetString(7), Text(r, 8), Text(r, 9), Text(r, 10), Text(r, 11), FromMs(r.GetInt64(12)), r.GetDouble(13), r.GetInt32(14) != 0),
            ct, ("id", jobId));

    public Task<IReadOnlyList<ChangeRow>> ChangesAsync(string? device, string? jobId, CancellationToken ct = default) =>
        QueryAsync($"""
            SELECT job_id, device, task, at, before_config, after_config, diff FROM nf_device_changes
            WHERE {(device is null ? "1 = 1" : "device = @device")} AND {(jobId is null ? "1 = 1" : "job_id = @id")}
            ORDER BY at, device
            """, r => new ChangeRow(r.GetString(0), r.GetString(1), r.GetString(2), FromMs(r.GetInt64(3)), r.GetString(4), r.GetString(5),
            r.GetString(6)), ct, ("device", device), ("id", jobId));

    /// <summary>The captures of a job's <c>capture:</c> blocks, in the order they started.</summary>
    public Task<IReadOnlyList<CaptureRow>> CapturesAsync(string jobId, CancellationToken ct = default) =>
        QueryAsync("""
            SELECT job_id, capture_id, play_index, batch_index, sensor, sensor_address, interface, filter, status, error, started_at,
              stopped_at, stop_reason, duration_ms, packets, bytes, packets_per_second, bytes_per_second, syn, rst, kernel_dropped,
              other_dropped, files, summary
            FROM nf_captures WHERE job_id = @id ORDER BY started_at, play_index, batch_index, sensor, capture_id
            """, r => new CaptureRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetString(4),
            r.GetString(5), r.GetString(6), Text(r, 7), r.GetString(8), Text(r, 9), FromMs(r.GetInt64(10)), FromMs(r.GetInt64(11)), Text(r, 12),
            r.GetDouble(13), r.GetInt64(14), r.GetInt64(15), r.GetDouble(16), r.GetDouble(17), r.GetInt64(18), r.GetInt64(19), r.GetInt64(20),
            r.GetInt64(21), r.GetString(22).Split('\n', StringSplitOptions.RemoveEmptyEntries), Text(r, 23)), ct, ("id", jobId));

    /// <summary>What a job was submitted with beyond its row: check mode, limit, inventory and its devices; null for jobs
    /// recorded before these details were kept.</summary>
    public async Task<JobDetailsRow?> JobDetailsAsync(string jobId, CancellationToken ct = default) =>
        (await QueryAsync("SELECT job_id, check_mode, limit_text, inventory, device_list FROM nf_job_details WHERE job_id = @id",
            r => new JobDetailsRow(r.GetString(0), r.GetInt32(1) != 0, Text(r, 2), Text(r, 3), r.GetString(4).Split('\n', StringSplitOptions.RemoveEmptyEntries)),
            ct, ("id", jobId))).SingleOrDefault();

    /// <summary>A job's batches (serial), in the order they started.</summary>
    public Task<IReadOnlyList<BatchRow>> BatchesAsync(string jobId, CancellationToken ct = default) =>
        QueryAsync("SELECT job_id, play_index, batch_index, started_at, device_list FROM nf_batches WHERE job_id = @id ORDER BY play_index, batch_index",
            r => new BatchRow(r.GetString(0), r.GetInt32(1), r.GetInt32(2), FromMs(r.GetInt64(3)), r.GetString(4).Split('\n', StringSplitOptions.RemoveEmptyEntries)),
            ct, ("id", jobId));

    /// <summary>Records who did what to a job (cancel, approve, roll back, submit through the API).</summary>
    public async Task RecordAuditAsync(AuditRow entry, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, null, "INSERT INTO nf_audit (job_id, at, user_name, action, detail) VALUES (@id, @at, @user, @action, @detail)", ct,
            ("id", entry.JobId), ("at", Ms(entry.At)), ("user", entry.User), ("action", entry.Action), ("detail", entry.Detail));
    }

    /// <summary>A job's audit trail, oldest first.</summary>
    public Task<IReadOnlyList<AuditRow>> AuditAsync(string jobId, CancellationToken ct = default) =>
        QueryAsync("SELECT job_id, at, user_name, action, detail FROM nf_audit WHERE job_id = @id ORDER BY at",
            r => new AuditRow(r.GetString(0), FromMs(r.GetInt64(1)), r.GetString(2), r.GetString(3), Text(r, 4)), ct, ("id", jobId));

    /// <summary>Writes job rows directly (benchmarks and tests of the queries at scale).</summary>
    internal async Task InsertJobsAsync(IEnumerable<JobRow> jobs, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT INTO nf_jobs (job_id, status, playbook, user_name, playbook_hash, submitted_at, finished_at, devices, ok, changed,
              failed, unreachable, skipped, resumes, halt_reason)
            VALUES (@id, @status, @playbook, @user, @hash, @at, @finished, @devices, @ok, @changed, @failed, @unreachable, @skipped, 0, NULL)
            """;
        var names = new[] { "id", "status", "playbook", "user", "hash", "at", "finished", "devices", "ok", "changed", "failed", "unreachable", "skipped" };
        var parameters = names.ToDictionary(n => n, n =>
        {
            var p = command.CreateParameter();
            p.ParameterName = n;
            command.Parameters.Add(p);
            return p;
        });
        foreach (var job in jobs)
        {
            parameters["id"].Value = job.JobId;
            parameters["status"].Value = job.Status;
            parameters["playbook"].Value = job.Playbook;
            parameters["user"].Value = job.User;
            parameters["hash"].Value = job.PlaybookHash;
            parameters["at"].Value = Ms(job.SubmittedAt);
            parameters["finished"].Value = job.FinishedAt is { } f ? Ms(f) : DBNull.Value;
            parameters["devices"].Value = job.Devices;
            parameters["ok"].Value = job.Ok;
            parameters["changed"].Value = job.Changed;
            parameters["failed"].Value = job.Failed;
            parameters["unreachable"].Value = job.Unreachable;
            parameters["skipped"].Value = job.Skipped;
            await command.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    private static JobRow ReadJob(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        FromMs(r.GetInt64(5)), r.IsDBNull(6) ? null : FromMs(r.GetInt64(6)), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetInt32(10),
        r.GetInt32(11), r.GetInt32(12), r.GetInt32(13), Text(r, 14));

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken ct,
        params (string Name, object? Value)[] args)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null, sql, args);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(read(reader));
        return rows;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = Connect();
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task<long> OffsetAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        await using var command = Command(connection, tx, "SELECT last_offset FROM nf_projection_offsets WHERE name = @name", [("name", ProjectionName)]);
        return await command.ExecuteScalarAsync(ct) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] args)
    {
        await using var command = Command(connection, tx, sql, args);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, (string Name, object? Value)[] args)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            if (value is null) p.DbType = System.Data.DbType.String;
            command.Parameters.Add(p);
        }

        return command;
    }

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

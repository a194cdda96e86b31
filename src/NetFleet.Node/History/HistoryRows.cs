namespace NetFleet.Node.History;

/// <summary>One job in the history.</summary>
public sealed record JobRow(
    string JobId,
    string Status,
    string Playbook,
    string User,
    string PlaybookHash,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? FinishedAt,
    int Devices,
    int Ok,
    int Changed,
    int Failed,
    int Unreachable,
    int Skipped,
    int Resumes,
    string? HaltReason);

/// <summary>One task's result on one device in a job.</summary>
public sealed record TaskRow(
    string JobId,
    string Device,
    int PlayIndex,
    int TaskIndex,
    int ItemIndex,
    string Task,
    string Module,
    string Status,
    string? Output,
    string? Message,
    string? Diff,
    string? Item,
    DateTimeOffset StartedAt,
    double DurationMs,
    bool Reconciled);

/// <summary>One configuration change: the audit trail.</summary>
public sealed record ChangeRow(
    string JobId,
    string Device,
    string Task,
    DateTimeOffset At,
    string Before,
    string After,
    string Diff);

/// <summary>One capture of a play's <c>capture:</c> block: where it ran, its outcome and the numbers of its summary;
/// <see cref="SummaryJson"/> is the whole traffic summary (protocol mix, services, top talkers and conversations).</summary>
/// <param name="BatchIndex">The batch it was around; null when it was around the whole play.</param>
/// <param name="Files">Its pcap files, on the sensor.</param>
public sealed record CaptureRow(
    string JobId,
    string CaptureId,
    int PlayIndex,
    int? BatchIndex,
    string Sensor,
    string SensorAddress,
    string Interface,
    string? Filter,
    string Status,
    string? Error,
    DateTimeOffset StartedAt,
    DateTimeOffset StoppedAt,
    string? StopReason,
    double DurationMs,
    long Packets,
    long Bytes,
    double PacketsPerSecond,
    double BytesPerSecond,
    long Syn,
    long Rst,
    long KernelDropped,
    long OtherDropped,
    IReadOnlyList<string> Files,
    string? SummaryJson);

/// <summary><c>jobs list</c>'s filters; null is "any". Newest first.</summary>
public sealed record JobFilter
{
    public string? Status { get; init; }
    public string? Playbook { get; init; }
    public string? User { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public string? Device { get; init; }
    public int Limit { get; init; } = 50;
    public int Skip { get; init; }
}

/// <summary>What a job was submitted with, beside its <see cref="JobRow"/>.</summary>
public sealed record JobDetailsRow(string JobId, bool Check, string? Limit, string? Inventory, IReadOnlyList<string> Devices);

/// <summary>One batch of a play (serial): its devices and when it started.</summary>
public sealed record BatchRow(string JobId, int PlayIndex, int BatchIndex, DateTimeOffset StartedAt, IReadOnlyList<string> Devices);

/// <summary>Who did what to a job: <c>submit</c>, <c>cancel</c>, <c>approve</c>, <c>rollback</c>.</summary>
public sealed record AuditRow(string JobId, DateTimeOffset At, string User, string Action, string? Detail);

/// <summary>A play's gate around one batch: the baseline before it, the measurement after it (the worst probe's loss and
/// latency, the highest device error rate, the capture RST rate; each null when not measured) and the verdict.</summary>
/// <param name="Verdict">passed or failed; null while the batch runs (or when the job stopped before judging it).</param>
/// <param name="BaselineJson">The whole baseline (every probe and device) as JSON, as is <paramref name="MeasuredJson"/>.</param>
public sealed record GateRow(
    string JobId,
    int PlayIndex,
    int BatchIndex,
    DateTimeOffset? BaselineAt,
    double? BaselineLoss,
    double? BaselineLatencyMs,
    double? BaselineIfErrorRate,
    double? BaselineRstRate,
    string? BaselineJson,
    DateTimeOffset? MeasuredAt,
    double? MeasuredLoss,
    double? MeasuredLatencyMs,
    double? MeasuredIfErrorRate,
    double? MeasuredRstRate,
    string? MeasuredJson,
    string? Verdict,
    IReadOnlyList<string> Failures,
    IReadOnlyList<string> Notes,
    DateTimeOffset? JudgedAt);

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

namespace NetFleet.Core.Results;

/// <summary>
/// What a running job reports as it goes, in order, for progress displays and (later) the job
/// history and the live API stream.
/// </summary>
public abstract record JobEvent(string JobId, DateTimeOffset At);

public sealed record JobStarted(string JobId, DateTimeOffset At, string Playbook, IReadOnlyList<string> Devices, int TaskCount)
    : JobEvent(JobId, At);

public sealed record PlayStarted(string JobId, DateTimeOffset At, int PlayIndex, string Name, IReadOnlyList<string> Devices)
    : JobEvent(JobId, At);

/// <summary>A batch of a play (its <c>serial</c>) starts on these devices.</summary>
public sealed record BatchStarted(string JobId, DateTimeOffset At, int PlayIndex, int BatchIndex, int BatchCount,
    IReadOnlyList<string> Devices) : JobEvent(JobId, At);

public sealed record TaskStarted(string JobId, DateTimeOffset At, string Device, int PlayIndex, int TaskIndex, string Task)
    : JobEvent(JobId, At);

public sealed record TaskFinished(string JobId, DateTimeOffset At, TaskResult Result) : JobEvent(JobId, At);

public sealed record JobFinished(string JobId, DateTimeOffset At, JobSummary Summary) : JobEvent(JobId, At);

/// <summary>
/// A capture of a play's <c>capture:</c> block is running: its sensor's latest summary (every second by default). Totals
/// since the capture began; rates over the last summary interval. Only shown live, not journaled: the capture's final
/// summary goes into the job history when it stops.
/// </summary>
public sealed record CaptureProgressReported(string JobId, DateTimeOffset At, int PlayIndex, int? BatchIndex, string CaptureId,
    string Sensor, string Interface, double ElapsedSeconds, long Packets, long Bytes, double PacketsPerSecond, double BitsPerSecond,
    long TcpPackets, long UdpPackets, long IcmpPackets, long Syn, long Rst, long Drops, string? TopTalker) : JobEvent(JobId, At);

/// <summary>A batch of a play with <c>approval: true</c> waits for <c>netfleet jobs approve JOB</c> before it starts on
/// these devices.</summary>
public sealed record ApprovalRequested(string JobId, DateTimeOffset At, int PlayIndex, int BatchIndex, int BatchCount,
    IReadOnlyList<string> Devices) : JobEvent(JobId, At);

/// <summary>The waiting batch was approved by <paramref name="User"/> and goes on.</summary>
public sealed record ApprovalGranted(string JobId, DateTimeOffset At, int PlayIndex, int BatchIndex, string User) : JobEvent(JobId, At);

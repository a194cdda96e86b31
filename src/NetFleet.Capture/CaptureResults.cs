namespace NetFleet.Capture;

public enum CaptureStopReason
{
    Stopped,
    Duration,
    PacketCount,
    ByteCount,
    Failed,
}

/// <summary>
/// What was lost: libpcap's kernel counters (received counts packets that passed the filter, even
/// those not yet handed to NetFleet) and packets NetFleet dropped because its decoder fell behind.
/// </summary>
public sealed record CaptureDrops(long KernelReceived, long KernelDropped, long InterfaceDropped, long QueueDropped)
{
    public long Total => KernelDropped + InterfaceDropped + QueueDropped;
}

/// <summary>
/// Emitted every summary interval while capturing: the rate over the last interval and the
/// totals since the start.
/// </summary>
public sealed record CaptureProgress(
    TimeSpan Elapsed,
    long IntervalPackets,
    long IntervalBytes,
    double PacketsPerSecond,
    double BytesPerSecond,
    CaptureDrops Drops,
    TrafficSummary Total);

public sealed record CaptureResult(
    string Interface,
    string? Filter,
    CaptureStopReason Reason,
    string? Error,
    TimeSpan Elapsed,
    TrafficSummary Summary,
    CaptureDrops Drops,
    IReadOnlyList<string> Files,
    int DeletedFiles);

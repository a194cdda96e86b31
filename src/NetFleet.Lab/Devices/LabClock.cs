namespace NetFleet.Lab.Devices;

/// <summary>
/// Time as the lab's devices see it. Device timers (Junos <c>commit confirmed N</c>, EOS
/// <c>commit timer</c>, IOS <c>configure replace … time N</c>) count in device minutes; tests
/// shrink a device minute to a fraction of a second so that a revert can be watched quickly.
/// </summary>
public sealed class LabClock(TimeProvider time, TimeSpan deviceMinute)
{
    public static LabClock RealTime { get; } = new(TimeProvider.System, TimeSpan.FromMinutes(1));

    public TimeProvider Time { get; } = time;

    /// <summary>How long one device minute lasts in real time.</summary>
    public TimeSpan DeviceMinute { get; } = deviceMinute;

    public TimeSpan Minutes(double deviceMinutes) => DeviceMinute * deviceMinutes;
}

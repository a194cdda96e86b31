using System.Collections.Concurrent;

namespace NetFleet.Lab.Devices;

/// <summary>
/// Arms the timers behind timed reverts. A timer reverts only if the device's pending revert is still
/// the one it was armed for, so confirming a change is simply clearing <see cref="DeviceState.PendingRevert"/>.
/// </summary>
internal static class RevertTimers
{
    // Held here so that an armed timer is not collected before it fires.
    private static readonly ConcurrentDictionary<string, ITimer> Armed = new();

    public static void Arm(DeviceStateStore store, LabClock clock, PendingRevert pending, Action<DeviceState, PendingRevert> revert)
    {
        var id = pending.Id;
        var due = pending.Deadline - clock.Time.GetUtcNow();
        ITimer? timer = null;
        timer = clock.Time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Armed.TryRemove(id, out var previous))
        {
            previous.Dispose();
        }
        Armed[id] = timer;
        timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        void Fire()
        {
            if (timer is not null && Armed.TryRemove(new KeyValuePair<string, ITimer>(id, timer)))
            {
                timer.Dispose();
            }
            store.Update(s =>
            {
                if (s.PendingRevert is { } p && p.Id == id)
                {
                    s.PendingRevert = null;
                    revert(s, p);
                }
            });
        }
    }

    /// <summary>Re-arms the revert a device had pending when its state was saved (an unconfirmed change
    /// reverts even across a lab restart).</summary>
    public static void Resume(DeviceStateStore store, LabClock clock, Action<DeviceState, PendingRevert> revert)
    {
        if (store.Read(s => s.PendingRevert) is { } pending)
        {
            Arm(store, clock, pending, revert);
        }
    }

    /// <summary>Stops the timer of a confirmed change early (firing would do nothing anyway).</summary>
    public static void Disarm(string id)
    {
        if (Armed.TryRemove(id, out var timer))
        {
            timer.Dispose();
        }
    }

    public static PendingRevert Create(LabClock clock, double deviceMinutes, string restoreConfig, string? session = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Deadline = clock.Time.GetUtcNow() + clock.Minutes(deviceMinutes),
        RestoreConfig = restoreConfig,
        Session = session,
    };
}

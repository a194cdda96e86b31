using static NetFleet.Actors.Scheduling.ScheduleJournal;
using static NetFleet.Actors.Scheduling.ScheduleProtocol;

namespace NetFleet.Actors.Scheduling;

/// <summary>One schedule as its journal events left it: the slots considered so far (<see cref="Cursor"/>), the slot whose
/// job is being submitted, the job still running, a queued slot, and the latest slots for <c>schedule list</c>.</summary>
internal sealed class ScheduleState(ScheduleAdded added, CronSchedule cron)
{
    private const int RecentKept = 20;
    private readonly LinkedList<SlotView> recent = new();

    public ScheduleAdded Added { get; } = added;
    public CronSchedule Cron { get; } = cron;
    public string Name => Added.Name;
    public bool Paused { get; private set; }
    public bool Removed { get; private set; }
    public bool Active => !Paused && !Removed;

    /// <summary>Slots up to here have been fired, skipped or queued (or fell in a pause, or before the schedule existed).</summary>
    public DateTimeOffset Cursor { get; set; } = added.At;

    /// <summary>A fired slot the job manager has not answered yet: submitted again (same job id) after a failover.</summary>
    public SlotFired? Pending { get; private set; }

    /// <summary>The schedule's accepted job not yet known to have ended.</summary>
    public string? Running { get; set; }

    public DateTimeOffset? Queued { get; private set; }

    /// <summary>A job of the schedule is being submitted or still runs: the next slot overlaps it.</summary>
    public bool Busy => Pending is not null || Running is not null;

    public void Apply(IEvent e)
    {
        switch (e)
        {
            case SchedulePaused:
                Paused = true;
                break;
            case ScheduleResumed resumed:
                Paused = false;
                // Slots that fell in the pause never run.
                Cursor = Max(Cursor, resumed.At);
                break;
            case ScheduleRemoved:
                Removed = true;
                Queued = null;
                break;
            case SlotFired fired:
                Cursor = Max(Cursor, fired.Slot);
                Pending = fired;
                // A slot fires only once the previous job has ended.
                Running = null;
                if (Queued == fired.Slot) Queued = null;
                Remember(new SlotView(fired.Slot, fired.JobId, "fired", null));
                break;
            case SlotSubmitted submitted:
                if (Pending?.JobId == submitted.JobId) Pending = null;
                if (submitted.Error is null) Running = submitted.JobId;
                Remember(new SlotView(submitted.Slot, submitted.JobId, submitted.Error is null ? "submitted" : "refused", submitted.Error));
                break;
            case SlotSkipped skipped:
                Cursor = Max(Cursor, skipped.Slot);
                Remember(new SlotView(skipped.Slot, null, "skipped", skipped.Reason));
                break;
            case SlotQueued queued:
                Cursor = Max(Cursor, queued.Slot);
                Queued = queued.Slot;
                Remember(new SlotView(queued.Slot, null, "queued", null));
                break;
        }
    }

    /// <summary>The next slot to wait for, from <paramref name="now"/> on; null when paused, removed or the cron has no more.</summary>
    public DateTimeOffset? Next(DateTimeOffset now) => Active ? Cron.Next(Max(Cursor, now)) : null;

    public ScheduleView View(DateTimeOffset now) => new(Name, Added.Cron, Added.TimeZone, Added.Job.PlaybookPath, Added.Job.InventoryPath,
        Added.Job.Limit, Added.CatchUp, Added.Overlap, Removed ? "removed" : Paused ? "paused" : "active", Added.User, Added.At, Next(now),
        Pending?.JobId ?? Running, Queued, recent.ToList());

    /// <summary>Newest first; a slot's later state (submitted after fired) replaces its earlier one.</summary>
    private void Remember(SlotView slot)
    {
        for (var node = recent.First; node is not null; node = node.Next)
        {
            if (node.Value.Slot != slot.Slot) continue;
            node.Value = slot;
            return;
        }

        recent.AddFirst(slot);
        if (recent.Count > RecentKept) recent.RemoveLast();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

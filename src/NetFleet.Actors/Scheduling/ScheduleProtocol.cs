using static NetFleet.Actors.Scheduling.ScheduleJournal;

namespace NetFleet.Actors.Scheduling;

/// <summary>The messages of the <see cref="ScheduleKeeper"/> (through its singleton proxy, so each has a wire name). Every
/// command is answered with <see cref="ScheduleDone"/> or <see cref="ScheduleRefused"/>.</summary>
public static class ScheduleProtocol
{
    public const string CatchUpOnce = "once";
    public const string CatchUpSkip = "skip";
    public const string OverlapSkip = "skip";
    public const string OverlapQueue = "queue";

    public sealed record AddSchedule(string Name, string User, string Cron, string TimeZone, ScheduledJob Job, string CatchUp, string Overlap);

    public sealed record PauseSchedule(string Name, string User);

    public sealed record ResumeSchedule(string Name, string User);

    public sealed record RemoveSchedule(string Name, string User);

    public sealed record ScheduleDone(string Name);

    public sealed record ScheduleRefused(string Name, string Reason)
    {
        /// <summary>There is no such schedule (the API answers 404).</summary>
        public bool Unknown { get; init; }
    }

    /// <summary>Answered with <see cref="ScheduleList"/>.</summary>
    public sealed record ListSchedules(bool IncludeRemoved);

    public sealed record ScheduleList(IReadOnlyList<ScheduleView> Schedules);

    /// <param name="State">active, paused or removed.</param>
    /// <param name="RunningJobId">The schedule's job still running (or being submitted), if any.</param>
    /// <param name="QueuedSlot">The slot waiting for that job to end (overlap <c>queue</c>).</param>
    /// <param name="Recent">The latest slots, newest first.</param>
    public sealed record ScheduleView(string Name, string Cron, string TimeZone, string Playbook, string Inventory, string? Limit, string CatchUp,
        string Overlap, string State, string User, DateTimeOffset AddedAt, DateTimeOffset? NextSlot, string? RunningJobId, DateTimeOffset? QueuedSlot,
        IReadOnlyList<SlotView> Recent);

    /// <param name="State">fired (submitted, no answer yet), submitted, refused, skipped or queued.</param>
    /// <param name="Detail">Why it was refused or skipped.</param>
    public sealed record SlotView(DateTimeOffset Slot, string? JobId, string State, string? Detail);
}

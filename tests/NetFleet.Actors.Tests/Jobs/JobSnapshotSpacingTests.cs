using NetFleet.Actors.Jobs;

namespace NetFleet.Actors.Tests.Jobs;

/// <summary>How often a job snapshots its state: each snapshot holds the whole job so far, so their spacing decides whether a
/// large job's journal writes grow linearly or quadratically.</summary>
public sealed class JobSnapshotSpacingTests
{
    [Theory]
    [InlineData(1_000)]
    [InlineData(10_003)]
    [InlineData(1_000_000)]
    public void Snapshots_of_a_job_hold_at_most_twice_its_events_and_leave_at_most_as_many_again_to_replay(long events)
    {
        long held = 0, last = 0;
        for (long at = JobOrchestrator.FirstSnapshotAfter; at <= events; at = JobOrchestrator.NextSnapshotAfter(at))
        {
            held += at;
            last = at;
        }

        Assert.InRange(held, JobOrchestrator.FirstSnapshotAfter, 2 * events);
        Assert.InRange(events - last, 0, Math.Max(last, JobOrchestrator.FirstSnapshotAfter));
    }
}

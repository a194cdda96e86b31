using Akka.Actor;
using Akka.TestKit.Xunit2;
using NetFleet.Actors.Scheduling;
using static NetFleet.Actors.Scheduling.ScheduleJournal;

namespace NetFleet.Actors.Tests.Scheduling;

public sealed class ScheduleJournalSerializerTests() : TestKit(ScheduleJournal.SerializerConfig)
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<IEvent> Events =>
    [
        new ScheduleAdded("nightly", At, "alice", "0 2 * * *", "Europe/Paris",
            new ScheduledJob("playbooks/ntp.yaml", "- hosts: all\n", "/srv/inventory", "ios-1", "/tmp/known_hosts"), "once", "queue"),
        new SchedulePaused("nightly", At, "alice"),
        new ScheduleResumed("nightly", At, "alice"),
        new ScheduleRemoved("nightly", At, "alice"),
        new SlotFired("nightly", At, At, "s-nightly-20261203T120000Z"),
        new SlotSubmitted("nightly", At, At, "s-nightly-20261203T120000Z", "refused"),
        new SlotSkipped("nightly", At, At, "job x still runs"),
        new SlotQueued("nightly", At, At),
    ];

    [Fact]
    public void Every_schedule_event_is_bound_to_its_serializer_and_round_trips_under_a_pinned_manifest()
    {
        string[] manifests = ["schedule-added.v1", "schedule-paused.v1", "schedule-resumed.v1", "schedule-removed.v1", "slot-fired.v1", "slot-submitted.v1",
            "slot-skipped.v1", "slot-queued.v1"];
        Assert.Equal(manifests.Order(StringComparer.Ordinal), ScheduleJournalSerializer.Manifests.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ScheduleJournalSerializer.Manifests.Values.OrderBy(t => t.FullName), Events.Select(e => e.GetType()).OrderBy(t => t.FullName));
        foreach (var e in Events)
        {
            var serializer = Assert.IsType<ScheduleJournalSerializer>(Sys.Serialization.FindSerializerFor(e));
            var back = serializer.FromBinary(serializer.ToBinary(e), serializer.Manifest(e));
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(e, e.GetType()), System.Text.Json.JsonSerializer.Serialize(back, back.GetType()));
        }
    }
}

using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace NetFleet.Actors.Scheduling;

/// <summary>
/// What the <see cref="ScheduleKeeper"/> writes to its journal (persistence id <see cref="PersistenceId"/>): the schedules
/// and every slot's fate. A slot is <see cref="SlotFired"/> before its job is submitted, so a keeper that dies in between
/// submits the same job id again after the failover.
/// </summary>
public static class ScheduleJournal
{
    public const string PersistenceId = "netfleet-schedule-keeper";

    public interface IEvent
    {
        string Name { get; }
        DateTimeOffset At { get; }
    }

    /// <summary>The job a schedule runs, fixed when it was added: the playbook's text as it was then (the label names it in the
    /// job history), against an inventory folder as the orchestrator nodes see it.</summary>
    public sealed record ScheduledJob(string PlaybookPath, string PlaybookText, string InventoryPath, string? Limit, string? KnownHostsPath);

    /// <param name="CatchUp"><c>once</c>: after an outage the latest missed slot runs once; <c>skip</c>: missed slots never run.</param>
    /// <param name="Overlap"><c>skip</c>: a slot whose previous job still runs is skipped; <c>queue</c>: it runs when that job ends
    /// (at most one waits).</param>
    public sealed record ScheduleAdded(string Name, DateTimeOffset At, string User, string Cron, string TimeZone, ScheduledJob Job, string CatchUp,
        string Overlap) : IEvent;

    public sealed record SchedulePaused(string Name, DateTimeOffset At, string User) : IEvent;

    public sealed record ScheduleResumed(string Name, DateTimeOffset At, string User) : IEvent;

    public sealed record ScheduleRemoved(string Name, DateTimeOffset At, string User) : IEvent;

    /// <summary>The slot's job is about to be submitted under <paramref name="JobId"/>.</summary>
    public sealed record SlotFired(string Name, DateTimeOffset At, DateTimeOffset Slot, string JobId) : IEvent;

    /// <summary>The job manager answered the slot's submission: accepted (<paramref name="Error"/> null) or refused it.</summary>
    public sealed record SlotSubmitted(string Name, DateTimeOffset At, DateTimeOffset Slot, string JobId, string? Error) : IEvent;

    /// <summary>The slot did not run (overlap policy <c>skip</c>, or a slot already queued).</summary>
    public sealed record SlotSkipped(string Name, DateTimeOffset At, DateTimeOffset Slot, string Reason) : IEvent;

    /// <summary>The slot waits for the schedule's running job to end (overlap policy <c>queue</c>).</summary>
    public sealed record SlotQueued(string Name, DateTimeOffset At, DateTimeOffset Slot) : IEvent;

    /// <summary>The serializer's binding, for any actor system that hosts a keeper.</summary>
    public static Config SerializerConfig { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.netfleet-schedules = "{{typeof(ScheduleJournalSerializer).AssemblyQualifiedName}}"
          serialization-bindings { "{{typeof(IEvent).AssemblyQualifiedName}}" = netfleet-schedules }
          serialization-identifiers { "{{typeof(ScheduleJournalSerializer).AssemblyQualifiedName}}" = {{ScheduleJournalSerializer.Id}} }
        }
        """);
}

/// <summary>Stores schedule events as UTF-8 JSON under manifests this map owns, never under CLR names (as the job journal's
/// serializer does); a new shape of an event gets a new manifest.</summary>
public sealed class ScheduleJournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4102;

    public static readonly IReadOnlyDictionary<string, Type> Manifests = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["schedule-added.v1"] = typeof(ScheduleJournal.ScheduleAdded),
        ["schedule-paused.v1"] = typeof(ScheduleJournal.SchedulePaused),
        ["schedule-resumed.v1"] = typeof(ScheduleJournal.ScheduleResumed),
        ["schedule-removed.v1"] = typeof(ScheduleJournal.ScheduleRemoved),
        ["slot-fired.v1"] = typeof(ScheduleJournal.SlotFired),
        ["slot-submitted.v1"] = typeof(ScheduleJournal.SlotSubmitted),
        ["slot-skipped.v1"] = typeof(ScheduleJournal.SlotSkipped),
        ["slot-queued.v1"] = typeof(ScheduleJournal.SlotQueued),
    };

    private static readonly Dictionary<Type, string> Names = Manifests.ToDictionary(m => m.Value, m => m.Key);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        Names.TryGetValue(o.GetType(), out var manifest) ? manifest : throw new SerializationException($"{o.GetType().Name} has no schedule journal manifest");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Manifests.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"unknown schedule journal manifest '{manifest}': {Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(80, bytes.Length)))}");
        }

        return JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"empty {manifest} event");
    }
}

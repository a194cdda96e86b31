using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using static NetFleet.Actors.Jobs.JobJournal;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// Stores job events as UTF-8 JSON under manifests this map owns (<c>task-finished.v1</c>, …), so the journal
/// never depends on CLR type or assembly names. A new shape of an event gets a new manifest (<c>.v2</c>) and the
/// old one stays readable. Bound to <see cref="IEvent"/> and <see cref="Snapshot"/> in the system's HOCON.
/// </summary>
public sealed class JobJournalSerializer : SerializerWithStringManifest
{
    public const int Id = 4100;

    public static readonly IReadOnlyDictionary<string, Type> Manifests = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["job-submitted.v1"] = typeof(JobSubmitted),
        ["job-resumed.v1"] = typeof(JobResumed),
        ["batch-started.v1"] = typeof(BatchStarted),
        ["task-started.v1"] = typeof(TaskStarted),
        ["config-read.v1"] = typeof(ConfigRead),
        ["task-finished.v1"] = typeof(TaskFinished),
        ["device-changed.v1"] = typeof(DeviceChanged),
        ["job-finished.v1"] = typeof(JobFinished),
        ["job-cancelled.v1"] = typeof(JobCancelled),
        ["device-change-applied.v1"] = typeof(ChangeApplied),
        ["device-confirmed.v1"] = typeof(DeviceConfirmed),
        ["device-rolled-back.v1"] = typeof(DeviceRolledBack),
        ["approval-requested.v1"] = typeof(ApprovalRequested),
        ["batch-approved.v1"] = typeof(BatchApproved),
        ["job-approved.v1"] = typeof(JobApprovals.JobApproved),
        ["capture-finished.v1"] = typeof(CaptureFinished),
        ["gate-measured.v1"] = typeof(GateMeasured),
        ["gate-judged.v1"] = typeof(GateJudged),
        ["config-drifted.v1"] = typeof(ConfigDrifted),
        ["configs-archived.v1"] = typeof(ConfigsArchived),
        ["job-snapshot.v1"] = typeof(Snapshot),
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IReadOnlyDictionary<string, Type> types;
    private readonly Dictionary<Type, string> manifests;

    public JobJournalSerializer(ExtendedActorSystem system) : this(system, Manifests)
    {
    }

    /// <summary>With another map: how a test shows that a renamed type still reads its manifest.</summary>
    internal JobJournalSerializer(ExtendedActorSystem system, IReadOnlyDictionary<string, Type> types) : base(system)
    {
        this.types = types;
        manifests = types.ToDictionary(t => t.Value, t => t.Key);
    }

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        manifests.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().Name} has no job journal manifest");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!types.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"unknown job journal manifest '{manifest}': {Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(80, bytes.Length)))}");
        }

        return JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"empty {manifest} event");
    }
}

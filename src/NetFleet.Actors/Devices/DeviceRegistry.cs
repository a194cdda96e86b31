using Akka.Actor;
using Akka.Cluster;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Devices;

/// <summary>
/// Finds or creates the <see cref="DeviceActor"/> for the device a message names and forwards the message (the
/// sender stays the original one). Entity-style on purpose: Cluster Sharding can take this actor's place.
/// </summary>
public sealed class DeviceRegistry : ReceiveActor
{
    public DeviceRegistry(DeviceActorSettings settings, Serilog.ILogger log)
    {
        Receive<IDeviceMessage>(message =>
        {
            var name = ActorName(message.Device);
            var child = Context.Child(name);
            if (child.IsNobody())
            {
                child = Context.ActorOf(DeviceActor.Props(message.Device, settings, log), name);
            }

            child.Forward(message);
        });
    }

    public static Props Props(DeviceActorSettings settings, Serilog.ILogger log) =>
        Akka.Actor.Props.Create(() => new DeviceRegistry(settings, log));

    // A device actor lives as long as the registry: it holds the session and the circuit. An unexpected
    // exception in one restarts that device alone (queue and circuit are lost, sessions are reopened on demand).
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    private static string ActorName(string device) => Uri.EscapeDataString(device);
}

/// <summary>
/// Device actors in Cluster Sharding. Entities are keyed by device name. Workers without affinity host the region
/// <see cref="GeneralType"/>; a worker declared with affinity <c>site=lon</c> hosts only the region
/// <c>devices@site=lon</c>, which holds the devices whose inventory data has <c>site: lon</c> (one region per
/// affinity tag, each restricted to its own cluster role, so Akka's own allocation and rebalancing apply per tag).
/// </summary>
public static class DeviceSharding
{
    public const string GeneralType = "devices";
    public const int ShardCount = 30;

    /// <summary>The sharding type (and the cluster role of the workers that host it) for an affinity tag.</summary>
    public static string TypeFor(Affinity? affinity) => affinity is null ? GeneralType : $"{GeneralType}@{affinity}";

    /// <summary>The affinity tag a sharding role stands for, or null for the general region or another role.</summary>
    public static Affinity? AffinityOfRole(string role) =>
        role.StartsWith(GeneralType + "@", StringComparison.Ordinal) ? Affinity.Parse(role[(GeneralType.Length + 1)..]) : null;

    /// <summary>Hosts the device actors of <paramref name="affinity"/>'s region on this node. Idle entities are passivated
    /// by the shard (<c>akka.cluster.sharding.passivate-idle-entity-after</c>), which sends them <see cref="DeviceEntity.Stop"/>.</summary>
    public static IActorRef StartRegion(ActorSystem system, Affinity? affinity, DeviceActorSettings settings, Serilog.ILogger log)
    {
        var type = TypeFor(affinity);
        var sharding = Akka.Cluster.Sharding.ClusterSharding.Get(system);
        var shardingSettings = Akka.Cluster.Sharding.ClusterShardingSettings.Create(system).WithRole(type);
        return sharding.Start(type, entityId => DeviceEntity.Props(entityId, settings, log), shardingSettings, new Extractor(),
            Akka.Cluster.Sharding.ShardAllocationStrategy.LeastShardAllocationStrategy(10, 0.5), DeviceEntity.Stop.Instance);
    }

    /// <summary>The local region of a type when this node hosts it, else a proxy to it.</summary>
    public static IActorRef RegionOrProxy(ActorSystem system, string type)
    {
        var sharding = Akka.Cluster.Sharding.ClusterSharding.Get(system);
        return sharding.ShardTypeNames.Contains(type) ? sharding.ShardRegion(type)
            : sharding.StartProxy(type, type, new Extractor());
    }

    /// <summary>Devices are spread over a fixed number of shards by a stable hash of their name.</summary>
    public static string ShardOf(string device) =>
        ((uint)Akka.Util.MurmurHash.StringHash(device) % ShardCount).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class Extractor : Akka.Cluster.Sharding.IMessageExtractor
    {
        public string? EntityId(object message) => message is IDeviceMessage m ? m.Device : null;

        public object? EntityMessage(object message) => message;

        public string? ShardId(object message) => message is IDeviceMessage m ? ShardOf(m.Device) : null;

        public string ShardId(string entityId, object? messageHint = null) => ShardOf(entityId);
    }
}

/// <summary>A worker's device affinity: it hosts only devices whose inventory <c>data.Key</c> equals <c>Value</c>.</summary>
public sealed record Affinity(string Key, string Value)
{
    public override string ToString() => $"{Key}={Value}";

    /// <summary><c>site=lon</c>; null when the text is not of that form.</summary>
    public static Affinity? Parse(string text)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        return at > 0 && at < text.Length - 1 ? new Affinity(text[..at].Trim(), text[(at + 1)..].Trim()) : null;
    }

    public bool Matches(NetFleet.Core.Inventory.Host host) =>
        host.Data.TryGetValue(Key, out var value) && string.Equals(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), Value, StringComparison.Ordinal);
}

/// <summary>
/// The sharded entity of one device: owns its <see cref="DeviceActor"/>, acknowledges every request with
/// <see cref="DeviceRequestAccepted"/> (so a <see cref="DeviceRouter"/> knows which node holds it and re-sends it
/// only if that node dies), drops a re-sent copy of a request it already has, and — on hand-off during a rebalance
/// or on passivation — stops only once its in-flight requests have answered, so moving a shard loses no work.
/// The device actor is made by the first message that needs it: a fleet's status queries cost one actor per device, not two.
/// </summary>
public sealed class DeviceEntity : ReceiveActor
{
    /// <summary>The hand-off and passivation message: finish what is running, then stop.</summary>
    public sealed record Stop
    {
        public static readonly Stop Instance = new();
    }

    private sealed record Pending(IActorRef ReplyTo, long RequestId, (string JobId, long RequestId) Key);

    private const int RememberedRequests = 1000;
    private readonly Dictionary<long, Pending> inFlight = [];
    private readonly HashSet<(string JobId, long RequestId)> seen = [];
    private readonly Queue<(string JobId, long RequestId)> seenOrder = new();
    private readonly string device;
    private readonly DeviceActorSettings settings;
    private readonly Serilog.ILogger log;
    private IActorRef? actor;
    private long nextLocalId;
    private bool stopping;

    public DeviceEntity(string device, DeviceActorSettings settings, Serilog.ILogger log)
    {
        this.device = device;
        this.settings = settings;
        this.log = log;
        Receive<RunDeviceRequest>(run =>
        {
            Sender.Tell(new DeviceRequestAccepted(run.Device, run.JobId, run.RequestId, Cluster.Get(Context.System).SelfAddress));
            var key = (run.JobId, run.RequestId);
            if (!seen.Add(key)) return;
            seenOrder.Enqueue(key);
            if (seenOrder.Count > RememberedRequests) seen.Remove(seenOrder.Dequeue());

            // Request ids are unique per job only: the entity numbers them itself and maps the answer back.
            var local = ++nextLocalId;
            inFlight[local] = new Pending(Sender, run.RequestId, key);
            Device().Tell(run with { RequestId = local });
        });
        Receive<DeviceRequestCompleted>(done => Answer(done.RequestId, p => done with { RequestId = p.RequestId }));
        Receive<DeviceRequestFailed>(failed => Answer(failed.RequestId, p => failed with { RequestId = p.RequestId }));
        // Without a device actor there is no session, queue or circuit to ask about or close.
        Receive<GetSessionStatus>(_ => actor is null, _ => Sender.Tell(new SessionStatus(device, false, false, 0)));
        Receive<CloseSession>(_ => actor is null, _ => { });
        Receive<IDeviceMessage>(message => Device().Forward(message));
        Receive<Stop>(_ =>
        {
            stopping = true;
            StopWhenIdle();
        });
    }

    public static Props Props(string device, DeviceActorSettings settings, Serilog.ILogger log) =>
        Akka.Actor.Props.Create(() => new DeviceEntity(device, settings, log));

    // The device actor restarts on an unexpected exception, as under the embedded registry.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    private IActorRef Device() => actor ??= Context.ActorOf(DeviceActor.Props(device, settings, log), "device");

    private void Answer(long local, Func<Pending, object> reply)
    {
        if (!inFlight.Remove(local, out var pending)) return;
        pending.ReplyTo.Tell(reply(pending));
        StopWhenIdle();
    }

    private void StopWhenIdle()
    {
        if (stopping && inFlight.Count == 0) Context.Stop(Self);
    }
}

/// <summary>
/// Stands between one job's orchestrator and the device shard regions, on the orchestrator's node: picks the region by
/// device affinity, remembers each request until it is answered, and re-sends the requests that were held by a node
/// that left the cluster (a killed worker), so they run on the node the shard moves to. A request no device took
/// (<see cref="DeviceRequestAccepted"/>) within <see cref="ResendAfter"/> is sent again too: it may have gone to the
/// dead node's region just before the region learnt of the death. The entity drops copies it already has. Answers are
/// passed on to the orchestrator, which never learns that the device moved.
/// </summary>
public sealed class DeviceRouter : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(2);

    private sealed record Outstanding(RunDeviceRequest Request, IActorRef ReplyTo, Address? At, DateTime SentAt);

    private sealed record ResendTick
    {
        public static readonly ResendTick Instance = new();
    }

    private readonly Dictionary<long, Outstanding> outstanding = [];
    private readonly Dictionary<string, NetFleet.Core.Inventory.Host> hosts;
    private readonly Dictionary<string, IActorRef> regions = new(StringComparer.Ordinal);
    private readonly Serilog.ILogger log;

    public DeviceRouter(NetFleet.Core.Inventory.Inventory inventory, Serilog.ILogger log)
    {
        this.log = log;
        hosts = inventory.Hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
        Receive<RunDeviceRequest>(run =>
        {
            outstanding[run.RequestId] = new Outstanding(run, Sender, null, DateTime.UtcNow);
            RegionFor(run.Device).Tell(run);
        });
        Receive<DeviceRequestAccepted>(accepted =>
        {
            if (outstanding.TryGetValue(accepted.RequestId, out var o)) outstanding[accepted.RequestId] = o with { At = accepted.At };
        });
        Receive<DeviceRequestCompleted>(done => PassOn(done.RequestId, done));
        Receive<DeviceRequestFailed>(failed => PassOn(failed.RequestId, failed));
        Receive<IDeviceMessage>(message => RegionFor(message.Device).Forward(message));
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            var lost = outstanding.Where(o => removed.Member.Address.Equals(o.Value.At)).ToList();
            if (lost.Count == 0) return;
            log.Warning("{Node} left the cluster; re-sending the {Count} device requests it held", removed.Member.Address, lost.Count);
            foreach (var (id, o) in lost) outstanding[id] = o with { At = null, SentAt = DateTime.MinValue };
        });
        Receive<ResendTick>(_ =>
        {
            var now = DateTime.UtcNow;
            foreach (var (id, o) in outstanding.Where(o => o.Value.At is null && now - o.Value.SentAt >= ResendAfter).ToList())
            {
                outstanding[id] = o with { SentAt = now };
                RegionFor(o.Request.Device).Tell(o.Request);
            }
        });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NetFleet.Core.Inventory.Inventory inventory, Serilog.ILogger log) =>
        Akka.Actor.Props.Create(() => new DeviceRouter(inventory, log));

    protected override void PreStart()
    {
        Cluster.Get(Context.System).Subscribe(Self, typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer(nameof(ResendTick), ResendTick.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void PassOn(long requestId, object answer)
    {
        if (outstanding.Remove(requestId, out var o)) o.ReplyTo.Tell(answer);
    }

    /// <summary>A device goes to the region of an affinity it matches when some member hosts that affinity; else to
    /// the general region.</summary>
    private IActorRef RegionFor(string device)
    {
        var type = DeviceSharding.GeneralType;
        if (hosts.TryGetValue(device, out var host))
        {
            foreach (var member in Cluster.Get(Context.System).State.Members.Where(m => m.Status == MemberStatus.Up))
            {
                var affinity = member.Roles.Select(DeviceSharding.AffinityOfRole).FirstOrDefault(a => a is not null && a.Matches(host));
                if (affinity is not null)
                {
                    type = DeviceSharding.TypeFor(affinity);
                    break;
                }
            }
        }

        if (!regions.TryGetValue(type, out var region))
        {
            region = DeviceSharding.RegionOrProxy(Context.System, type);
            regions[type] = region;
            log.Information("Devices of {Type} are routed through its shard region", type);
        }

        return region;
    }
}

using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using NetFleet.Actors;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Node.Bootstrap;

namespace NetFleet.Node;

/// <summary>One member of a NetFleet cluster, composed per role: <c>worker</c> hosts device shard regions,
/// <c>orchestrator</c> runs the <see cref="JobManager"/> singleton and a <see cref="CaptureManager"/> (and, in the CLI,
/// the HTTP API), <c>sensor</c> hosts the <see cref="SensorActor"/> at <c>/user/sensor</c>, which runs captures.</summary>
public sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>How long a device actor (and its SSH session) stays when it has nothing to do.</summary>
    public static readonly TimeSpan DeviceIdleAfter = TimeSpan.FromMinutes(2);

    /// <summary>Where a sensor keeps its captures' pcap files: CAPTURE-ID/ under this folder.</summary>
    public static readonly string CaptureDirectory = Path.GetFullPath(Path.Combine(".netfleet", "captures"));

    private ManagementEndpoint? management;

    private ClusterNode(NodeSettings settings, JobStore store, ActorSystem system, IActorRef? jobManager, IActorRef? captures)
    {
        Captures = captures;
        Settings = settings;
        Store = store;
        System = system;
        JobManager = jobManager;
    }

    public NodeSettings Settings { get; }
    public JobStore Store { get; }
    public ActorSystem System { get; }

    /// <summary>A proxy to the job manager singleton; null on nodes without the orchestrator role.</summary>
    public IActorRef? JobManager { get; }

    /// <summary>The captures asked for through this node; null on nodes without the orchestrator role.</summary>
    public IActorRef? Captures { get; }

    /// <param name="config">HOCON over the node's own (a test's stricter serializer bindings, a cluster key).</param>
    public static async Task<ClusterNode> StartAsync(NodeSettings settings, Serilog.ILogger log, DeviceActorSettings? deviceSettings = null,
        CancellationToken cancellationToken = default, Config? config = null)
    {
        var store = JobStore.Resolve(settings.Store);
        if (settings.Has(NodeSettings.Orchestrator))
        {
            store.EnsureLocation();
            await new History.HistoryStore(store).EnsureSchemaAsync(cancellationToken);
        }

        var system = ActorSystem.Create(NodeSettings.SystemName, (config ?? Config.Empty).WithFallback(ClusterConfig(settings))
            .WithFallback(settings.Discovery.ToConfig())
            .WithFallback(RemoteTls.ToConfig(settings.RemoteTls))
            .WithFallback(NetFleetNode.PersistenceConfig(store))
            .WithFallback(JobRunner.SystemConfig)
            .WithFallback(ClusterSharding.DefaultConfig())
            .WithFallback(ClusterSingleton.DefaultConfig())
            .WithFallback(DistributedPubSub.DefaultConfig()));

        if (settings.Has(NodeSettings.Worker))
        {
            var affinities = settings.Affinities.Count == 0 ? [null] : settings.Affinities.Cast<Affinity?>().ToList();
            foreach (var affinity in affinities)
            {
                DeviceSharding.StartRegion(system, affinity, deviceSettings ?? DeviceActorSettings.Default, DeviceIdleAfter, log);
            }
        }

        if (settings.Has(NodeSettings.Sensor))
        {
            var info = new CaptureProtocol.SensorInfo(settings.SensorName, settings.SensorTags.Select(t => t.ToString()).ToList(),
                settings.SensorInterfaces, settings.SelfAddress);
            system.ActorOf(SensorActor.Props(info, CaptureDirectory), SensorActor.Name);
        }

        IActorRef? jobManager = null;
        IActorRef? captures = null;
        if (settings.Has(NodeSettings.Orchestrator))
        {
            system.ActorOf(ClusterSingletonManager.Props(Actors.Jobs.JobManager.Props(log), PoisonPill.Instance,
                ClusterSingletonManagerSettings.Create(system).WithRole(NodeSettings.Orchestrator)), "job-manager");
            jobManager = system.ActorOf(ClusterSingletonProxy.Props("/user/job-manager",
                ClusterSingletonProxySettings.Create(system).WithRole(NodeSettings.Orchestrator)), "job-manager-proxy");
            captures = system.ActorOf(CaptureManager.Props(NodeSettings.Sensor), CaptureManager.Name);
        }

        var node = new ClusterNode(settings, store, system, jobManager, captures);
        if (settings.Discovery.UsesBootstrap)
        {
            node.management = await ManagementEndpoint.StartAsync(system, settings.Hostname, settings.Discovery, cancellationToken);
        }

        return node;
    }

    /// <summary>Remoting on the node's address, cluster roles and seeds, and the failure handling: heartbeats every
    /// 500 ms, a node is unreachable after 2 s of silence, and the split brain resolver (keep-majority) downs it once
    /// the membership has been stable for 2 s; the singleton and the shards then move to the survivors.</summary>
    public static Config ClusterConfig(NodeSettings settings)
    {
        string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(i => "\"" + i + "\"")) + "]";
        // Cluster Bootstrap refuses to run beside configured seed nodes: it decides who seeds.
        IReadOnlyList<string> seeds = settings.Discovery.UsesBootstrap ? [] : settings.SeedNodes.Count == 0 ? [settings.SelfAddress] : settings.SeedNodes;
        return ConfigurationFactory.ParseString($$"""
            akka {
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = "{{settings.Hostname}}"
                port = {{settings.Port}}
                # A finished job's summary (every result) is one message to the API's node.
                maximum-frame-size = 16MiB
                send-buffer-size = 16MiB
                receive-buffer-size = 16MiB
              }
              cluster {
                roles = {{List(settings.ClusterRoles)}}
                seed-nodes = {{List(seeds)}}
                min-nr-of-members = 1
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = 2s
                }
                failure-detector {
                  heartbeat-interval = 500ms
                  acceptable-heartbeat-pause = 2s
                }
                sharding {
                  # Device entities passivate themselves once idle (DeviceEntity), after their in-flight work.
                  passivate-idle-entity-after = off
                  rebalance-interval = 2s
                  handoff-timeout = 90s
                }
                pub-sub.send-to-dead-letters-when-no-subscribers = off
              }
            }
            """);
    }

    /// <summary>Members, roles and status, and per member the device shards and device actors it hosts.</summary>
    public async Task<ClusterStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var cluster = Cluster.Get(System);
        var state = cluster.State;
        var types = state.Members.SelectMany(m => m.Roles)
            .Where(r => r == DeviceSharding.GeneralType || DeviceSharding.AffinityOfRole(r) is not null).Distinct().ToList();
        var shards = new Dictionary<Address, (int Shards, int Devices)>();
        foreach (var type in types)
        {
            var region = DeviceSharding.RegionOrProxy(System, type);
            var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(5),
                cancellationToken);
            foreach (var (address, regionStats) in stats.Regions)
            {
                var (s, d) = shards.GetValueOrDefault(address);
                shards[address] = (s + regionStats.Stats.Count, d + regionStats.Stats.Values.Sum());
            }
        }

        var singletonHost = state.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(NodeSettings.Orchestrator))
            .OrderBy(m => m, Member.AgeOrdering).FirstOrDefault()?.Address;
        var members = state.Members.Select(m => new ClusterMember(m.Address.ToString(), m.Roles.Order(StringComparer.Ordinal).ToList(),
            state.Unreachable.Contains(m) ? "unreachable" : m.Status.ToString().ToLowerInvariant(), m.Address.Equals(singletonHost),
            shards.GetValueOrDefault(m.Address).Shards, shards.GetValueOrDefault(m.Address).Devices)).ToList();
        return new ClusterStatus(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members);
    }

    /// <summary>Leaves the cluster (its shards and, if here, the singleton move first), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        if (management is not null) await management.DisposeAsync();
    }
}

public sealed record ClusterStatus(string Self, string? Leader, IReadOnlyList<ClusterMember> Members);

/// <param name="Orchestrating">Holds the job manager singleton (the oldest orchestrator).</param>
public sealed record ClusterMember(string Address, IReadOnlyList<string> Roles, string Status, bool Orchestrating, int Shards, int Devices);

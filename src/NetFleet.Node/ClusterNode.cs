using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Node.Hosting;

namespace NetFleet.Node;

/// <summary>One member of a NetFleet cluster (<c>netfleet node</c>), started by <see cref="NetFleetHost"/> with the roles
/// of its settings (see <see cref="NetFleetHosting"/> for what each role starts).</summary>
public sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>Where a sensor keeps its captures' pcap files: CAPTURE-ID/ under this folder.</summary>
    public static readonly string CaptureDirectory = Path.GetFullPath(Path.Combine(".netfleet", "captures"));

    private readonly NetFleetHost host;

    private ClusterNode(NetFleetHost host) => this.host = host;

    public NodeSettings Settings => host.Settings;
    public JobStore Store => host.Store;
    public ActorSystem System => host.System;

    /// <summary>The HTTP API's address on an orchestrator started with one; null otherwise.</summary>
    public Uri? ApiUrl => host.ApiUrl;

    /// <summary>A proxy to the job manager singleton; null on nodes without the orchestrator role.</summary>
    public IActorRef? JobManager => host.Registry.TryGet<JobManager>(out var proxy) ? proxy : null;

    /// <summary>The captures asked for through this node; null on nodes without the orchestrator role.</summary>
    public IActorRef? Captures => host.Registry.TryGet<CaptureManager>(out var captures) ? captures : null;

    /// <param name="config">HOCON over the node's own (a test's stricter serializer bindings, a cluster key).</param>
    public static async Task<ClusterNode> StartAsync(NodeSettings settings, Serilog.ILogger log, DeviceActorSettings? deviceSettings = null,
        INodeApi? api = null, CancellationToken cancellationToken = default, Akka.Configuration.Config? config = null)
    {
        if (!settings.IsClusterMember) throw new ArgumentException("a cluster node needs at least one role", nameof(settings));
        return new ClusterNode(await NetFleetHost.StartAsync(settings, log, deviceSettings, api, cancellationToken, config));
    }

    /// <summary>Members, roles and status, and per member the device shards and device actors it hosts.</summary>
    public Task<ClusterStatus> StatusAsync(CancellationToken cancellationToken = default) => ClusterStatus.ReadAsync(System, cancellationToken);

    /// <summary>Leaves the cluster (its shards and, if here, the singleton move first), then stops.</summary>
    public ValueTask DisposeAsync() => host.DisposeAsync();
}

public sealed record ClusterStatus(string Self, string? Leader, IReadOnlyList<ClusterMember> Members)
{
    /// <summary>Members, roles and status, and per member the device shards and device actors it hosts.</summary>
    public static async Task<ClusterStatus> ReadAsync(ActorSystem system, CancellationToken cancellationToken = default)
    {
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        var types = state.Members.SelectMany(m => m.Roles)
            .Where(r => r == DeviceSharding.GeneralType || DeviceSharding.AffinityOfRole(r) is not null).Distinct().ToList();
        var shards = new Dictionary<Address, (int Shards, int Devices)>();
        foreach (var type in types)
        {
            var region = DeviceSharding.RegionOrProxy(system, type);
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
}

/// <param name="Orchestrating">Holds the job manager singleton (the oldest orchestrator).</param>
public sealed record ClusterMember(string Address, IReadOnlyList<string> Roles, string Status, bool Orchestrating, int Shards, int Devices);

using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Node;
using NetFleet.Node.Hosting;
using NetFleet.Testing;

namespace NetFleet.Cluster.Tests;

/// <summary>The one composition root: what the roles start, and the configuration it composes.</summary>
public sealed class NetFleetHostingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-hosting-test-").FullName;

    /// <summary>What <see cref="NetFleetHosting"/> composes for <paramref name="settings"/>, without starting it.</summary>
    private static AkkaConfigurationBuilder Composed(NodeSettings settings) =>
        new AkkaConfigurationBuilder(new ServiceCollection(), NodeSettings.SystemName)
            .AddNetFleet(settings, JobStore.Parse("sqlite:unused.db"), Serilog.Core.Logger.None, DeviceActorSettings.Default);

    public static Config ComposedConfig(NodeSettings settings) => Composed(settings).Configuration.Value;

    [Fact]
    public void A_cluster_member_gets_remoting_cluster_failure_handling_and_the_sql_journal_in_one_config()
    {
        var settings = NodeSettings.Resolve(new NodeOptions { Roles = "worker", Port = 4100, SeedNodes = "akka.tcp://netfleet@10.0.0.1:4053", Affinity = ["site=lon"] },
            _ => null);
        var composed = Composed(settings);
        var config = composed.Configuration.Value;

        Assert.IsType<ProviderSelection.Cluster>(composed.ActorRefProvider.Value);
        Assert.Equal(4100, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(16 * 1024 * 1024, config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.Equal(["worker", "devices@site=lon"], config.GetStringList("akka.cluster.roles"));
        Assert.Equal(["akka.tcp://netfleet@10.0.0.1:4053"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal(typeof(JobJournalSerializer).AssemblyQualifiedName, config.GetString("akka.actor.serializers.netfleet-jobs"));
        Assert.Equal("OFF", config.GetString("akka.loglevel"));
    }

    [Fact]
    public void A_node_alone_seeds_itself_and_the_single_process_run_has_no_remoting()
    {
        var alone = NodeSettings.Resolve(new NodeOptions { Roles = "orchestrator", Port = 4101 }, _ => null);
        Assert.Equal([alone.SelfAddress], ComposedConfig(alone).GetStringList("akka.cluster.seed-nodes"));

        var single = Composed(NodeSettings.SingleProcess(JobStore.Parse("sqlite:unused.db")));
        Assert.False(single.ActorRefProvider.HasValue);
        Assert.False(single.Configuration.Value.HasPath("akka.remote.dot-netty.tcp.port"));
    }

    [Fact]
    public async Task The_roles_decide_what_starts()
    {
        var store = $"sqlite:{Path.Combine(folder, "netfleet.db")}";
        await using (var single = await NetFleetHost.StartAsync(NodeSettings.SingleProcess(JobStore.Parse(store)), Serilog.Core.Logger.None))
        {
            Assert.True(single.Registry.TryGet<DeviceRegistry>(out var devices));
            Assert.Equal("/user/devices", devices.Path.ToStringWithoutAddress());
            Assert.False(single.Registry.TryGet<JobManager>(out _));
            Assert.IsNotType<Akka.Cluster.ClusterActorRefProvider>(((ExtendedActorSystem)single.System).Provider);
        }

        await using (var worker = await ClusterNode.StartAsync(Settings("worker", store), Serilog.Core.Logger.None))
        {
            Assert.Null(worker.JobManager);
            Assert.Null(worker.Captures);
            Assert.Contains(DeviceSharding.GeneralType, ClusterSharding.Get(worker.System).ShardTypeNames);
        }

        await using (var orchestrator = await ClusterNode.StartAsync(Settings("orchestrator,sensor", store), Serilog.Core.Logger.None))
        {
            Assert.NotNull(orchestrator.JobManager);
            Assert.NotNull(orchestrator.Captures);
            Assert.Empty(ClusterSharding.Get(orchestrator.System).ShardTypeNames);
            var sensor = await orchestrator.System.ActorSelection("/user/" + SensorActor.Name).ResolveOne(TimeSpan.FromSeconds(5));
            Assert.NotNull(sensor);
            Assert.Null(orchestrator.ApiUrl);
        }
    }

    private static NodeSettings Settings(string roles, string store) =>
        NodeSettings.Resolve(new NodeOptions { Roles = roles, Hostname = "127.0.0.1", Port = Loopback.FreePort(), Store = store }, _ => null);

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

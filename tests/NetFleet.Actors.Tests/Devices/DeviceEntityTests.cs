using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using NetFleet.Actors.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Tests.Devices;

/// <summary>The sharded device entity on a cluster of one, with the shard's idle passivation shortened to a second.</summary>
public sealed class DeviceEntityTests() : TestKit(ClusterOfOne)
{
    private static readonly Config ClusterOfOne = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.roles = [devices]
        akka.cluster.sharding.passivate-idle-entity-after = 1s
        """).WithFallback(ClusterSharding.DefaultConfig());

    [Fact]
    public async Task An_entity_only_asked_its_status_holds_no_session_and_passivates_once_idle()
    {
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(10));
        var region = DeviceSharding.StartRegion(Sys, null, DeviceActorSettings.Default, Serilog.Core.Logger.None);

        region.Tell(new GetSessionStatus("ghost"));
        Assert.Equal(new SessionStatus("ghost", false, false, 0), ExpectMsg<SessionStatus>(TimeSpan.FromSeconds(10)));
        var entity = LastSender;
        Assert.EndsWith("/ghost", entity.Path.ToStringWithoutAddress(), StringComparison.Ordinal);
        // No device actor, so no session child and nothing that could connect.
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection(entity.Path / "device").ResolveOne(TimeSpan.FromSeconds(1)));

        Watch(entity);
        ExpectTerminated(entity, TimeSpan.FromSeconds(10));
    }
}

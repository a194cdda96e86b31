using Akka.Actor;
using Akka.TestKit.Xunit2;
using NetFleet.Actors.Devices;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices;
using NetFleet.Lab.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Tests.Devices;

/// <summary>The NETCONF lane of a device actor against the lab's Junos NETCONF personality: one session beside the CLI
/// session, reused, closed when idle, reopened when the options change; failures mapped to the usual kinds.</summary>
public sealed class DeviceNetconfActorTests(NetconfLab lab) : TestKit, IClassFixture<NetconfLab>
{
    private static readonly DeviceActorSettings Fast =
        new(2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));

    private long nextId;

    private IActorRef Registry() => Sys.ActorOf(DeviceRegistry.Props(Fast, Serilog.Core.Logger.None));

    private DeviceConnectionOptions Options(string name, int? netconfPort = null)
    {
        var device = lab.Spec.Devices.Single(d => d.Name == name);
        return new DeviceConnectionOptions(device.Address, device.Platform, new SshCredentials(LabDefaults.Username) { PrivateKeyPath = lab.Paths.ClientKey })
        {
            Name = name,
            Port = lab.Spec.Port,
            NetconfPort = netconfPort ?? lab.Spec.Port,
            KnownHostsPath = lab.KnownHosts,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(5),
        };
    }

    private RunDeviceRequest Run(string device, DeviceRequest request, DeviceConnectionOptions? options = null, TimeSpan? idle = null) =>
        new(device, ++nextId, "test", options ?? Options(device), request, false, TimeSpan.FromSeconds(20), idle ?? TimeSpan.FromSeconds(30));

    [Fact]
    public void Netconf_requests_share_one_session_beside_the_cli_session()
    {
        var devices = Registry();
        var before = lab.Host.SessionsServed;

        devices.Tell(Run("junos-n1", new NetconfReadConfig()));
        devices.Tell(Run("junos-n1", new SendCommand("show version", null, null)));
        devices.Tell(Run("junos-n1", new NetconfGet("running", "<configuration><system/></configuration>", null)));
        var replies = new[]
        {
            ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15)), ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15)),
            ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15)),
        };

        Assert.Contains(replies, r => r.Output!.Contains("<configuration", StringComparison.Ordinal) && r.Data is null);
        var get = Assert.Single(replies, r => r.Data is not null);
        Assert.IsType<Dictionary<string, object?>>(get.Data!["parsed"]);
        Assert.StartsWith("<data", (string)get.Data["output"]!, StringComparison.Ordinal);
        // One NETCONF session and one CLI session.
        Assert.Equal(2, lab.Host.SessionsServed - before);
    }

    [Fact]
    public void An_idle_netconf_session_is_closed_and_changed_options_open_a_new_one()
    {
        var devices = Registry();
        var before = lab.Host.SessionsServed;

        devices.Tell(Run("junos-n2", new NetconfReadConfig(), idle: TimeSpan.FromMilliseconds(200)));
        ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15));
        Thread.Sleep(600);
        devices.Tell(Run("junos-n2", new NetconfReadConfig()));
        ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15));
        Assert.Equal(2, lab.Host.SessionsServed - before);

        devices.Tell(Run("junos-n2", new NetconfReadConfig(), Options("junos-n2") with { CommandTimeout = TimeSpan.FromSeconds(6) }));
        ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15));
        Assert.Equal(3, lab.Host.SessionsServed - before);
    }

    [Fact]
    public void A_closed_netconf_port_is_unreachable_and_an_rpc_error_is_rejected_with_the_session_kept()
    {
        var devices = Registry();

        devices.Tell(Run("junos-n3", new NetconfReadConfig(), Options("junos-n3", NetFleet.Testing.Loopback.FreePort())));
        var refused = ExpectMsg<DeviceRequestFailed>(TimeSpan.FromSeconds(20));
        Assert.Equal(FailureKind.Unreachable, refused.Kind);
        Assert.Contains("NETCONF session could not be opened", refused.Message, StringComparison.Ordinal);

        var before = lab.Host.SessionsServed;
        devices.Tell(Run("junos-n3", new NetconfGet("startup", null, null)));
        var rejected = ExpectMsg<DeviceRequestFailed>(TimeSpan.FromSeconds(15));
        Assert.Equal(FailureKind.Rejected, rejected.Kind);
        devices.Tell(Run("junos-n3", new NetconfReadConfig()));
        ExpectMsg<DeviceRequestCompleted>(TimeSpan.FromSeconds(15));
        Assert.Equal(1, lab.Host.SessionsServed - before);
    }
}

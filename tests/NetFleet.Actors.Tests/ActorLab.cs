using NetFleet.Core.Inventory;
using NetFleet.Devices;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>One lab for the actor tests: faulty devices first (so serial batches meet them first), then clean
/// devices that each test takes for itself, so tests do not disturb each other's device state.</summary>
public sealed class ActorLab() : JobLab("netfleet-actors-test-", port => new LabSpec(port, TimeSpan.FromMilliseconds(200),
    [
        new LabDevice("ios-reject", "127.0.8.1", "cisco_ios", new DeviceFaults { RejectConfig = RejectNtp }),
        new LabDevice("eos-refuse", "127.0.8.2", "arista_eos", new DeviceFaults { RefuseAuth = true }),
        new LabDevice("ios-hang", "127.0.8.3", "cisco_ios", new DeviceFaults { HangAfterCommands = 6 }),
        new LabDevice("ios-drop", "127.0.8.4", "cisco_ios", new DeviceFaults { DropAfterCommands = 6 }),
        new LabDevice("ios-1", "127.0.8.5", "cisco_ios", DeviceFaults.None),
        new LabDevice("eos-1", "127.0.8.6", "arista_eos", DeviceFaults.None),
        new LabDevice("junos-1", "127.0.8.7", "juniper_junos", DeviceFaults.None),
        new LabDevice("ios-2", "127.0.8.8", "cisco_ios", DeviceFaults.None),
        new LabDevice("junos-2", "127.0.8.9", "juniper_junos", DeviceFaults.None),
        new LabDevice("ios-3", "127.0.8.10", "cisco_ios", DeviceFaults.None),
        new LabDevice("eos-2", "127.0.8.11", "arista_eos", DeviceFaults.None),
        new LabDevice("ios-4", "127.0.8.12", "cisco_ios", DeviceFaults.None),
    ]))
{
    private static readonly string[] RejectNtp = [@"^ntp server 10\."];

    /// <summary>Options as the orchestrator builds them, with key auth and short timeouts.</summary>
    public DeviceConnectionOptions Options(string name, string? address = null)
    {
        var device = Fixture.Spec.Devices.SingleOrDefault(d => d.Name == name);
        return new DeviceConnectionOptions(address ?? device!.Address, device?.Platform ?? "cisco_ios",
            new SshCredentials(LabDefaults.Username) { PrivateKeyPath = Fixture.Paths.ClientKey })
        {
            Name = name,
            Port = Fixture.Spec.Port,
            EnableSecret = LabDefaults.EnableSecret,
            KnownHostsPath = Fixture.Paths.KnownHosts,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(5),
        };
    }
}

[CollectionDefinition(Name)]
public sealed class ActorLabCollection : ICollectionFixture<ActorLab>
{
    public const string Name = "actor lab";
}

using NetFleet.Devices;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Testing;

namespace NetFleet.Devices.Tests;

/// <summary>One lab for the driver tests: a clean device per platform plus one device per fault or
/// per state-changing test, so tests do not disturb each other.</summary>
public sealed class DeviceLab() : LabFixture(port => new LabSpec(port, TimeSpan.FromMilliseconds(200),
    [
        new LabDevice("ios-1", "127.0.7.1", "cisco_ios", DeviceFaults.None),
        new LabDevice("eos-1", "127.0.7.2", "arista_eos", DeviceFaults.None),
        new LabDevice("junos-1", "127.0.7.3", "juniper_junos", DeviceFaults.None),
        new LabDevice("ios-rename", "127.0.7.4", "cisco_ios", DeviceFaults.None),
        new LabDevice("ios-hang", "127.0.7.5", "cisco_ios", new DeviceFaults { HangAfterCommands = 5 }),
        new LabDevice("ios-drop", "127.0.7.6", "cisco_ios", new DeviceFaults { DropAfterCommands = 5 }),
        new LabDevice("ios-refuse", "127.0.7.7", "cisco_ios", new DeviceFaults { RefuseAuth = true }),
        new LabDevice("ios-reject", "127.0.7.8", "cisco_ios", new DeviceFaults { RejectConfig = RejectNtp }),
        new LabDevice("eos-reject", "127.0.7.9", "arista_eos", new DeviceFaults { RejectConfig = RejectNtp }),
        new LabDevice("junos-reject", "127.0.7.10", "juniper_junos", new DeviceFaults { RejectConfig = RejectNtp }),
        new LabDevice("eos-rename", "127.0.7.11", "arista_eos", DeviceFaults.None),
        new LabDevice("junos-rename", "127.0.7.12", "juniper_junos", DeviceFaults.None),
        new LabDevice("ios-noarchive", "127.0.7.13", "cisco_ios", DeviceFaults.None) { Capabilities = IosVariants.Find(IosVariants.NoArchive)! },
        new LabDevice("ios-legacy", "127.0.7.14", "cisco_ios", DeviceFaults.None) { Capabilities = IosVariants.Find(IosVariants.Legacy)! },
        new LabDevice("ios-privileged", "127.0.7.15", "cisco_ios", DeviceFaults.None) { Capabilities = IosVariants.Find(IosVariants.Privileged)! },
        new LabDevice("eos-big", "127.0.7.16", "arista_eos", DeviceFaults.None),
    ]))
{
    private static readonly string[] RejectNtp = [@"^(set system )?ntp server 10\."];

    public LabDevice Device(string name) => Spec.Devices.Single(d => d.Name == name);

    /// <summary>Options as an inventory would give them: key auth, the lab's known_hosts, short timeouts.</summary>
    public DeviceConnectionOptions Options(string name, bool password = false) => Options(Device(name), password);

    public DeviceConnectionOptions Options(LabDevice device, bool password = false) =>
        new(device.Address, device.Platform, password
            ? new SshCredentials(LabDefaults.Username) { Password = LabDefaults.Password }
            : new SshCredentials(LabDefaults.Username) { PrivateKeyPath = Paths.ClientKey })
        {
            Name = device.Name,
            Port = Spec.Port,
            EnableSecret = LabDefaults.EnableSecret,
            KnownHostsPath = Paths.KnownHosts,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            CommandTimeout = TimeSpan.FromSeconds(10),
        };

    public static async Task<DeviceDriver> OpenAsync(DeviceConnectionOptions options)
    {
        var driver = DeviceDriver.Create(options);
        await driver.OpenAsync();
        return driver;
    }
}

[CollectionDefinition(Name)]
public sealed class DeviceLabCollection : ICollectionFixture<DeviceLab>
{
    public const string Name = "device lab";
}

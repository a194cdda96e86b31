using NetFleet.Lab.Platforms;

namespace NetFleet.TextFsm.Tests;

/// <summary>The built-in templates, chosen through the built-in index, over output from the lab personalities.</summary>
public class LabTemplateTests
{
    public static IEnumerable<(ILabPlatform Platform, string Device, string Command)> LabCommands() =>
    [
        (new CiscoIos(), "ios-1", "show version"),
        (new CiscoIos(), "ios-1", "show ip interface brief"),
        (new AristaEos(), "eos-1", "show version"),
        (new AristaEos(), "eos-1", "show ip interface brief"),
        (new JuniperJunos(), "junos-1", "show version"),
        (new JuniperJunos(), "junos-1", "show interfaces terse"),
    ];

    private static async Task<IReadOnlyList<IReadOnlyDictionary<string, object>>> ParseLabAsync(ILabPlatform platform, string device, string command) =>
        TextFsmLibrary.Builtin.ParseOutput(platform.Name, command, await LabCapture.ExecAsync(platform, device, command));

    [Fact]
    public async Task Ios_show_version_gives_one_record_with_version_and_serial()
    {
        var record = Assert.Single(await ParseLabAsync(new CiscoIos(), "ios-1", "show version"));
        Assert.Equal("15.7(3)M8", record["version"]);
        Assert.Equal("ios-1", record["hostname"]);
        Assert.Equal("C2900-UNIVERSALK9-M", record["software_image"]);
        Assert.Equal(new object?[] { "FTX9177BBE0" }, (object?[])record["serial"]);
        Assert.Equal("0x2102", record["config_register"]);
    }

    [Fact]
    public async Task Ios_show_ip_interface_brief_gives_a_record_per_interface()
    {
        var records = await ParseLabAsync(new CiscoIos(), "ios-1", "sh ip int br");
        Assert.Equal(["GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2", "GigabitEthernet0/3", "Loopback0"], records.Select(r => (string)r["interface"]));
        Assert.Equal("administratively down", records[2]["status"]);
        Assert.Equal("10.255.1.5", records[4]["ip_address"]);
    }

    [Fact]
    public async Task Eos_show_version_and_interfaces_parse()
    {
        var version = Assert.Single(await ParseLabAsync(new AristaEos(), "eos-1", "show version"));
        Assert.Equal("vEOS-lab", version["model"]);
        Assert.Equal("4.31.2F", version["image"]);
        var interfaces = await ParseLabAsync(new AristaEos(), "eos-1", "show ip interface brief");
        Assert.Equal(["Ethernet1", "Ethernet2", "Loopback0", "Management1"], interfaces.Select(r => (string)r["interface"]));
        Assert.Equal("65535", interfaces[2]["mtu"]);
    }

    [Fact]
    public async Task Junos_show_version_lists_packages_as_dictionaries()
    {
        var record = Assert.Single(await ParseLabAsync(new JuniperJunos(), "junos-1", "show version"));
        Assert.Equal("junos-1", record["hostname"]);
        Assert.Equal("23.2R1.13", record["junos_version"]);
        var packages = ((object?[])record["packages"]).Cast<IReadOnlyDictionary<string, string?>>().ToList();
        Assert.Contains(packages, p => p["package"] == "Routing Software Suite" && p["version"] == "20230613.144505_builder_junos_232_r1");
    }

    [Fact]
    public async Task Junos_show_interfaces_terse_keeps_physical_and_logical_interfaces()
    {
        var records = await ParseLabAsync(new JuniperJunos(), "junos-1", "show interfaces terse");
        Assert.Equal(10, records.Count);
        var loopback = records.Single(r => (string)r["interface"] == "lo0.0");
        Assert.Equal(new object?[] { "10.255.1.5" }, (object?[])loopback["local"]);
        Assert.Equal("0/0", loopback["remote"]);
        Assert.Equal("down", records.Single(r => (string)r["interface"] == "ge-0/0/2")["link_state"]);
    }
}

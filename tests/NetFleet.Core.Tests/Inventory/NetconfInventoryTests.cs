using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Inventory;

/// <summary>The inventory's <c>netconf:</c> key, platform <c>netconf</c>, and which modules may run on which hosts.</summary>
public sealed class NetconfInventoryTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("netfleet-netconf-inventory-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private InventoryLoadResult Load(string hosts, string groups = "", string defaults = "")
    {
        File.WriteAllText(Path.Combine(dir, "hosts.yaml"), hosts);
        File.WriteAllText(Path.Combine(dir, "groups.yaml"), groups);
        File.WriteAllText(Path.Combine(dir, "defaults.yaml"), defaults);
        return InventoryLoader.Load(dir);
    }

    [Fact]
    public void Netconf_is_inherited_like_other_connection_keys_and_true_means_port_830()
    {
        var inventory = Load("""
            j1: {groups: [junos]}
            j2: {groups: [junos], netconf: {port: 2830}}
            j3: {groups: [junos], netconf: false}
            ios: {platform: cisco_ios}
            nd: {platform: netconf}
            """, "junos: {platform: juniper_junos, netconf: true}\n", "username: admin\n").Inventory!;

        Assert.Equal(830, inventory.FindHost("j1")!.Netconf!.Port);
        Assert.Equal(2830, inventory.FindHost("j2")!.Netconf!.Port);
        Assert.Null(inventory.FindHost("j3")!.Netconf);
        Assert.Null(inventory.FindHost("ios")!.Netconf);
        var netconfd = inventory.FindHost("nd")!;
        Assert.Equal((830, true), (netconfd.Netconf!.Port, netconfd.NetconfOnly));
        Assert.False(inventory.FindHost("j1")!.NetconfOnly);
    }

    [Fact]
    public void A_wrong_netconf_value_is_a_located_error_with_a_suggestion()
    {
        var result = Load("""
            a: {netconf: {prot: 830}}
            b: {netconf: {port: 70000}}
            c: {netconf: yes please}
            """);

        Assert.Null(result.Inventory);
        var hosts = Path.Combine(dir, "hosts.yaml");
        var byLine = result.Diagnostics.ToDictionary(d => d.Line);
        Assert.Equal((hosts, 1, 15, DiagnosticCodes.UnknownKey, "did you mean 'port'?"),
            (byLine[1].File, byLine[1].Line, byLine[1].Column, byLine[1].Code, byLine[1].Hint));
        Assert.Equal("netconf port 70000 is out of range 1-65535", byLine[2].Message);
        Assert.Equal((3, 14), (byLine[3].Line, byLine[3].Column));
    }

    [Fact]
    public void Cli_modules_on_netconf_only_hosts_and_netconf_modules_on_hosts_without_netconf_fail_validation_at_the_task()
    {
        Load("""
            nd: {hostname: 127.0.0.1, platform: netconf, netconf: {port: 2830}}
            ios: {hostname: 127.0.0.1, platform: cisco_ios}
            """);
        var playbook = Path.Combine(dir, "play.yaml");
        File.WriteAllText(playbook, """
            - hosts: nd
              tasks:
                - netconf_get: {source: running}
                - command: show version
            - hosts: ios
              tasks:
                - netconf_config: {content: "<a/>"}
            """);

        var diagnostics = PlaybookValidator.Validate(playbook, dir);

        Assert.Equal(2, diagnostics.Count);
        Assert.Equal((playbook, 4), (diagnostics[0].File, diagnostics[0].Line));
        Assert.Contains("module 'command', which needs a CLI session, but host 'nd'", diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal((playbook, 7), (diagnostics[1].File, diagnostics[1].Line));
        Assert.Contains("host 'ios' of play", diagnostics[1].Message, StringComparison.Ordinal);
        Assert.Contains("netconf: {port: 830}", diagnostics[1].Hint, StringComparison.Ordinal);
    }
}

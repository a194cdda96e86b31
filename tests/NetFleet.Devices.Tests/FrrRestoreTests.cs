using NetFleet.Devices.Platforms;

namespace NetFleet.Devices.Tests;

/// <summary>
/// The commands <see cref="FrrConfig.RestoreCommands"/> computes, entered into a real FRR 8.4 with vtysh: a change is
/// made, the commands back to the backup are computed from the two <c>show running-config</c> texts and entered in one
/// pass, and the running configuration must then equal the backup line for line. The same the other way round: the
/// commands from the backup to the changed configuration must reach it.
/// </summary>
[Collection(FrrRouterCollection.Name)]
public sealed class FrrRestoreTests(FrrRouter router)
{
    public static TheoryData<string, string[]> Changes => new()
    {
        { "bgp neighbour added", ["router bgp 65001", "neighbor 198.18.0.5 remote-as 65005", "neighbor 198.18.0.5 description r5",
            "address-family ipv4 unicast", "neighbor 198.18.0.5 route-map RM-OUT out"] },
        { "remote-as changed", ["router bgp 65001", "neighbor 198.18.0.1 remote-as 65003"] },
        { "bgp neighbour removed", ["router bgp 65001", "no neighbor 198.18.0.1 remote-as 65002"] },
        { "address-family lines", ["router bgp 65001", "address-family ipv4 unicast", "network 198.18.20.0/24", "no network 198.18.10.0/24",
            "neighbor 198.18.0.1 route-map RM-OUT in", "exit-address-family", "address-family ipv6 unicast", "network 2001:db8:20::/48"] },
        { "ospf network and area", ["router ospf", "no network 198.18.0.0/31 area 0", "network 198.18.0.0/31 area 1",
            "network 198.18.255.1/32 area 0", "area 1 stub"] },
        { "interface description and address", ["interface eth1", "description to-r9", "no ip address 198.18.0.0/31",
            "ip address 198.18.0.2/31", "exit", "interface eth2", "description spare", "ip address 198.18.0.4/31"] },
        { "static routes", ["ip route 198.18.30.0/24 198.18.0.1", "no ip route 198.18.10.0/24 Null0", "ipv6 route 2001:db8:30::/48 Null0"] },
        { "route-maps and prefix-lists", ["ip prefix-list PL-OUT seq 15 permit 198.18.20.0/24 le 32",
            "no ip prefix-list PL-OUT seq 5 permit 198.18.10.0/24", "route-map RM-IN deny 20", "match ip address prefix-list PL-OUT",
            "exit", "no route-map RM-OUT permit 10"] },
        { "route-map entry edited", ["route-map RM-OUT permit 10", "set metric 70", "no match ip address prefix-list PL-OUT"] },
        { "router ids, descriptions, costs", ["router bgp 65001", "bgp router-id 198.18.255.9", "neighbor 198.18.0.1 description r2-new",
            "exit", "interface eth1", "ip ospf cost 20", "exit", "router ospf", "ospf router-id 198.18.255.9"] },
        { "defaults shown negated", ["router bgp 65001", "bgp ebgp-requires-policy", "exit", "ip forwarding"] },
        { "bgp and ospf removed", ["no router bgp 65001", "no router ospf"] },
        { "peer group with a member", ["router bgp 65001", "neighbor PG peer-group", "neighbor PG remote-as 65010", "neighbor PG timers 3 9",
            "neighbor 198.18.0.9 peer-group PG", "address-family ipv4 unicast", "neighbor PG route-map RM-OUT out"] },
        { "ospf on interfaces", ["interface eth2", "ip ospf hello-interval 2", "ip ospf dead-interval 8", "exit", "interface eth1",
            "ip ospf cost 15", "no ip ospf cost"] },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Restore_commands_bring_the_running_configuration_back_to_the_backup_exactly(string change, string[] lines)
    {
        var backup = await router.BaselineAsync();
        await router.ConfigureAsync(lines);
        var changed = await router.RunningConfigAsync();
        Assert.False(ConfigText.Same(changed, backup), $"{change}: the change changed nothing");

        await EnterAsync(FrrConfig.RestoreCommands(changed, backup));

        var after = await router.RunningConfigAsync();
        Assert.Equal(ConfigText.Significant(backup), ConfigText.Significant(after));
        Assert.Empty(FrrConfig.RestoreCommands(after, backup));
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Commands_from_the_backup_to_a_changed_configuration_reach_it(string change, string[] lines)
    {
        var backup = await router.BaselineAsync();
        await router.ConfigureAsync(lines);
        var changed = await router.RunningConfigAsync();
        await router.ResetAsync();
        Assert.True(ConfigText.Same(await router.RunningConfigAsync(), backup), $"{change}: the reset did not bring the base back");

        await EnterAsync(FrrConfig.RestoreCommands(backup, changed));

        Assert.Equal(ConfigText.Significant(changed), ConfigText.Significant(await router.RunningConfigAsync()));
    }

    private async Task EnterAsync(IReadOnlyList<string> commands)
    {
        var (code, output) = await router.VtyshAsync(["configure terminal", .. commands.Select(c => c.Trim())]);
        Assert.True(code == 0, $"FRR refused a restore command: {output}\ncommands:\n{string.Join('\n', commands)}");
    }
}

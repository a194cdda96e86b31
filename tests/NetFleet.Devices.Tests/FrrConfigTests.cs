using NetFleet.Devices.Platforms;

namespace NetFleet.Devices.Tests;

/// <summary>
/// FRR's nested configuration on <c>show running-config</c> texts captured from FRR 8.4.4 (FrrTexts/: base.txt is
/// <see cref="FrrRouter.Base"/> applied to fresh daemons, each other file the same after one change): the commands
/// back to the backup, and which lines of a change are still missing.
/// </summary>
public sealed class FrrConfigTests
{
    private static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "FrrTexts", name + ".txt"));

    private static IReadOnlyList<string> Restore(string changed) => FrrConfig.RestoreCommands(Text(changed), Text("base"));

    [Fact]
    public void A_changed_remote_as_is_set_again_not_removed_with_the_neighbour()
    {
        Assert.Equal(["router bgp 65001", " neighbor 198.18.0.1 remote-as 65002"], Restore("remoteas"));
    }

    [Fact]
    public void An_added_neighbour_goes_with_its_remote_as_alone_its_own_lines_go_with_it()
    {
        Assert.Equal(["router bgp 65001", " no neighbor 198.18.0.5 remote-as 65005"], Restore("neighbour"));
    }

    [Fact]
    public void A_peer_group_goes_by_its_peer_group_line_after_its_members_with_everything_else_of_it()
    {
        Assert.Equal(["router bgp 65001", " no neighbor 198.18.0.9 peer-group PG", " no neighbor PG peer-group"], Restore("peergroup"));
    }

    [Fact]
    public void Address_family_lines_are_restored_inside_their_address_family()
    {
        Assert.Equal(
        [
            "router bgp 65001",
            " address-family ipv4 unicast",
            "  no network 198.18.20.0/24",
            "  no neighbor 198.18.0.1 route-map RM-OUT in",
            " exit",
            " address-family ipv6 unicast",
            "  no network 2001:db8:20::/48",
            " exit",
            " address-family ipv4 unicast",
            "  network 198.18.10.0/24",
        ], Restore("af"));
    }

    [Fact]
    public void An_ospf_network_moved_to_another_area_is_removed_before_it_is_added_back()
    {
        Assert.Equal(
        [
            "router ospf",
            " no network 198.18.0.0/31 area 1",
            " no network 198.18.255.1/32 area 0",
            " no area 1 stub",
            " network 198.18.0.0/31 area 0",
        ], Restore("ospf"));
    }

    [Fact]
    public void Interfaces_are_restored_line_by_line_and_a_description_is_replaced_in_place()
    {
        Assert.Equal(
        [
            "interface eth1",
            " no ip address 198.18.0.2/31",
            "exit",
            "interface eth2",
            " no description",
            " no ip address 198.18.0.4/31",
            "exit",
            "interface eth1",
            " description to-r2",
            " ip address 198.18.0.0/31",
        ], Restore("iface"));
    }

    [Fact]
    public void Static_routes_are_single_line_commands_at_the_top()
    {
        Assert.Equal(["no ip route 198.18.30.0/24 198.18.0.1", "no ipv6 route 2001:db8:30::/48 Null0", "ip route 198.18.10.0/24 Null0"],
            Restore("static"));
    }

    [Fact]
    public void A_route_map_entry_is_removed_whole_and_recreated_with_its_lines()
    {
        Assert.Equal(
        [
            "no ip prefix-list PL-OUT seq 15 permit 198.18.20.0/24 le 32",
            "no route-map RM-IN deny 20",
            "ip prefix-list PL-OUT seq 5 permit 198.18.10.0/24",
            "route-map RM-OUT permit 10",
            " match ip address prefix-list PL-OUT",
            " set metric 50",
        ], Restore("policy"));
    }

    [Fact]
    public void A_removed_router_bgp_comes_back_with_its_address_families()
    {
        Assert.Equal(
        [
            "router bgp 65001",
            " bgp router-id 198.18.255.1",
            " no bgp ebgp-requires-policy",
            " neighbor 198.18.0.1 remote-as 65002",
            " neighbor 198.18.0.1 description r2",
            " address-family ipv4 unicast",
            "  network 198.18.10.0/24",
            "  neighbor 198.18.0.1 route-map RM-OUT out",
            " exit",
            "exit",
            "router ospf",
            " ospf router-id 198.18.255.1",
            " network 198.18.0.0/31 area 0",
        ], Restore("nobgp"));
    }

    [Fact]
    public void Removing_a_router_bgp_is_one_command_and_lines_frr_cannot_remove_are_left()
    {
        var commands = FrrConfig.RestoreCommands(Text("base"), "frr version 8.4.4\nfrr defaults traditional\nhostname r1\n");
        Assert.Contains("no router bgp 65001", commands);
        Assert.DoesNotContain(commands, c => c.Contains("address-family", StringComparison.Ordinal) || c.Contains("frr ", StringComparison.Ordinal)
            || c.Contains("service integrated-vtysh-config", StringComparison.Ordinal));
        Assert.Contains("no ip forwarding", FrrConfig.RestoreCommands("frr version 8.4.4\nip forwarding\n", "no ip forwarding\n"));
        Assert.Contains("ip forwarding", FrrConfig.RestoreCommands("no ip forwarding\n", ""));
    }

    [Fact]
    public void Nothing_to_restore_when_both_hold_the_same_configuration()
    {
        Assert.Empty(FrrConfig.RestoreCommands(Text("base"), Text("base")));
    }

    private static IReadOnlyList<string> Pending(params string[] lines) => FrrConfig.Pending(lines, Text("base"));

    [Fact]
    public void A_change_already_there_is_not_pending_whether_written_indented_or_flat()
    {
        Assert.Empty(Pending("router bgp 65001", " neighbor 198.18.0.1 remote-as 65002", " address-family ipv4 unicast",
            "  neighbor 198.18.0.1 route-map RM-OUT out", " exit-address-family", "exit", "interface eth1", " ip ospf cost 10"));
        Assert.Empty(Pending("router bgp 65001", "neighbor 198.18.0.1 remote-as 65002", "address-family ipv4 unicast",
            "network 198.18.10.0/24", "exit-address-family", "exit", "router ospf", "network 198.18.0.0/31 area 0"));
    }

    [Fact]
    public void A_line_is_looked_for_in_its_own_context_only()
    {
        // `network 198.18.0.0/31 area 0` is there under router ospf; `network 198.18.10.0/24` under BGP's ipv4 unicast, not its ipv6 unicast.
        Assert.Equal(["router bgp 65001", " address-family ipv6 unicast", "  network 198.18.10.0/24"],
            Pending("router bgp 65001", " address-family ipv6 unicast", "  network 198.18.10.0/24", " exit-address-family", "exit",
                "router ospf", " network 198.18.0.0/31 area 0"));
    }

    [Fact]
    public void Pending_lines_carry_the_headers_and_exits_that_move_between_contexts()
    {
        Assert.Equal(
        [
            "router bgp 65001",
            " neighbor 198.18.0.5 remote-as 65005",
            " address-family ipv4 unicast",
            "  neighbor 198.18.0.5 route-map RM-OUT out",
            " exit",
            "exit",
            "interface eth1",
            " description to-r9",
            "exit",
            "ip route 198.18.40.0/24 Null0",
        ], Pending("router bgp 65001", " neighbor 198.18.0.1 remote-as 65002", " neighbor 198.18.0.5 remote-as 65005",
            " address-family ipv4 unicast", "  neighbor 198.18.0.5 route-map RM-OUT out", " exit-address-family", "exit",
            "interface eth1", " description to-r9", "exit", "ip route 198.18.40.0/24 Null0"));
    }

    [Fact]
    public void An_outer_keyword_ends_a_context_in_a_flat_change()
    {
        // Unindented, a context ends at `exit` or at a line opening another context of an outer level.
        Assert.Equal(["interface eth2", "description spare", "exit", "interface eth1", "description to-r9", "exit", "router ospf", "area 1 stub"],
            Pending("interface eth2", "description spare", "interface eth1", "description to-r2", "description to-r9",
                "router ospf", "area 1 stub").Select(l => l.Trim()));
    }

    [Fact]
    public void Negations_hold_when_what_they_remove_is_absent()
    {
        Assert.Empty(Pending("no ip route 198.18.99.0/24 Null0", "router bgp 65001", " no neighbor 198.18.0.9 remote-as 65009",
            "exit", "no route-map RM-NONE permit 10", "no ip forwarding"));
        Assert.Equal(["router bgp 65001", " no neighbor 198.18.0.1 description"], Pending("router bgp 65001", " no neighbor 198.18.0.1 description"));
        Assert.Equal(["no route-map RM-OUT permit 10"], Pending("no route-map RM-OUT permit 10"));
    }

    [Fact]
    public void Prefixes_compare_as_FRR_shows_them()
    {
        // Host bits cleared and null0 capitalised, as FRR prints them (frr-reload.py's fix-ups).
        Assert.Empty(Pending("ip route 198.18.10.9/24 null0", "ip prefix-list PL-OUT seq 5 permit 198.18.10.1/24",
            "router bgp 65001", " address-family ipv4 unicast", "  network 198.18.10.7/24"));
    }

    [Fact]
    public void The_preview_shows_what_a_change_replaces_and_adds_before_it_is_applied()
    {
        Assert.Equal("  router bgp 65001\n-  neighbor 198.18.0.1 remote-as 65002\n+  neighbor 198.18.0.1 remote-as 65003",
            FrrConfig.Preview(["router bgp 65001", " neighbor 198.18.0.1 remote-as 65003"], Text("base")));
        Assert.Equal("- ip route 198.18.10.0/24 Null0\n+ route-map RM-IN deny 20\n+  set metric 5",
            FrrConfig.Preview(["no ip route 198.18.10.0/24 Null0", "route-map RM-IN deny 20", " set metric 5"], Text("base")));
        Assert.Null(FrrConfig.Preview(["router ospf", " network 198.18.0.0/31 area 0"], Text("base")));
    }

    [Theory]
    [InlineData("r1#", "privileged_exec")]
    [InlineData("r1(config)#", "configuration")]
    [InlineData("r1(config-router)#", "configuration")]
    [InlineData("r1(config-router-af)#", "configuration")]
    [InlineData("spine-1.dc(config-if)#", "configuration")]
    [InlineData("r1(config-route-map)#", "configuration")]
    public void Vtysh_prompts_are_privileged_from_the_start(string prompt, string level)
    {
        var frr = PlatformCatalog.Find("frr")!;
        Assert.IsType<Frr>(frr);
        Assert.Equal(level, frr.LevelOf(prompt)!.Name);
        Assert.Same(frr, PlatformCatalog.Find("frrouting"));
    }

    [Theory]
    [InlineData("% Unknown command: foo bar")]
    [InlineData("% Command incomplete: router bgp")]
    [InlineData("% Ambiguous command: sh")]
    [InlineData("% Specify remote-as or peer-group commands first")]
    [InlineData("There is already same network statement.")]
    [InlineData("BGP is already running; AS is 65001")]
    [InlineData("% Malformed address")]
    [InlineData("Please remove all network commands first.")]
    public void FRR_refusals_are_failures(string answer)
    {
        Assert.NotNull(PlatformCatalog.Find("frr")!.FindFailure(answer));
    }

    [Fact]
    public void Informational_lines_are_not_failures()
    {
        Assert.Null(PlatformCatalog.Find("frr")!.FindFailure("% OSPF: Reference bandwidth is changed.\n        Please ensure reference bandwidth is consistent across all routers"));
    }
}

using NetFleet.Lab.Topology;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Topology;

public sealed class TopologyLoaderTests
{
    private const string File = "lab/t.yaml";

    private static string[] Errors(string yaml) =>
        [.. Assert.Throws<TopologyException>(() => TopologyLoader.Parse(yaml, File, Path.GetTempPath())).Errors];

    [Fact]
    public void Line3_sample_resolves_addresses_peers_and_defaults()
    {
        var topology = TopologyLoader.Load(FrrLabFixture.Sample("line3.yaml"));

        Assert.Equal(["r1", "r2", "r3"], topology.Routers.Select(r => r.Name));
        Assert.Equal(["127.0.2.1", "127.0.2.2", "127.0.2.3"], topology.Routers.Select(r => r.Management));
        var r2 = topology["r2"];
        Assert.Equal(["zebra", "staticd", "bgpd"], r2.Daemons);
        Assert.Equal("198.18.255.2", r2.Loopback);
        Assert.Equal(65002, r2.Asn);
        Assert.StartsWith("router bgp 65002\n", r2.Config, StringComparison.Ordinal);
        Assert.Equal("hostname r2\n" + r2.Config, r2.StartingConfig);
        Assert.Equal(new ConfigPlace(FrrLabFixture.Sample("line3.yaml"), 27, 7), r2.ConfigAt);
        var eth2 = r2.Interfaces.Single(i => i.Name == "eth2");
        Assert.Equal("198.18.0.2/31", eth2.Ipv4);
        Assert.Equal("2001:db8:0:2::/127", eth2.Ipv6);
        Assert.Equal(new InterfacePeer("r3", "eth1", "198.18.0.3/31", "2001:db8:0:2::1/127"), eth2.Peer);
        Assert.Equal([new TopologyLink("r1", "eth1", "r2", "eth1"), new TopologyLink("r2", "eth2", "r3", "eth1")], topology.Links);
    }

    [Fact]
    public void A_link_wider_than_two_addresses_gives_its_ends_the_first_two_hosts()
    {
        var topology = TopologyLoader.Parse("""
            routers:
              a:
              b:
            links:
              - endpoints: [a:e0, b:e0]
                ipv4: 198.18.4.0/24
                ipv6: 2001:db8:4::/64
            """, File, Path.GetTempPath());

        Assert.Equal(["zebra", "staticd", "bgpd", "ospfd"], topology["a"].Daemons);
        Assert.Equal("198.18.4.1/24", topology["a"].Interfaces[0].Ipv4);
        Assert.Equal("2001:db8:4::2/64", topology["b"].Interfaces[0].Ipv6);
    }

    [Fact]
    public void Config_file_is_read_relative_to_the_topology()
    {
        var dir = Directory.CreateTempSubdirectory("netfleet-topology-");
        try
        {
            System.IO.File.WriteAllText(Path.Combine(dir.FullName, "r1.conf"), "router ospf\n");
            var path = Path.Combine(dir.FullName, "t.yaml");
            System.IO.File.WriteAllText(path, "routers:\n  r1:\n    config_file: r1.conf\n");

            var r1 = TopologyLoader.Load(path)["r1"];
            Assert.Equal("router ospf\n", r1.Config);
            Assert.Equal(new ConfigPlace(Path.Combine(dir.FullName, "r1.conf"), 1, 1), r1.ConfigAt);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Unknown_router_and_reused_interface_are_located_at_the_endpoint()
    {
        var errors = Errors("""
            routers:
              r1:
              r2:
            links:
              - endpoints: [r1:eth1, r9:eth1]
              - endpoints: [r1:eth2, r2:eth1]
              - endpoints: [r2:eth2, r1:eth2]
            """);

        Assert.Equal([
            $"{File}:5:26: unknown router 'r9' in endpoint r9:eth1; the routers are r1, r2",
            $"{File}:7:26: interface r1:eth2 is already used by the link at line 6",
        ], errors);
    }

    [Fact]
    public void Addresses_outside_the_labs_ranges_or_with_host_bits_are_refused()
    {
        var errors = Errors("""
            routers:
              r1:
                loopback: 10.0.0.1/32
              r2:
            links:
              - endpoints: [r1:eth1, r2:eth1]
                ipv4: 198.18.0.1/31
                ipv6: 2001:db9::/127
              - endpoints: [r1:eth2, r2:eth2]
                ipv4: 198.18.0.0/32
            """);

        Assert.Equal([
            $"{File}:3:15: loopback 10.0.0.1/32 is outside 198.18.0.0/15, the only IPv4 range the lab uses inside its namespaces",
            $"{File}:7:11: ipv4 '198.18.0.1/31' has host bits set; did you mean 198.18.0.0/31?",
            $"{File}:8:11: ipv6 2001:db9::/127 is outside 2001:db8::/32, the only IPv6 range the lab uses inside its namespaces",
            $"{File}:10:11: ipv4 198.18.0.0/32 holds one address; a link needs two (use a /31 or /127)",
        ], errors);
    }

    [Fact]
    public void Overlapping_prefixes_are_refused_at_the_later_one()
    {
        var errors = Errors("""
            routers:
              r1:
                loopback: 198.18.0.1
              r2:
            links:
              - endpoints: [r1:eth1, r2:eth1]
                ipv4: 198.18.0.0/31
            """);

        Assert.Equal([$"{File}:6:5: 198.18.0.0/31 overlaps 198.18.0.1/32 of router r1's loopback (line 3)"], errors);
    }

    [Fact]
    public void Management_addresses_must_be_loopback_and_unique()
    {
        var errors = Errors("""
            routers:
              r1:
                management: 192.0.2.1
              r2:
                management: 127.0.2.9
              r3:
                management: 127.0.2.9
              r4:
                management: 127.0.2.1
            """);

        Assert.Equal([
            $"{File}:2:3: router r1's default management address 127.0.2.1 is router r4's; give one of them another `management:` address",
            $"{File}:3:17: management address '192.0.2.1' is not an IPv4 loopback address (127.0.0.0/8) such as 127.0.2.1",
            $"{File}:7:17: management address 127.0.2.9 is already router r2's",
        ], errors);
    }

    [Fact]
    public void Unknown_daemons_keys_and_bad_names_say_what_was_expected()
    {
        var errors = Errors("""
            routers:
              r1:
                daemons: [zebra, bgp]
                confg: x
              R_2: {}
            links:
              - endpoints: [r1:lo, r1:a-very-long-interface]
            """);

        Assert.Equal(5, errors.Length);
        Assert.StartsWith($"{File}:3:22: unknown daemon 'bgp'; expected one of zebra, staticd, bgpd,", errors[0], StringComparison.Ordinal);
        Assert.Equal($"{File}:4:5: unknown key 'confg' in router r1; expected daemons, loopback, management, config, config_file", errors[1]);
        Assert.StartsWith($"{File}:5:3: router name 'R_2' is not allowed;", errors[2], StringComparison.Ordinal);
        Assert.StartsWith($"{File}:7:17: interface name 'lo' is not allowed;", errors[3], StringComparison.Ordinal);
        Assert.StartsWith($"{File}:7:24: interface name 'a-very-long-interface' is not allowed;", errors[4], StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_yaml_and_wrong_shapes_are_located()
    {
        Assert.Single(Errors("routers:\n  r1: [a\n"), e => e.StartsWith($"{File}:3:1: invalid YAML", StringComparison.Ordinal));
        Assert.Equal([$"{File}:1:1: expected a mapping with `routers:` and `links:`, found a list"], Errors("- r1\n"));
        Assert.Equal([$"{File}:1:1: the topology is empty; expected a mapping with `routers:` and `links:`"], Errors(""));
        Assert.Equal([$"{File}:3:8: expected a list of links (`- endpoints: [r1:eth1, r2:eth1]`), found a mapping"],
            Errors("routers:\n  r1:\nlinks: {a: b}\n"));
    }

    [Fact]
    public void A_section_whose_daemon_does_not_run_is_located_at_its_line()
    {
        var errors = Errors("""
            routers:
              r1:
                daemons: [zebra, bgpd]
                config: |
                  router bgp 65001
                  exit
                  router ospf
                  exit
            """);

        Assert.Equal([$"{File}:7:7: router r1's config has `router ospf` but ospfd is not in its daemons"], errors);
    }

    [Fact]
    public async Task A_config_line_frr_refuses_is_located_in_the_topology()
    {
        var topology = TopologyLoader.Parse("""
            routers:
              r1:
                config: |
                  router bgp 65001
                   neighbor 198.18.0.1 remote-as 65002
                   neighbor 198.18.0.1 remote-as
                  exit
              r2:
                config: |
                  router ospf
                  exit
            """, File, Path.GetTempPath());

        var errors = await TopologyConfigCheck.CheckAsync(topology);

        Assert.Equal([$"{File}:6:7: router r1's config line 3: % Command incomplete: neighbor 198.18.0.1 remote-as"], errors);
    }

    [Fact]
    public void A_router_on_a_simulated_devices_address_is_located_in_the_topology()
    {
        var topology = TopologyLoader.Parse("routers:\n  r1:\n    management: 127.0.1.1\n", File, Path.GetTempPath());

        var collisions = topology.CollisionsWith([("ios-1", "127.0.1.1")]);

        Assert.Equal([$"{File}:2:3: router r1's management address 127.0.1.1 is the lab's device ios-1's; "
            + "give the router another `management:` address or the lab fewer devices"], collisions);
    }
}

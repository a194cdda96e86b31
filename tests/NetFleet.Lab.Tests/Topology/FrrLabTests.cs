using System.Text.Json.Nodes;
using NetFleet.Core.Inventory;
using NetFleet.Lab.Topology;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Topology;

/// <summary>deploy/topologies/line3.yaml grown for real: three FRR routers in namespaces, eBGP between neighbours.</summary>
public sealed class FrrLabTests(FrrLabFixture lab) : IClassFixture<FrrLabFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    // Tests change routers; each leaves the topology as it found it.
    public Task DisposeAsync() => lab.ResetAsync();

    [Fact]
    public async Task Line3_brings_every_bgp_session_up_and_carries_loopbacks_end_to_end()
    {
        var summary = await lab.VtyshJsonAsync("r2", "show bgp summary json");
        var peers = summary["ipv4Unicast"]!["peers"]!.AsObject();
        Assert.Equal(["198.18.0.0", "198.18.0.3"], peers.Select(p => p.Key).Order());
        Assert.All(peers, p => Assert.Equal("Established", p.Value!["state"]!.GetValue<string>()));

        // r1 learns r3's loopback through r2: the data plane and BGP both work across two hops.
        var route = await PollAsync(() => lab.VtyshJsonAsync("r1", "show ip route 198.18.255.3/32 json"),
            r => r["198.18.255.3/32"] is not null);
        Assert.Equal("bgp", route["198.18.255.3/32"]![0]!["protocol"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ssh_to_a_routers_management_address_lands_in_its_vtysh()
    {
        var r2 = lab.Router("r2");
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Port, r2.Management, input: "show bgp summary json\rexit\r", tty: true);
        Assert.Equal(0, code);
        Assert.Contains("Hello, this is FRRouting", output);
        Assert.Contains("r2#", output);
        Assert.Contains("\"Established\"", output);

        // An exec request (ssh HOST COMMAND) runs the command as vtysh -c.
        (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Port, r2.Management, remoteCommand: "show bgp summary json");
        Assert.Equal(0, code);
        Assert.Equal(65002, JsonNode.Parse(output)!["ipv4Unicast"]!["as"]!.GetValue<int>());
    }

    [Fact]
    public async Task Write_memory_over_ssh_saves_the_routers_configuration()
    {
        var r3 = lab.Router("r3");
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Port, r3.Management,
            input: "configure terminal\rrouter bgp 65003\rbgp log-neighbor-changes\rend\rwrite memory\rexit\r", tty: true);

        Assert.Equal(0, code);
        Assert.Contains("r3(config-router)#", output);
        // Without watchfrr and as the lab's account, vtysh also warns (direct write, can't chown) but saves.
        Assert.Contains("Integrated configuration saved to", output);
        Assert.Contains("bgp log-neighbor-changes", File.ReadAllText(lab.Host.Routers!.RuntimeOf("r3").Config));
    }

    [Fact]
    public async Task Inventory_names_each_router_with_its_namespace_and_peers()
    {
        var loaded = InventoryLoader.Load(lab.InventoryPath);
        var inventory = loaded.Inventory ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
        var r2 = inventory.Hosts.Single(h => h.Name == "r2");
        Assert.Equal("frr", r2.Platform);
        Assert.Equal("127.0.2.2", r2.Hostname);
        var data = r2.Data;
        Assert.Equal(lab.Router("r2").Namespace, data["netns"]);
        Assert.Equal("198.18.255.2", data["loopback"]);
        var eth2 = (IDictionary<string, object?>)((IDictionary<string, object?>)data["interfaces"]!)["eth2"]!;
        Assert.Equal("198.18.0.2/31", eth2["ipv4"]);
        var peer = (IDictionary<string, object?>)eth2["peer"]!;
        Assert.Equal("r3", peer["router"]);
        Assert.Equal("198.18.0.3", peer["address"]);
        Assert.Equal(65003L, peer["asn"]);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Reset_puts_a_changed_router_back_on_its_starting_configuration()
    {
        await lab.VtyshAsync("r1", "configure terminal\nrouter bgp 65001\nneighbor 198.18.0.1 remote-as 65099");
        await PollAsync(() => lab.VtyshJsonAsync("r2", "show bgp summary json"),
            s => s["ipv4Unicast"]!["peers"]!["198.18.0.0"]!["state"]!.GetValue<string>() != "Established");
        Assert.Contains(await FrrConvergence.PendingAsync(lab.Host.Routers!), p => p.StartsWith("r2: BGP peer 198.18.0.0 (ipv4Unicast) is ", StringComparison.Ordinal));

        await lab.ResetAsync();

        var running = await lab.VtyshAsync("r1", "show running-config");
        Assert.Contains("neighbor 198.18.0.1 remote-as 65002", running);
        Assert.DoesNotContain("65099", running);
        var summary = await lab.VtyshJsonAsync("r2", "show bgp summary json");
        Assert.Equal("Established", summary["ipv4Unicast"]!["peers"]!["198.18.0.0"]!["state"]!.GetValue<string>());
    }

    private static async Task<JsonNode> PollAsync(Func<Task<JsonNode>> read, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}

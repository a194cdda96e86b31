using System.Diagnostics;
using NetFleet.Lab.Topology;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Topology;

/// <summary>deploy/topologies/ring6.yaml: OSPF in a ring of six, iBGP over the OSPF loopbacks to r1 as route reflector.</summary>
public sealed class FrrRingTests(FrrRingTests.Ring6 lab) : IClassFixture<FrrRingTests.Ring6>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    // Tests cut links; each leaves the ring as it found it.
    public Task DisposeAsync() => lab.ResetAsync();

    [Fact]
    public async Task Ibgp_routes_ride_on_ospf_around_the_ring()
    {
        var neighbours = await lab.VtyshJsonAsync("r4", "show ip ospf neighbor json");
        Assert.Equal(2, neighbours["neighbors"]!.AsObject().Count);

        // r4 learns r1's announcement from the reflector and reaches it over OSPF.
        var route = await lab.VtyshJsonAsync("r4", "show ip route 198.19.1.0/24 json");
        var entry = route["198.19.1.0/24"]![0]!;
        Assert.Equal("bgp", entry["protocol"]!.GetValue<string>());
        Assert.Equal("198.19.255.1", entry["nexthops"]![0]!["ip"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cut_link_is_pending_and_reset_brings_it_back()
    {
        await IpAsync("-n", lab.Router("r3").Namespace, "link", "set", "eth1", "down");

        var pending = await FrrConvergence.PendingAsync(lab.Host.Routers!);
        Assert.Contains("r3: eth1 is DOWN (the link to r4:eth2)", pending);
        Assert.Contains("r4: eth2 is DOWN (the link to r3:eth1)", pending);

        await lab.ResetAsync();

        Assert.Empty(await FrrConvergence.PendingAsync(lab.Host.Routers!));
        var neighbours = await lab.VtyshJsonAsync("r3", "show ip ospf neighbor json");
        Assert.Equal(2, neighbours["neighbors"]!.AsObject().Count);
    }

    private static async Task IpAsync(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    public sealed class Ring6() : FrrLabFixture(Sample("ring6.yaml"));
}

using NetFleet.Devices;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>The ring6 topology: six FRR routers in a ring running OSPF (fast timers) with iBGP over their loopbacks.</summary>
public sealed class Ring6Lab() : FrrLabFixture(Sample("ring6.yaml"));

/// <summary>A canary batch that breaks OSPF on real routers: the job halts before any other router is touched.</summary>
[Collection(FrrCollection.Name)]
public sealed class FrrCanaryTests(Ring6Lab lab) : IClassFixture<Ring6Lab>, IAsyncLifetime
{
    private JobNode node = null!;

    public async Task InitializeAsync()
    {
        await lab.ResetAsync();
        node = await JobNode.StartAsync();
    }

    public async Task DisposeAsync() => await node.DisposeAsync();

    [Fact]
    public async Task A_canary_that_breaks_ospf_fails_its_wait_for_is_rolled_back_and_the_other_routers_are_never_touched()
    {
        var before = new Dictionary<string, string>();
        foreach (var router in lab.Routers)
        {
            before[router.Name] = await lab.VtyshAsync(router.Name, "show running-config");
        }

        // Moving the canary's eth1 out of area 0 drops its adjacency towards r2, which stays in area 0.
        var (job, tasks, _, _) = await node.RunAsync("""
            - name: move eth1 to area 1
              hosts: frr
              serial: [1, "100%"]
              max_fail_percentage: 0
              confirm_minutes: 2
              post_checks:
                - name: both OSPF neighbours Full
                  wait_for:
                    command: show ip ospf neighbor json
                    parse: json
                    that: ["(parsed.neighbors | object.size) == 2"]
                    timeout: 8s
                    interval: 1s
              tasks:
                - config:
                    lines:
                      - interface eth1
                      - " no ip ospf area"
                      - " ip ospf area 1"
            """, lab.InventoryPath, lab.Paths.KnownHosts);

        Assert.True(job.Status is "failed" or "halted", job.Status);
        var task = Assert.Single(tasks);
        Assert.Equal("r1", task.Device);
        Assert.Contains("post-check 'both OSPF neighbours Full' failed", task.Message);
        Assert.Contains("(verified", task.Message);
        foreach (var router in lab.Routers)
        {
            var after = await lab.VtyshAsync(router.Name, "show running-config");
            Assert.True(ConfigText.Same(before[router.Name], after), $"{router.Name}: {ConfigText.LineDiff(before[router.Name], after)}");
        }

        // The canary's adjacencies come back once it is rolled back.
        await lab.WaitForConvergenceAsync(TimeSpan.FromSeconds(30));
    }
}

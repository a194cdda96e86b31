using System.Diagnostics;
using System.Text.Json;
using NetFleet.Devices;
using NetFleet.Node;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>
/// Rollouts on real routers, judged by real routing protocols: FRRouting 8.4 in network namespaces (the line3 topology:
/// r1 – r2 – r3, eBGP between neighbours), reached over SSH into vtysh, driven by the <c>frr</c> platform. Jobs run on a
/// single-process node (orchestrator, worker and a sensor allowed to capture on r1's link) with a SQLite history, read
/// as <c>netfleet jobs show</c> reads it. Every test puts the routers back on the topology's configuration first.
/// </summary>
[Collection(FrrCollection.Name)]
public sealed class FrrRolloutTests(FrrLabFixture lab) : IClassFixture<FrrLabFixture>, IAsyncLifetime
{
    private const string Sensor = "frr-sensor";
    private JobNode node = null!;

    private string R1Link => $"{lab.Router("r1").Namespace}/eth1";

    public async Task InitializeAsync()
    {
        await lab.ResetAsync();
        // Sessions Established is not yet routes installed: the gates' baselines need r1 to reach r3's loopback.
        await EventuallyAsync(async () => await PingAsync(lab.Router("r1").Namespace, "198.18.255.3") == 0, "r1 reaches r3's loopback");
        node = await JobNode.StartAsync(new NodeOptions { SensorName = Sensor, SensorTags = "site=lab", SensorInterfaces = R1Link });
    }

    public async Task DisposeAsync() => await node.DisposeAsync();

    [Fact]
    public async Task The_sample_playbook_brings_up_a_new_ebgp_session_and_both_ends_see_it_established()
    {
        var sample = Path.Combine(RepositoryPaths.Root(), "playbooks", "frr-bgp.yaml");
        var (job, tasks, gates, _) = await RunAsync(await File.ReadAllTextAsync(sample));

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}; {string.Join("; ", tasks.Select(t => t.Message))}");
        Assert.Equal(["changed", "changed"], tasks.Select(t => t.Status));
        Assert.All(tasks, t => Assert.Contains("wait_for 'the new session is Established' held", t.Output));
        Assert.Equal("Established", await PeerStateAsync("r1", "198.18.255.3"));
        Assert.Equal("Established", await PeerStateAsync("r3", "198.18.255.1"));
        var gate = Assert.Single(gates);
        Assert.Equal(("passed", 0.0, 0.0), (gate.Verdict, gate.BaselineLoss, gate.MeasuredLoss));
    }

    [Fact]
    public async Task A_wrong_remote_as_fails_the_post_check_and_the_rollback_brings_the_session_back_on_both_ends()
    {
        var before = await lab.VtyshAsync("r2", "show running-config");
        Assert.Equal("Established", await PeerStateAsync("r3", "198.18.0.2"));

        var (job, tasks, _, _) = await RunAsync("""
            - name: wrong remote-as towards r3
              hosts: r2
              confirm_minutes: 2
              post_checks:
                - name: r3 is Established
                  wait_for:
                    command: show bgp summary json
                    parse: json
                    that: ['parsed.ipv4Unicast.peers["198.18.0.3"].state == "Established"']
                    timeout: 8s
                    interval: 1s
              tasks:
                - config:
                    lines:
                      - router bgp 65002
                      - " neighbor 198.18.0.3 remote-as 65099"
            """);

        Assert.Equal("failed", job.Status);
        var task = Assert.Single(tasks);
        Assert.Contains("post-check 'r3 is Established' failed", task.Message);
        Assert.Contains("(verified", task.Message);
        var after = await lab.VtyshAsync("r2", "show running-config");
        Assert.True(ConfigText.Same(before, after), ConfigText.LineDiff(before, after));
        // The session that was up before is up again, seen from the neighbour too.
        await EventuallyAsync(async () => await PeerStateAsync("r3", "198.18.0.2") == "Established", "r3's session to r2 Established again");
        await EventuallyAsync(async () => await PeerStateAsync("r2", "198.18.0.3") == "Established", "r2's session to r3 Established again");
    }

    [Fact]
    public async Task A_capture_on_a_routers_link_during_the_rollout_counts_the_bgp_open_and_keepalive_messages_in_the_history()
    {
        // The sample playbook's new session, with a capture on r1's link around it.
        var sample = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root(), "playbooks", "frr-bgp.yaml"));
        var captured = sample.Replace("  hosts: r1,r3\n", $"  hosts: r1,r3\n  capture:\n    sensor: {Sensor}\n    interface: {R1Link}\n    filter: tcp port 179\n",
            StringComparison.Ordinal);
        Assert.NotEqual(sample, captured);
        var (job, _, _, captures) = await RunAsync(captured);

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}");
        var capture = Assert.Single(captures);
        Assert.Equal(("finished", R1Link), (capture.Status, capture.Interface));
        Assert.True(capture.Packets > 0, "the capture saw no packet");
        using var summary = JsonDocument.Parse(capture.SummaryJson!);
        var bgp = summary.RootElement.GetProperty("bgp");
        // The new session's OPENs (one each way) cross r1's link, and keepalives of it and of the r1–r2 session.
        Assert.True(bgp.GetProperty("open").GetInt64() >= 2, summary.RootElement.ToString());
        Assert.True(bgp.GetProperty("keepalive").GetInt64() >= 2, summary.RootElement.ToString());
    }

    [Fact]
    public async Task A_route_that_blackholes_traffic_between_two_routers_fails_the_gate_and_the_batch_is_rolled_back()
    {
        var before = await lab.VtyshAsync("r2", "show running-config");
        var (job, tasks, gates, _) = await RunAsync("""
            - name: blackhole on r2
              hosts: r2
              confirm_minutes: 2
              gate:
                probes:
                  - from: r1
                    to: 198.18.255.3
                    kind: icmp
                    count: 10
                    interval: 50ms
                    timeout: 500ms
                max_loss: 10%
                # The route reaches r2's kernel a moment after vtysh took it: without a settle time, one echo in ten was
                # answered in a loaded run.
                settle: 1s
              tasks:
                - config:
                    lines: ["ip route 198.18.255.3/32 blackhole"]
            """);

        Assert.Equal("halted", job.Status);
        Assert.Contains("gate after batch 1 of play 'blackhole on r2' failed", job.HaltReason);
        var gate = Assert.Single(gates);
        Assert.Equal(("failed", 0.0, 100.0), (gate.Verdict, gate.BaselineLoss, gate.MeasuredLoss));
        Assert.Contains(gate.Failures, f => f.Contains("loss 100% > max_loss 10%", StringComparison.Ordinal));
        Assert.Equal("r2", Assert.Single(tasks).Device);
        var after = await lab.VtyshAsync("r2", "show running-config");
        Assert.True(ConfigText.Same(before, after), ConfigText.LineDiff(before, after));
        // Traffic flows again once the batch is rolled back.
        await EventuallyAsync(async () => await PingAsync(lab.Router("r1").Namespace, "198.18.255.3") == 0, "r1 reaches r3's loopback again");
    }

    private async Task<string?> PeerStateAsync(string router, string peer) =>
        (await lab.VtyshJsonAsync(router, "show bgp summary json"))["ipv4Unicast"]?["peers"]?[peer]?["state"]?.GetValue<string>();

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"not within 45 s: {what}");
            await Task.Delay(250);
        }
    }

    private static async Task<int> PingAsync(string netns, string target)
    {
        using var ping = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", netns, "ping", "-c", "1", "-W", "1", "-q", target])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await ping.WaitForExitAsync();
        return ping.ExitCode;
    }

    private Task<RecordedJob> RunAsync(string playbook) => node.RunAsync(playbook, lab.InventoryPath, lab.Paths.KnownHosts);
}

/// <summary>The FRR labs' tests run one after another: each lab's routers converge on the same two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FrrCollection
{
    public const string Name = "frr labs";
}

using System.Collections.Concurrent;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary><c>parse: json</c> in jobs against real FRR routers (deploy/topologies/line3.yaml): FRR's JSON answers read
/// by <c>register</c>, <c>when</c>, <c>assert</c> and a post-check's <c>that</c>, as TextFSM records are.</summary>
public sealed class FrrJsonJobTests(FrrLabFixture lab) : IClassFixture<FrrLabFixture>, IAsyncLifetime
{
    private JobRunner runner = null!;
    private readonly ConcurrentQueue<JobEvent> events = new();
    private readonly string scratch = Directory.CreateTempSubdirectory("netfleet-frr-json-").FullName;

    public Task InitializeAsync()
    {
        runner = JobRunner.Start(Serilog.Core.Logger.None);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await runner.DisposeAsync();
        Directory.Delete(scratch, recursive: true);
        await lab.ResetAsync();
    }

    private async Task<JobSummary> RunAsync(string yaml, string limit)
    {
        var path = Path.Combine(scratch, $"play-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var loaded = PlaybookLoader.Load(path);
        var playbook = loaded.Playbook ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
        var inventory = InventoryLoader.Load(lab.InventoryPath).Inventory!;
        var options = new JobOptions("tester") { Limit = limit, KnownHostsPath = lab.Paths.KnownHosts, IdleTimeout = TimeSpan.FromSeconds(2) };
        return await runner.RunAsync(path, playbook, inventory, options, events.Enqueue, CancellationToken.None);
    }

    [Fact]
    public async Task Registered_json_drives_when_and_assert()
    {
        var summary = await RunAsync("""
            - hosts: all
              tasks:
                - name: bgp
                  command:
                    command: show bgp summary json
                    parse: json
                  register: bgp
                - name: every peer up
                  assert:
                    that:
                      - bgp.parsed.ipv4Unicast.peerCount >= 1
                      - bgp.parsed.ipv4Unicast.failedPeers == 0
                      - bgp.parsed.ipv4Unicast.as > 65000
                - name: middle router only
                  command: show ip route json
                  when: bgp.parsed.ipv4Unicast.peerCount == 2
            """, "r1,r2");

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        var parsed = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(summary.Results.Single(r => r.Device == "r2" && r.Task == "bgp").Parsed);
        var ipv4 = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(parsed["ipv4Unicast"]);
        Assert.Equal(65002L, ipv4["as"]);
        Assert.Equal(TaskOutcome.Ok, summary.Results.Single(r => r.Device == "r2" && r.Task == "middle router only").Outcome);
        Assert.Equal(TaskOutcome.Skipped, summary.Results.Single(r => r.Device == "r1" && r.Task == "middle router only").Outcome);
    }

    [Fact]
    public async Task A_post_check_on_parsed_json_confirms_a_change_that_keeps_the_session_up()
    {
        var summary = await RunAsync("""
            - hosts: all
              transaction: merge
              post_checks:
                - name: session to r2 up
                  command:
                    command: show bgp summary json
                    parse: json
                  that: parsed.ipv4Unicast.peers["198.18.0.1"].state == "Established"
              tasks:
                - config:
                    lines:
                      - router bgp 65001
                      - " neighbor 198.18.0.1 description to-r2"
            """, "r1");

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        Assert.Equal(TaskOutcome.Changed, Assert.Single(summary.Results).Outcome);
        Assert.Contains("neighbor 198.18.0.1 description to-r2", await lab.VtyshAsync("r1", "show running-config"), StringComparison.Ordinal);
    }
}

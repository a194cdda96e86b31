using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetFleet.Api;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Node;
using NetFleet.Testing;
using Xunit.Abstractions;

namespace NetFleet.Cluster.Tests;

/// <summary>A 200-device lab (Junos, so every change is one commit) and a PostgreSQL server, shared by the failover
/// tests; each test has its own database and its own NTP server line.</summary>
public sealed class ClusterLab : IAsyncLifetime
{
    public const int Devices = 200;

    // Slow replies stretch each device's work so that kills land mid-job. A device minute is a second here, so the
    // playbook's commit-confirmed window (confirm_minutes: 60) outlasts every failover.
    public LabFixture Lab { get; } = new(port => new LabSpec(port, TimeSpan.FromSeconds(1),
        Enumerable.Range(0, Devices).Select(i => new LabDevice($"junos-{i + 1}", LabSpec.AddressOf(i), "juniper_junos",
            new DeviceFaults { SlowReplyMs = 40 }) { Site = LabSpec.Sites[i % LabSpec.Sites.Length] }).ToList()));

    public PostgresFixture Postgres { get; } = new();

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Lab.InitializeAsync(), Postgres.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await Lab.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>
/// The issue's failover bar, with real separate <c>netfleet node</c> processes on loopback: the node holding the job
/// manager singleton is killed (SIGKILL) mid-rollout, then a worker, then a worker joins mid-rollout. Each time the
/// job completes and every device carries the change once.
/// </summary>
[Collection("cluster")]
public sealed class FailoverTests(ClusterLab cluster, ITestOutputHelper output) : IClassFixture<ClusterLab>, IAsyncLifetime
{
    private static readonly TimeSpan FailoverBudget = TimeSpan.FromSeconds(15);
    private readonly List<NetfleetProcess> processes = [];
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private string store = "";
    private string token = "";

    public async Task InitializeAsync()
    {
        store = await cluster.Postgres.NewStoreAsync();
        token = await NetfleetProcess.AddOperatorTokenAsync(store);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in processes) await process.DisposeAsync();
        http.Dispose();
    }

    [Fact]
    public async Task Killing_the_orchestrator_node_mid_job_moves_the_job_to_a_survivor_and_configures_every_device_once()
    {
        var (a, apiA) = await StartNodeAsync("a", "orchestrator", seed: null);
        var (b, apiB) = await StartNodeAsync("b", "orchestrator,worker", seed: a);
        await StartNodeAsync("c", "worker", seed: a);
        await WaitForMembersAsync(apiB, 3);
        var status = await StatusAsync(apiB);
        Assert.True(status.Members.Single(m => m.Address.EndsWith(":" + a.Port, StringComparison.Ordinal)).Orchestrating, "a should hold the job manager");

        var server = "192.0.2.51";
        var commitsBefore = Commits();
        var submit = Submit(server, apiB, apiA);
        await WaitForChangedAsync(server, ClusterLab.Devices / 4, submit);

        var (removed, resumed) = await KillAndMeasureAsync(a, apiB, server);
        output.WriteLine($"orchestrator node killed: removed after {removed.TotalSeconds:0.0} s, job progressing again after {resumed.TotalSeconds:0.0} s");

        Assert.Equal(0, await submit.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        AssertConfiguredOnce(server, commitsBefore);
        AssertResults(submit);
        Assert.InRange(resumed, TimeSpan.Zero, FailoverBudget);
        Assert.Contains((await StatusAsync(apiB)).Members, m => m.Orchestrating && m.Address.EndsWith(":" + b.Port, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Killing_a_worker_mid_job_moves_its_devices_to_the_other_worker_and_the_job_completes()
    {
        var (a, apiA) = await StartNodeAsync("a", "orchestrator", seed: null);
        var (b, _) = await StartNodeAsync("b", "worker", seed: a);
        var (c, _) = await StartNodeAsync("c", "worker", seed: a);
        await WaitForMembersAsync(apiA, 3);

        var server = "192.0.2.52";
        var commitsBefore = Commits();
        var submit = Submit(server, apiA);
        await WaitForChangedAsync(server, ClusterLab.Devices / 4, submit);
        Assert.True(Member(await StatusAsync(apiA), c).Devices > 0, "c should host devices before it is killed");

        var (removed, resumed) = await KillAndMeasureAsync(c, apiA, server);
        output.WriteLine($"worker killed: removed after {removed.TotalSeconds:0.0} s, job progressing again after {resumed.TotalSeconds:0.0} s");

        Assert.Equal(0, await submit.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        // A request the killed worker had taken may have reached its device before the kill; it runs again on the
        // survivor, which finds the lines there and changes nothing.
        AssertConfiguredOnce(server, commitsBefore);
        AssertResults(submit);
        var after = await StatusAsync(apiA);
        Assert.DoesNotContain(after.Members, m => m.Address.EndsWith(":" + c.Port, StringComparison.Ordinal));
        Assert.True(Member(after, b).Shards > 0, "b should host the shards now");
        Assert.InRange(removed, TimeSpan.Zero, FailoverBudget);
    }

    [Fact]
    public async Task A_worker_joining_mid_job_takes_a_share_of_the_devices()
    {
        var (a, apiA) = await StartNodeAsync("a", "orchestrator", seed: null);
        var (b, _) = await StartNodeAsync("b", "worker", seed: a);
        await WaitForMembersAsync(apiA, 2);

        var server = "192.0.2.53";
        var commitsBefore = Commits();
        var submit = Submit(server, apiA);
        await WaitForChangedAsync(server, ClusterLab.Devices / 10, submit);

        var (c, _) = await StartNodeAsync("c", "worker", seed: a);
        var deadline = Stopwatch.StartNew();
        ClusterMember joined;
        do
        {
            await Task.Delay(250);
            joined = Member(await StatusAsync(apiA), c);
        }
        while (joined.Shards == 0 && deadline.Elapsed < TimeSpan.FromSeconds(30));
        output.WriteLine($"new worker hosts {joined.Shards} shards after {deadline.Elapsed.TotalSeconds:0.0} s; {ChangedDevices(server)} devices done");
        Assert.True(joined.Shards > 0, "the new worker took no shards");
        Assert.False(submit.HasExited, "the job ended before the new worker took a share");

        Assert.Equal(0, await submit.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        // Shards move by hand-off: a device actor finishes its in-flight request before it stops, so nothing runs twice.
        AssertConfiguredOnce(server, commitsBefore);
        AssertResults(submit);
        Assert.True(Member(await StatusAsync(apiA), b).Shards > 0);
    }

    [Fact]
    public async Task A_worker_with_site_affinity_hosts_exactly_that_site_s_devices()
    {
        var (a, apiA) = await StartNodeAsync("a", "orchestrator", seed: null);
        var (general, _) = await StartNodeAsync("general", "worker", seed: a);
        var (lon, _) = await StartNodeAsync("lon", "worker", seed: a, "--affinity", "site=lon");
        await WaitForMembersAsync(apiA, 3);

        var server = "192.0.2.54";
        var commitsBefore = Commits();
        var submit = Submit(server, apiA);
        Assert.Equal(0, await submit.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        AssertConfiguredOnce(server, commitsBefore);

        // Device actors stay (idle passivation is minutes away): count where they live.
        var status = await StatusAsync(apiA);
        var lonDevices = cluster.Lab.Spec.Devices.Count(d => d.Site == "lon");
        Assert.Equal(lonDevices, Member(status, lon).Devices);
        Assert.Equal(ClusterLab.Devices - lonDevices, Member(status, general).Devices);
        Assert.Contains("devices@site=lon", Member(status, lon).Roles);
    }

    [Fact]
    public async Task A_rollback_asked_of_the_api_is_resumed_on_a_survivor_when_the_node_that_took_it_dies()
    {
        var (a, apiA) = await StartNodeAsync("a", "orchestrator", seed: null);
        var (_, apiB) = await StartNodeAsync("b", "orchestrator,worker", seed: a);
        await StartNodeAsync("c", "worker", seed: a);
        await WaitForMembersAsync(apiB, 3);
        Assert.True(Member(await StatusAsync(apiB), a).Orchestrating, "a should hold the job manager");

        var server = "192.0.2.55";
        var submit = Submit(server, apiA);
        Assert.Equal(0, await submit.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        Assert.Equal(ClusterLab.Devices, ChangedDevices(server));
        using var results = JsonDocument.Parse(submit.Stdout);
        var jobId = results.RootElement[0].GetProperty("job_id").GetString()!;

        // Asked of the node holding the job manager, which dies at once: only a rollback the job manager recorded survives.
        using var asked = await http.PostAsync(new Uri(apiA, $"/api/jobs/{jobId}/rollback"), null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, asked.StatusCode);
        var rollbackId = (await asked.Content.ReadFromJsonAsync<JobAccepted>(NetFleetApi.Json))!.JobId;
        await a.Process.KillAsync();
        var changedAtKill = ChangedDevices(server);
        output.WriteLine($"rollback {rollbackId} asked of a; a killed with {ClusterLab.Devices - changedAtKill} device(s) restored");
        Assert.True(changedAtKill > 0, "the rollback finished before the kill; the test needs it in flight");

        var clock = Stopwatch.StartNew();
        JobDetail? rollback = null;
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                rollback = await http.GetFromJsonAsync<JobDetail>(new Uri(apiB, $"/api/jobs/{rollbackId}"), NetFleetApi.Json);
                if (rollback is { Status: not "running" }) break;
            }
            catch (HttpRequestException)
            {
                // Not in the history yet: the survivor has not taken the job manager over.
            }

            await Task.Delay(250);
        }

        output.WriteLine($"rollback finished {clock.Elapsed.TotalSeconds:0.0} s after the kill: {rollback?.Status}");
        Assert.True(rollback?.Status == "succeeded", $"rollback {rollbackId}: {rollback?.Status}, {ClusterLab.Devices - ChangedDevices(server)} device(s) restored\n"
            + string.Join("\n", processes.Select(p => p.Name + ":\n" + string.Join("\n", p.Stderr.Split('\n').Where(l => l.Contains(rollbackId, StringComparison.Ordinal) || l.Contains("rror", StringComparison.Ordinal)).TakeLast(40)))));
        Assert.Equal(0, ChangedDevices(server));
    }

    private async Task<(NodeInfo Node, Uri Api)> StartNodeAsync(string name, string roles, NodeInfo? seed, params string[] extra)
    {
        var port = Loopback.FreePort();
        var apiPort = Loopback.FreePort();
        var args = new List<string> { "node", "--roles", roles, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--api-port", apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--store", store, "--verbose" };
        if (seed is not null) args.AddRange(["--seed-nodes", $"akka.tcp://{NodeSettings.SystemName}@127.0.0.1:{seed.Port}"]);
        args.AddRange(extra);
        var process = NetfleetProcess.Start(name, [.. args]);
        processes.Add(process);
        await process.WaitUpAsync();
        return (new NodeInfo(process, port), new Uri($"http://127.0.0.1:{apiPort}"));
    }

    private NetfleetProcess Submit(string server, params Uri[] apis)
    {
        var playbook = Path.Combine(cluster.Lab.Paths.Root, $"rollout-{server}.yaml");
        File.WriteAllText(playbook, $"""
            - name: NTP rollout
              hosts: all
              serial: 20
              confirm_minutes: 60
              tasks:
                - name: Read the version
                  command: show version
                - name: Add the NTP server
                  config:
                    lines:
                      - set system ntp server {server}
            """);
        var args = new List<string> { "submit", playbook, "-i", cluster.Lab.Paths.Inventory, "--known-hosts", cluster.Lab.Paths.KnownHosts, "-o", "json",
            "--token", token };
        foreach (var api in apis) args.AddRange(["--api", api.ToString()]);
        var process = NetfleetProcess.Start("submit", [.. args]);
        processes.Add(process);
        return process;
    }

    /// <summary>Kills the node and measures, from the kill, when the survivors removed it and when devices started
    /// getting the change again (the job's work had moved).</summary>
    private async Task<(TimeSpan Removed, TimeSpan Resumed)> KillAndMeasureAsync(NodeInfo victim, Uri survivorApi, string server)
    {
        await victim.Process.KillAsync();
        var clock = Stopwatch.StartNew();
        var atKill = ChangedDevices(server);
        TimeSpan? removed = null;
        TimeSpan? resumed = null;
        while ((removed is null || resumed is null) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
            if (removed is null)
            {
                try
                {
                    var status = await StatusAsync(survivorApi);
                    if (!status.Members.Any(m => m.Address.EndsWith(":" + victim.Port, StringComparison.Ordinal))) removed = clock.Elapsed;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
            }

            // Requests already on their way may still land just after the kill; progress counts once the node is gone.
            if (removed is not null && resumed is null && ChangedDevices(server) > atKill + 5) resumed = clock.Elapsed;
            if (removed is null) atKill = ChangedDevices(server);
        }

        Assert.True(removed is not null, $"{victim.Process.Name} was never removed from the cluster");
        Assert.True(resumed is not null, "the job made no progress after the kill");
        return (removed.Value, resumed.Value);
    }

    private async Task WaitForChangedAsync(string server, int count, NetfleetProcess submit)
    {
        var deadline = Stopwatch.StartNew();
        while (ChangedDevices(server) < count)
        {
            Assert.False(submit.HasExited, $"the job ended early:\n{submit.Stderr}");
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"no progress:\n{submit.Stderr}\n{string.Join("\n", processes.Select(p => p.Name + ":\n" + p.Stderr))}");
            await Task.Delay(20);
        }
    }

    private async Task WaitForMembersAsync(Uri api, int count)
    {
        var deadline = Stopwatch.StartNew();
        while ((await StatusAsync(api)).Members.Count(m => m.Status == "up") < count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the cluster did not form");
            await Task.Delay(100);
        }
    }

    private async Task<ClusterStatus> StatusAsync(Uri api) =>
        (await http.GetFromJsonAsync<ClusterStatus>(new Uri(api, "/api/cluster"), NetFleetApi.Json))!;

    private static ClusterMember Member(ClusterStatus status, NodeInfo node) =>
        status.Members.Single(m => m.Address.EndsWith(":" + node.Port, StringComparison.Ordinal));

    private Dictionary<string, int> Commits() =>
        cluster.Lab.Spec.Devices.ToDictionary(d => d.Name, d => cluster.Lab.Host.StateOf(d.Name).Read(s => s.Commits.Count));

    private int ChangedDevices(string server) =>
        cluster.Lab.Spec.Devices.Count(d => cluster.Lab.Host.StateOf(d.Name).Read(s => s.RunningConfig).Contains($"server {server};", StringComparison.Ordinal));

    /// <summary>The line is there once and the device's configuration changed once: a change is a commit confirmed and
    /// the commit that confirms it, and a change re-applied with its lines already there commits nothing.</summary>
    private void AssertConfiguredOnce(string server, Dictionary<string, int> commitsBefore)
    {
        foreach (var device in cluster.Lab.Spec.Devices)
        {
            var (config, changes) = cluster.Lab.Host.StateOf(device.Name).Read(s => (s.RunningConfig,
                Enumerable.Range(0, s.Commits.Count - commitsBefore[device.Name]).Count(i => s.Commits[i].Config != s.Commits[i + 1].Config)));
            Assert.True(Regex.Count(config, $@"server {Regex.Escape(server)};") == 1, $"{device.Name}: the line is not there exactly once");
            Assert.True(changes == 1, $"{device.Name}: {changes} configuration changes");
        }
    }

    private static void AssertResults(NetfleetProcess submit)
    {
        using var results = JsonDocument.Parse(submit.Stdout);
        var rows = results.RootElement.EnumerateArray().ToList();
        Assert.Equal(ClusterLab.Devices, rows.Where(r => r.GetProperty("task").GetString() == "Add the NTP server")
            .Select(r => r.GetProperty("device").GetString()).Distinct().Count());
        Assert.DoesNotContain(rows, r => r.GetProperty("status").GetString() is "failed" or "unreachable");
    }

    private sealed record NodeInfo(NetfleetProcess Process, int Port);
}

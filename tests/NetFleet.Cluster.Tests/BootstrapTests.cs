using System.Text.Json;
using NetFleet.Node.Bootstrap;
using Xunit.Abstractions;
using NetFleet.Testing;

namespace NetFleet.Cluster.Tests;

/// <summary>
/// Cluster Bootstrap with real separate <c>netfleet node</c> processes on loopback: nodes given the same contact points
/// and no seed nodes form one cluster, a node started later joins it, and SIGTERM makes a node leave.
/// </summary>
[Collection("cluster")]
public sealed class BootstrapTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan FormationBudget = TimeSpan.FromSeconds(60);
    private readonly List<NetfleetProcess> processes = [];
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string workDirectory = Directory.CreateTempSubdirectory("netfleet-bootstrap-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in processes) await process.DisposeAsync();
        http.Dispose();
        Directory.Delete(workDirectory, recursive: true);
    }

    [Fact]
    public async Task Nodes_given_contact_points_form_one_cluster_a_late_node_joins_it_and_SIGTERM_leaves_it()
    {
        var managementPorts = Enumerable.Range(0, 4).Select(_ => Loopback.FreePort()).ToList();
        var contactPoints = string.Join(',', managementPorts.Take(3).Select(p => $"127.0.0.1:{p}"));
        var started = DateTimeOffset.UtcNow;
        var first = Enumerable.Range(0, 3).Select(i => StartNode($"n{i}", managementPorts[i], contactPoints)).ToList();
        foreach (var node in first) await node.Process.WaitUpAsync();
        output.WriteLine($"three nodes formed a cluster {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s after start");

        // Every node sees the same three members, so exactly one cluster formed (not one per node).
        foreach (var node in first) Assert.Equal(first.Select(n => n.Port).Order(), await MemberPortsAsync(node.ManagementPort, 3));

        var late = StartNode("late", managementPorts[3], contactPoints);
        await late.Process.WaitUpAsync();
        Assert.Equal(first.Append(late).Select(n => n.Port).Order(), await MemberPortsAsync(first[0].ManagementPort, 4));
        Assert.Equal("ready", await http.GetStringAsync($"http://127.0.0.1:{late.ManagementPort}/health/ready"));

        var leaving = first[1];
        leaving.Process.Terminate();
        Assert.Equal(0, await leaving.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("leaving the cluster", leaving.Process.Stderr);
        Assert.Equal(new[] { first[0].Port, first[2].Port, late.Port }.Order(), await MemberPortsAsync(first[0].ManagementPort, 3));
    }

    [Fact]
    public async Task A_node_discovering_itself_through_DNS_forms_a_cluster_of_one()
    {
        var managementPort = Loopback.FreePort();
        var node = StartNode("dns", managementPort, contactPoints: null, "--discovery", "dns", "--discovery-service", "127.0.0.1",
            "--required-contact-points", "1");
        await node.Process.WaitUpAsync();
        Assert.Equal([node.Port], await MemberPortsAsync(managementPort, 1));
    }

    [Fact]
    public async Task Seed_nodes_beside_discovery_are_refused_by_name()
    {
        var process = NetfleetProcess.Start("refused", "node", "--roles", "worker", "--port", Loopback.FreePort().ToString(),
            "--discovery", "config", "--contact-points", "127.0.0.1:1", "--seed-nodes", "akka.tcp://netfleet@127.0.0.1:1");
        processes.Add(process);
        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("exclude each other", process.Stderr);
    }

    private (NetfleetProcess Process, int Port, int ManagementPort) StartNode(string name, int managementPort, string? contactPoints,
        params string[] extra)
    {
        var port = Loopback.FreePort();
        string[] args = ["node", "--roles", "worker", "--port", port.ToString(), "--management-port", managementPort.ToString(),
            "--store", "sqlite:" + Path.Combine(workDirectory, name + ".db"), .. contactPoints is null ? extra : ["--discovery", "config", "--contact-points", contactPoints, .. extra]];
        var process = NetfleetProcess.Start(name, args);
        processes.Add(process);
        return (process, port, managementPort);
    }

    /// <summary>The cluster ports of the members a node's bootstrap endpoint reports, once there are <paramref name="count"/>
    /// of them Up (joining and leaving take a moment to settle).</summary>
    private async Task<IReadOnlyList<int>> MemberPortsAsync(int managementPort, int count)
    {
        var deadline = DateTimeOffset.UtcNow + FormationBudget;
        List<int> ports = [];
        while (DateTimeOffset.UtcNow < deadline)
        {
            using var answer = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{managementPort}/bootstrap/seed-nodes"));
            var up = answer.RootElement.GetProperty("Nodes").EnumerateArray()
                .Where(n => n.GetProperty("Status").GetInt32() == (int)Akka.Cluster.MemberStatus.Up).ToList();
            ports = [.. up.Select(n => n.GetProperty("Node").GetProperty("Port").GetInt32()).Order()];
            if (ports.Count == count) return ports;
            await Task.Delay(250);
        }

        Assert.Fail($"expected {count} members Up at :{managementPort}, saw [{string.Join(", ", ports)}]");
        return ports;
    }
}

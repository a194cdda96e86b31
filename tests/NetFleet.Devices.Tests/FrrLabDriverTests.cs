using System.Text.Json.Nodes;
using NetFleet.Devices.Platforms;
using NetFleet.Lab.Devices;
using NetFleet.Testing;

namespace NetFleet.Devices.Tests;

/// <summary>
/// The driver through the lab's sshd into the routers of deploy/topologies/line3.yaml (r1 - r2 - r3, eBGP): what a
/// user pointing the <c>frr</c> platform at their own routers gets, down to the BGP session coming back after a restore.
/// </summary>
public sealed class FrrLabDriverTests(FrrLabFixture lab, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<FrrLabFixture>, IAsyncLifetime
{
    private static readonly ConfigTransaction Merge = new("netfleet-frr-lab", 5) { Strategy = ConfigStrategy.Merge };

    public Task InitializeAsync() => Task.CompletedTask;

    // Tests change routers; each leaves the topology as it found it.
    public Task DisposeAsync() => lab.ResetAsync();

    private async Task<DeviceDriver> OpenAsync(string router)
    {
        var driver = DeviceDriver.Create(new DeviceConnectionOptions(lab.Router(router).Management, "frr",
            new SshCredentials(LabDefaults.Username) { PrivateKeyPath = lab.Paths.ClientKey })
        {
            Name = router,
            Port = lab.Port,
            KnownHostsPath = lab.Paths.KnownHosts,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            CommandTimeout = TimeSpan.FromSeconds(10),
        });
        await driver.OpenAsync();
        return driver;
    }

    [Fact]
    public async Task Opens_r2_in_vtysh_and_reads_its_bgp_sessions_as_json()
    {
        await using var driver = await OpenAsync("r2");

        Assert.Equal("r2#", driver.Prompt);
        Assert.StartsWith("FRRouting 8.4.4 (r2)", (await driver.RunCommandAsync("show version")).Output, StringComparison.Ordinal);
        var peers = JsonNode.Parse((await driver.RunCommandAsync("show bgp summary json")).Output)!["ipv4Unicast"]!["peers"]!.AsObject();
        Assert.All(peers, p => Assert.Equal("Established", p.Value!["state"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_wrong_remote_as_restored_brings_the_configuration_and_the_session_back()
    {
        await using var driver = await OpenAsync("r1");
        var backup = await driver.GetRunningConfigAsync();

        var applied = await driver.ApplyTransactionAsync(["router bgp 65001", " neighbor 198.18.0.1 remote-as 65099"], Merge);
        Assert.Equal(ConfigStrategy.Merge, applied.Strategy);
        Assert.Contains("+  neighbor 198.18.0.1 remote-as 65099", applied.Diff, StringComparison.Ordinal);
        Assert.NotEqual("Established", await PeerStateAsync("r2", "198.18.0.0", s => s != "Established"));

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var after = await driver.RestoreConfigAsync(backup, null);
        var restored = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        Assert.Equal(ConfigText.Significant(backup), ConfigText.Significant(after));
        // The timers and advertisement interval of the neighbour stayed: the AS was set again, not the neighbour re-created.
        Assert.Contains(" neighbor 198.18.0.1 timers connect 1", after, StringComparison.Ordinal);
        Assert.Equal("Established", await PeerStateAsync("r1", "198.18.0.1", s => s == "Established"));
        Assert.Equal("Established", await PeerStateAsync("r2", "198.18.0.0", s => s == "Established"));
        output.WriteLine($"restore (read, commands, read back): {restored.TotalMilliseconds:0} ms; session Established again "
            + $"{System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s after the restore began");
    }

    [Fact]
    public async Task Write_memory_saves_the_routers_configuration()
    {
        await using var driver = await OpenAsync("r3");

        var saved = await driver.RunCommandAsync(driver.Platform.SaveConfigCommand!);

        // vtysh as the lab's account cannot chown the file (a warning, not a refusal) and says where it wrote.
        var file = saved.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("Integrated configuration saved to ", StringComparison.Ordinal))
            ["Integrated configuration saved to ".Length..];
        Assert.Contains("router bgp 65003", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    /// <summary>A BGP peer's state, polled until <paramref name="done"/> holds or 30 s pass.</summary>
    private async Task<string> PeerStateAsync(string router, string peer, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var summary = await lab.VtyshJsonAsync(router, "show bgp summary json");
            var state = summary["ipv4Unicast"]!["peers"]![peer]!["state"]!.GetValue<string>();
            if (done(state) || DateTime.UtcNow > deadline) return state;
            await Task.Delay(200);
        }
    }
}

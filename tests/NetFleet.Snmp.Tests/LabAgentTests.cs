using System.Diagnostics;
using System.Net;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Snmp;

namespace NetFleet.Snmp.Tests;

/// <summary>Lab-style agents (one per device address) for net-snmp's tools and NetFleet's manager to query.</summary>
public sealed class LabAgentsFixture : IAsyncLifetime
{
    public LabSpec Spec { get; } = LabSpec.Generate(3, LabPlatforms.All) with { };
    public IReadOnlyList<LabDevice> Devices { get; private set; } = [];
    public LabSnmpAgents Agents { get; private set; } = null!;
    public int Port { get; private set; }

    public Task InitializeAsync()
    {
        // Addresses of their own, away from the SSH lab tests' 127.0.1.x.
        Devices = [.. Spec.Devices.Select((d, i) => d with { Address = $"127.0.77.{i + 1}" })];
        Port = NetSnmp.FreeUdpPort(IPAddress.Parse("127.0.77.1"));
        Agents = LabSnmpAgents.Start(Devices, Port);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Agents.DisposeAsync();

    public string Address(int device) => $"{Devices[device].Address}:{Port}";

    public static string[] V3Args => ["-v3", "-l", "authPriv", "-u", LabSnmpDefaults.User, "-a", "SHA-256", "-A", LabSnmpDefaults.AuthPassword,
        "-x", "AES", "-X", LabSnmpDefaults.PrivPassword];
}

public sealed class LabAgentTests(LabAgentsFixture lab) : IClassFixture<LabAgentsFixture>
{
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Snmpget_v2c_gets_each_devices_own_sysName_from_its_address()
    {
        for (var i = 0; i < lab.Devices.Count; i++)
        {
            var (exit, output, errors) = await NetSnmp.RunAsync("snmpget", "-v2c", "-c", LabSnmpDefaults.Community, "-Oqv", lab.Address(i), "1.3.6.1.2.1.1.5.0");
            Assert.True(exit == 0, errors);
            Assert.Equal(lab.Devices[i].Name, output.Trim().Trim('"'));
        }
    }

    [Fact]
    public async Task Snmpwalk_v2c_of_ifTable_matches_netfleets_walk()
    {
        var (exit, output, errors) = await NetSnmp.RunAsync("snmpwalk", "-v2c", "-c", LabSnmpDefaults.Community, "-On", lab.Address(0), "1.3.6.1.2.1.2.2");
        Assert.True(exit == 0, errors);
        await using var manager = new SnmpManager();
        var target = new SnmpTarget(new IPEndPoint(IPAddress.Parse(lab.Devices[0].Address), lab.Port), SnmpVersion.V2c, LabSnmpDefaults.Community);
        var ours = await manager.WalkAsync(target, MibNames.Parse("ifTable")).ToListAsync();
        var theirs = Lines(output).Select(l => l.Split(' ')[0].TrimStart('.')).ToList();
        Assert.Equal(6 * 22, theirs.Count);
        Assert.Equal(ours.Select(v => v.Oid.ToString()), theirs);
    }

    [Fact]
    public async Task Snmpbulkwalk_v3_authPriv_sha256_aes_reads_the_64_bit_counters()
    {
        var (exit, output, errors) = await NetSnmp.RunAsync("snmpbulkwalk", [.. LabAgentsFixture.V3Args, "-On", lab.Address(1), "1.3.6.1.2.1.31.1.1.1.6"]);
        Assert.True(exit == 0, errors);
        var lines = Lines(output);
        Assert.Equal(6, lines.Length);
        Assert.All(lines, l => Assert.Contains("Counter64", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Snmpget_v3_with_a_wrong_password_is_refused_and_counted()
    {
        var dropsBefore = lab.Agents.Agents[2].Agent.Drops.Total;
        var (exit, _, errors) = await NetSnmp.RunAsync("snmpget", "-v3", "-l", "authPriv", "-u", LabSnmpDefaults.User, "-a", "SHA-256", "-A", "wrong-password!",
            "-x", "AES", "-X", LabSnmpDefaults.PrivPassword, "-r", "0", lab.Address(2), "1.3.6.1.2.1.1.5.0");
        Assert.NotEqual(0, exit);
        Assert.Contains("Authentication failure", errors, StringComparison.OrdinalIgnoreCase);
        Assert.True(lab.Agents.Agents[2].Agent.Drops.Total > dropsBefore);
    }

    [Fact]
    public async Task Snmpset_v3_authPriv_changes_sysContact_that_netfleet_then_reads_over_v3()
    {
        var (exit, _, errors) = await NetSnmp.RunAsync("snmpset", [.. LabAgentsFixture.V3Args, lab.Address(0), "1.3.6.1.2.1.1.4.0", "s", "ops@lab"]);
        Assert.True(exit == 0, errors);
        await using var manager = new SnmpManager();
        var target = SnmpTarget.V3(lab.Devices[0].Address, lab.Port, LabSnmpDefaults.CreateUser());
        Assert.Equal("ops@lab", (await manager.GetAsync(target, [MibNames.Parse("sysContact.0")]))[0].Value.ToString());
    }

    [Fact]
    public async Task Netfleet_bulk_walk_over_v3_sees_counters_increase()
    {
        await using var manager = new SnmpManager();
        var target = SnmpTarget.V3(lab.Devices[1].Address, lab.Port, LabSnmpDefaults.CreateUser());
        var first = await manager.BulkWalkAsync(target, MibNames.Parse("ifHCInOctets")).ToListAsync();
        await Task.Delay(1100);
        var second = await manager.BulkWalkAsync(target, MibNames.Parse("ifHCInOctets")).ToListAsync();
        Assert.Equal(6, first.Count);
        Assert.True(((Counter64)second[0].Value).Value > ((Counter64)first[0].Value).Value);
        Assert.Equal("ifHCInOctets.1", MibNames.Format(first[0].Oid));
    }

    [Fact]
    public void Lab_counters_are_64_bit_and_their_32_bit_columns_wrap()
    {
        var dayAgo = Stopwatch.GetTimestamp() - (Stopwatch.Frequency * 86_400);
        var view = LabMib.Build(lab.Devices[0], dayAgo);
        var low = ((Counter32)view.Get(MibNames.Parse("ifInOctets.1"))).Value;
        var hc = ((Counter64)view.Get(MibNames.Parse("ifHCInOctets.1"))).Value;
        Assert.True(hc > uint.MaxValue);
        // Read a moment apart, so the 64-bit value may have moved on by a few kilobytes.
        Assert.InRange((hc - low) % (1UL << 32), 0UL, 10_000_000UL);
    }

    // A disposed agent's socket can be released a moment after DisposeAsync returns (the aborted receive still holds it):
    // the restarted agent binds the same port as soon as the kernel lets it.
    private static async Task StartWhenFreeAsync(SnmpAgent agent, IPEndPoint endpoint)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                agent.Start(endpoint);
                return;
            }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse && attempt < 50)
            {
                await Task.Delay(20);
            }
        }
    }

    [Fact]
    public async Task V3_manager_resyncs_after_the_agent_restarts_with_new_boots_or_engine_id()
    {
        var port = NetSnmp.FreeUdpPort();
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        var user = LabSnmpDefaults.CreateUser();
        var view = LabMib.Build(lab.Devices[0], Stopwatch.GetTimestamp());
        await using var manager = new SnmpManager();
        var target = new SnmpTarget(endpoint, SnmpVersion.V3, "", user);
        var sysName = MibNames.Parse("sysName.0");

        var first = new SnmpAgent(view, new SnmpAgentOptions { Users = [user], EngineId = SnmpAgent.EngineIdFor("a"), EngineBoots = 1 });
        first.Start(endpoint);
        await manager.GetAsync(target, [sysName]);
        await first.DisposeAsync();

        await using (var rebooted = new SnmpAgent(view, new SnmpAgentOptions { Users = [user], EngineId = SnmpAgent.EngineIdFor("a"), EngineBoots = 2 }))
        {
            await StartWhenFreeAsync(rebooted, endpoint);
            await manager.GetAsync(target, [sysName]);
            Assert.Contains(rebooted.Drops.ByReason.Keys, k => k.Contains("not in time window", StringComparison.Ordinal));
        }

        await using var replaced = new SnmpAgent(view, new SnmpAgentOptions { Users = [user], EngineId = SnmpAgent.EngineIdFor("b") });
        await StartWhenFreeAsync(replaced, endpoint);
        Assert.Equal("ios-1", (await manager.GetAsync(target, [sysName]))[0].Value.ToString());
        Assert.Equal(replaced.EngineId, manager.EngineIdOf(endpoint));
    }
}

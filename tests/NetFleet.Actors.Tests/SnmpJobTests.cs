using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>The SNMP modules in real jobs, against the lab's agents over real SNMP (v2c and v3 with auth and privacy).</summary>
public sealed class SnmpJobTests(SnmpJobTests.Lab lab) : IClassFixture<SnmpJobTests.Lab>, IAsyncLifetime
{
    private static readonly string[] Devices = ["ios-s1", "eos-s1", "junos-s1"];
    private JobRunner runner = null!;
    private readonly ConcurrentQueue<JobEvent> events = new();

    public Task InitializeAsync()
    {
        runner = JobRunner.Start(Serilog.Core.Logger.None);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await runner.DisposeAsync();

    private async Task<JobSummary> RunAsync(string yaml, string limit, bool check = false)
    {
        var path = Path.Combine(lab.Scratch, $"play-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var loaded = PlaybookLoader.Load(path);
        var playbook = loaded.Playbook ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
        var options = new JobOptions("tester") { Limit = limit, Check = check, KnownHostsPath = lab.KnownHosts, IdleTimeout = TimeSpan.FromSeconds(2) };
        return await runner.RunAsync(path, playbook, lab.Inventory, options, events.Enqueue, CancellationToken.None);
    }

    [Fact]
    public async Task Snmp_get_over_v2c_and_v3_returns_each_devices_own_sysName()
    {
        var summary = await RunAsync("""
            - hosts: all
              tasks:
                - name: v2c
                  snmp_get: {oids: [sysName.0, sysDescr.0], version: v2c}
                  register: v2
                - name: v3
                  snmp_get: {oids: ["SNMPv2-MIB::sysName.0", 1.3.6.1.2.1.1.3.0], version: v3}
                  register: v3
                - name: both name the host
                  assert:
                    that:
                      - v2.variables["sysName.0"] == host.name
                      - v3.variables["sysName.0"] == host.name
                      - v3.variables["sysUpTime.0"] > 0
            """, string.Join(',', Devices));

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        foreach (var device in Devices)
        {
            Assert.Equal(new HostRecap(device, 3, 0, 0, 0, 0), summary.Recap.Single(r => r.Device == device));
            foreach (var task in new[] { "v2c", "v3" })
            {
                var result = summary.Results.Single(r => r.Device == device && r.Task == task);
                Assert.Contains($"sysName.0 = {device}", result.Output!.Split('\n'));
            }
        }

        Assert.Contains("sysDescr.0 = ", summary.Results.Single(r => r.Device == "eos-s1" && r.Task == "v2c").Output);
    }

    [Fact]
    public async Task Snmp_walk_of_ifTable_returns_every_column_of_every_interface()
    {
        var summary = await RunAsync("""
            - hosts: all
              tasks:
                - name: bulk
                  snmp_walk: ifTable
                  register: bulk
                - name: get-next
                  snmp_walk: {oid: 1.3.6.1.2.1.2.2, bulk: false, version: v3}
                  register: next
                - name: same table
                  assert:
                    that:
                      - bulk.variables.size == next.variables.size
                      - bulk.variables["ifIndex.1"] == 1
            """, "junos-s1");

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        var lines = summary.Results.Single(r => r.Task == "bulk").Output!.Split('\n');
        Assert.StartsWith("ifIndex.1 = 1", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("ifDescr.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ifOutOctets.", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("ifName", StringComparison.Ordinal));
        Assert.Equal(0, lines.Length % 22);
    }

    [Fact]
    public async Task Snmp_set_of_sysContact_reads_back_and_a_rerun_changes_nothing()
    {
        const string Yaml = """
            - hosts: all
              tasks:
                - name: set
                  snmp_set:
                    version: v3
                    values:
                      - {oid: sysContact.0, type: string, value: "ops-{{ host.name }}@example.net"}
                - name: read back
                  snmp_get: {oids: [sysContact.0], version: v2c}
                  register: read
                - assert:
                    that: ['read.variables["sysContact.0"] == "ops-" + host.name + "@example.net"']
            """;
        var check = await RunAsync(Yaml.Replace("- assert:", "- when: false\n      assert:", StringComparison.Ordinal), "ios-s1", check: true);
        Assert.Equal(TaskOutcome.Changed, check.Results.Single(r => r.Task == "set").Outcome);
        Assert.Contains("sysContact.0 = noc@netfleet.lab", check.Results.Single(r => r.Task == "read back").Output);

        var first = await RunAsync(Yaml, "ios-s1");
        Assert.Equal(new HostRecap("ios-s1", 2, 1, 0, 0, 0), first.Recap.Single());
        Assert.Equal("sysContact.0 = ops-ios-s1@example.net", first.Results.Single(r => r.Task == "read back").Output);

        var rerun = await RunAsync(Yaml, "ios-s1");
        Assert.Equal(new HostRecap("ios-s1", 3, 0, 0, 0, 0), rerun.Recap.Single());
    }

    [Fact]
    public async Task Play_level_poll_samples_after_the_tasks_and_registers_rates_as_poll()
    {
        var summary = await RunAsync("""
            - hosts: all
              poll: {oids: [ifHCInOctets.2], every: 200ms, for: 600ms}
              tasks:
                - name: version
                  snmp_get: {oids: [sysDescr.0]}
            """, "eos-s1");

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        Assert.Equal(["version", "poll"], summary.Results.Select(r => r.Task));
        var poll = summary.Results[1];
        Assert.Equal("snmp_poll", poll.Module);
        Assert.Matches(new Regex(@"^ifHCInOctets\.2 = [0-9.]+/s \([0-9.]+ bit/s\)$", RegexOptions.Multiline), poll.Output!);
    }

    [Fact]
    public async Task Snmp_poll_reports_the_same_rate_from_32_and_64_bit_counters()
    {
        var summary = await RunAsync("""
            - hosts: all
              tasks:
                - name: poll
                  snmp_poll: {oids: [ifInOctets.1, ifHCInOctets.1, sysUpTime.0], every: 300ms, for: 1200ms}
                  register: p
                - name: facts
                  set_fact:
                    samples: "{{ p.samples.size }}"
                    bps: "{{ p.rates['ifHCInOctets.1'].bits_per_second }}"
                    intervals32: "{{ p.rates['ifInOctets.1'].intervals | array.join ',' }}"
                    intervals64: "{{ p.rates['ifHCInOctets.1'].intervals | array.join ',' }}"
            """, "eos-s1");

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        var poll = summary.Results.Single(r => r.Task == "poll");
        Assert.True(poll.Duration >= TimeSpan.FromMilliseconds(1150), $"polled for {poll.Duration}");
        Assert.Matches(new Regex(@"^ifInOctets\.1 = [0-9.]+/s \([0-9.]+ bit/s\)$", RegexOptions.Multiline), poll.Output!);
        Assert.DoesNotContain("sysUpTime", poll.Output);

        var facts = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(summary.Results.Single(r => r.Task == "facts").Parsed);
        Assert.Equal(5, Convert.ToInt32(facts["samples"], CultureInfo.InvariantCulture));
        var bps = Convert.ToDouble(facts["bps"], CultureInfo.InvariantCulture);
        // The lab's interfaces carry 1–80 Mbit/s.
        Assert.InRange(bps, 0.9e6, 81e6);
        // Truncated to 32 bits or not (and wrapped or not), a counter grows by the same amount between two samples;
        // the agent reads the two columns microseconds apart, hence the tolerance.
        static double[] Rates(object? joined) =>
            Convert.ToString(joined, CultureInfo.InvariantCulture)!.Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        var (rates32, rates64) = (Rates(facts["intervals32"]), Rates(facts["intervals64"]));
        Assert.Equal(4, rates32.Length);
        Assert.All(rates32.Zip(rates64), pair => Assert.InRange(pair.Item1 / pair.Item2, 0.995, 1.005));
    }

    [Fact]
    public async Task Snmp_to_an_address_without_an_agent_is_unreachable_after_the_timeout_and_the_job_goes_on()
    {
        var started = Stopwatch.GetTimestamp();
        var summary = await RunAsync("""
            - hosts: all
              tasks:
                - name: first
                  snmp_get: {oids: [sysName.0], version: v3}
                - name: second
                  snmp_get: {oids: [sysName.0]}
            """, "ghost,ios-s1");

        var ghost = summary.Results.Single(r => r.Device == "ghost");
        Assert.Equal(TaskOutcome.Unreachable, ghost.Outcome);
        Assert.Contains("no answer after 3 attempt(s) of 1000 ms", ghost.Message);
        Assert.InRange(ghost.Duration, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(10));
        Assert.Equal(new HostRecap("ios-s1", 2, 0, 0, 0, 0), summary.Recap.Single(r => r.Device == "ios-s1"));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(15));
    }

    /// <summary>Three lab devices with their agents, and a host at an address where nothing answers.</summary>
    public sealed class Lab : IAsyncLifetime
    {
        private readonly LabFixture fixture = new(port => new LabSpec(port, TimeSpan.FromMilliseconds(100),
        [
            new LabDevice("ios-s1", "127.0.9.1", "cisco_ios", DeviceFaults.None),
            new LabDevice("eos-s1", "127.0.9.2", "arista_eos", DeviceFaults.None),
            new LabDevice("junos-s1", "127.0.9.3", "juniper_junos", DeviceFaults.None),
        ]));

        public Inventory Inventory { get; private set; } = null!;
        public string Scratch { get; } = Directory.CreateTempSubdirectory("netfleet-snmp-test-").FullName;
        public string KnownHosts => fixture.Paths.KnownHosts;

        public async Task InitializeAsync()
        {
            await fixture.InitializeAsync();
            var dir = Path.Combine(Scratch, "inventory");
            LabInventoryWriter.Write(fixture.Spec, fixture.Paths, dir);
            await File.AppendAllTextAsync(Path.Combine(dir, "hosts.yaml"), "ghost:\n  hostname: 127.0.9.99\n  platform: cisco_ios\n");
            var loaded = InventoryLoader.Load(dir);
            Inventory = loaded.Inventory ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
        }

        public async Task DisposeAsync()
        {
            await fixture.DisposeAsync();
            Directory.Delete(Scratch, recursive: true);
        }
    }
}

using System.Text.Json;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Snmp;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary><c>netfleet run</c> with the SNMP modules, as a user runs it, against a lab's agents.</summary>
public sealed class SnmpRunCommandTests(SnmpRunCommandTests.Lab lab) : IClassFixture<SnmpRunCommandTests.Lab>
{
    [Fact]
    public async Task Snmp_playbook_reads_each_devices_name_over_v3_and_never_prints_the_v3_passwords()
    {
        var playbook = Path.Combine(lab.Fixture.Paths.Root, "snmp.yaml");
        await File.WriteAllTextAsync(playbook, """
            - name: names
              hosts: all
              tasks:
                - name: name
                  snmp_get: {oids: [sysName.0, ifNumber.0], version: v3}
            """);
        var results = Path.Combine(lab.Fixture.Paths.Root, "snmp-results.json");
        var logFile = Path.Combine(lab.Fixture.Paths.Root, "snmp-log.json");
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", lab.Fixture.Paths.Inventory,
            "--known-hosts", lab.Fixture.Paths.KnownHosts, "-o", "json", "--out", results, "--log-file", logFile, "--verbose");

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Matches(@"ios-c1\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=0", stderr);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(results));
        foreach (var device in new[] { "ios-c1", "junos-c1" })
        {
            var row = json.RootElement.EnumerateArray().Single(r => r.GetProperty("device").GetString() == device);
            Assert.Contains($"sysName.0 = {device}", row.GetProperty("output").GetString());
        }

        var log = await File.ReadAllTextAsync(logFile);
        foreach (var secret in new[] { LabSnmpDefaults.AuthPassword, LabSnmpDefaults.PrivPassword })
        {
            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(results));
            Assert.DoesNotContain(secret, stdout + stderr);
            Assert.DoesNotContain(secret, log);
        }
    }

    public sealed class Lab : IAsyncLifetime
    {
        public LabFixture Fixture { get; } = new(port => new LabSpec(port, TimeSpan.FromMilliseconds(100),
        [
            new LabDevice("ios-c1", "127.0.12.1", "cisco_ios", DeviceFaults.None),
            new LabDevice("junos-c1", "127.0.12.2", "juniper_junos", DeviceFaults.None),
        ]));

        public Task InitializeAsync() => Fixture.InitializeAsync();

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }
}

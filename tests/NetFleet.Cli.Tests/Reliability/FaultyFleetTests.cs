using System.Text.Json;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Testing;
using Xunit.Abstractions;

namespace NetFleet.Cli.Tests.Reliability;

/// <summary>
/// A thousand devices, one in ten misbehaving (slow, dropping the connection, refusing the login):
/// the job ends with the right status for every device, and results keep flowing while the slow
/// and broken ones wait — no device holds up the others and no thread pool starves.
/// </summary>
public sealed class FaultyFleetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Devices = 1000;

    private readonly LabFixture lab = new(port =>
    {
        var healthy = LabSpec.Generate(Devices, LabPlatforms.All, port, TimeSpan.FromSeconds(1));
        return healthy with
        {
            Devices = healthy.Devices.Select((d, i) => (i % 30) switch
            {
                // Every tenth device: a third slow, a third dropping the connection, a third refusing logins.
                0 => d with { Faults = new DeviceFaults { SlowReplyMs = 400 } },
                10 => d with { Faults = new DeviceFaults { DropAfterCommands = 2 } },
                20 => d with { Faults = new DeviceFaults { RefuseAuth = true } },
                _ => d,
            }).ToList(),
        };
    });

    public Task InitializeAsync() => lab.InitializeAsync();

    public Task DisposeAsync() => lab.DisposeAsync();

    [Fact]
    public async Task Thousand_device_job_with_ten_percent_faulty_devices_reports_each_device_right()
    {
        var playbook = Path.Combine(lab.Paths.Root, "faulty.yaml");
        await File.WriteAllTextAsync(playbook, """
            - name: fleet check
              hosts: all
              tasks:
                - name: version
                  command: show version
                - name: interfaces
                  command: "{{ host.platform == 'juniper_junos' ? 'show interfaces terse' : 'show ip interface brief' }}"
            """);
        var started = DateTimeOffset.UtcNow;
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", lab.Paths.Inventory,
            "--known-hosts", lab.Paths.KnownHosts, "-o", "json", "--store", "sqlite:" + Path.Combine(lab.Paths.Root, "faulty.db"));
        var wall = DateTimeOffset.UtcNow - started;
        Assert.True(code == 4, $"exit {code}: " + string.Join('\n', stderr.Split('\n').Where(l => l.StartsWith("failed", StringComparison.Ordinal) || l.Contains("Halted", StringComparison.Ordinal)).Take(20)));

        using var json = JsonDocument.Parse(stdout);
        var results = json.RootElement.EnumerateArray()
            .Select(r => (Device: r.GetProperty("device").GetString()!, Task: r.GetProperty("task").GetString()!,
                Status: r.GetProperty("status").GetString()!, At: r.GetProperty("started_at").GetDateTimeOffset(),
                Ms: r.GetProperty("duration_ms").GetDouble()))
            .ToList();
        foreach (var device in lab.Spec.Devices)
        {
            var mine = results.Where(r => r.Device == device.Name).ToList();
            var statuses = string.Join(' ', mine.Select(r => r.Status));
            var expected = device.Faults switch
            {
                { RefuseAuth: true } => "^unreachable$",
                // The connection dies at the command the fault counts to (drivers send a few on login):
                // what ran is ok, the task it died in is unreachable, and the device leaves the job.
                { DropAfterCommands: not null } => "^(ok )*unreachable$",
                _ => "^ok ok$",
            };
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(statuses, expected),
                $"{device.Name} ({device.Faults}): {string.Join(", ", mine.Select(r => $"{r.Task}={r.Status}"))}");
        }

        // Progress kept flowing: the healthy devices finished while the slow ones were still talking.
        var finishes = results.Select(r => r.At.AddMilliseconds(r.Ms)).Order().ToList();
        var longestGap = finishes.Zip(finishes.Skip(1), (a, b) => b - a).Max();
        var healthyDone = results.Where(r => lab.Spec.Devices.Single(d => d.Name == r.Device).Faults.IsNone)
            .Max(r => r.At.AddMilliseconds(r.Ms));
        var slowDone = results.Where(r => lab.Spec.Devices.Single(d => d.Name == r.Device).Faults.SlowReplyMs > 0)
            .Max(r => r.At.AddMilliseconds(r.Ms));
        output.WriteLine($"{Devices} devices in {wall.TotalSeconds:0.0} s; longest gap between results {longestGap.TotalMilliseconds:0} ms; "
            + $"healthy done at +{(healthyDone - started).TotalSeconds:0.0} s, slow done at +{(slowDone - started).TotalSeconds:0.0} s");
        Assert.True(longestGap < TimeSpan.FromSeconds(10), $"results stalled for {longestGap}");
    }
}

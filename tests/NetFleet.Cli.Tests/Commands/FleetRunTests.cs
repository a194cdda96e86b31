using System.Text.RegularExpressions;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary>The issue's bar: the sample playbook on 200 lab devices of all three platforms, with a correct recap.</summary>
public sealed partial class FleetRunTests : IAsyncLifetime
{
    private readonly LabFixture lab = new(port => LabSpec.Generate(200, LabPlatforms.All, port, TimeSpan.FromSeconds(1)));

    public Task InitializeAsync() => lab.InitializeAsync();

    public Task DisposeAsync() => lab.DisposeAsync();

    [Fact]
    public async Task Sample_playbook_runs_on_200_devices_with_one_recap_line_each()
    {
        var playbook = Path.Combine(RepositoryPaths.Root(), "playbooks", "sample.yaml");
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", lab.Paths.Inventory,
            "--known-hosts", lab.Paths.KnownHosts, "-o", "json");
        Assert.True(code == 0, stderr);
        var recap = RecapLine().Matches(stderr);
        Assert.Equal(200, recap.Count);
        Assert.All(recap, m => Assert.Equal("ok=4  changed=1  unreachable=0  failed=0  skipped=1", m.Groups["counts"].Value));
        Assert.Equal(lab.Spec.Devices.Select(d => d.Name).Order(), recap.Select(m => m.Groups["device"].Value).Order());
        // Six results per device: the assert loops over two servers.
        using var results = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal(200 * 6, results.RootElement.GetArrayLength());
        foreach (var device in lab.Spec.Devices)
        {
            Assert.Contains("192.0.2.10", lab.Host.StateOf(device.Name).Read(s => s.RunningConfig));
        }
    }

    [GeneratedRegex(@"^(?<device>(ios|eos|junos)-\d+)\s+: (?<counts>ok=\d+\s+changed=\d+\s+unreachable=\d+\s+failed=\d+\s+skipped=\d+)", RegexOptions.Multiline)]
    private static partial Regex RecapLine();
}

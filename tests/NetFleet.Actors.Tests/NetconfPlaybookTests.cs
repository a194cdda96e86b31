using NetFleet.Lab.Devices;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>
/// The sample playbook <c>playbooks/netconf.yaml</c>, validated and run as a job against an inventory holding the lab's
/// Junos devices (NETCONF on the lab's SSH port) and Debian's netconfd as a host of platform <c>netconf</c> in group
/// <c>netconfd</c>: both plays change their devices through NETCONF and read the change back.
/// </summary>
public sealed class NetconfPlaybookTests(NetconfLab lab, NetconfdFixture netconfd)
    : IClassFixture<NetconfLab>, IClassFixture<NetconfdFixture>, IAsyncLifetime
{
    private JobNode node = null!;

    public async Task InitializeAsync()
    {
        lab.EnableNetconf();
        var hosts = Path.Combine(lab.InventoryPath, "hosts.yaml");
        if (!File.ReadAllText(hosts).Contains("netconfd-1:", StringComparison.Ordinal))
        {
            File.AppendAllText(hosts, $$"""
                netconfd-1:
                  hostname: {{NetconfdFixture.Address}}
                  groups: [netconfd]
                  username: {{LabDefaults.Username}}
                  password: "{{LabDefaults.Password}}"
                  netconf: {port: {{netconfd.Port}}}

                """);
            File.AppendAllText(Path.Combine(lab.InventoryPath, "groups.yaml"), "netconfd:\n  platform: netconf\n");
        }

        node = await JobNode.StartAsync();
    }

    public async Task DisposeAsync() => await node.DisposeAsync();

    [Fact]
    public async Task The_sample_playbook_sets_the_uplink_description_on_the_lab_junos_devices_and_on_netconfd()
    {
        var sample = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root(), "playbooks", "netconf.yaml"));
        // A lab of its own for each Junos device, and netconfd's known_hosts beside the lab's.
        var knownHosts = Path.Combine(lab.Scratch, "known_hosts-netconf-playbook");
        await File.WriteAllTextAsync(knownHosts, await File.ReadAllTextAsync(lab.KnownHosts) + await File.ReadAllTextAsync(netconfd.KnownHosts));

        var (job, tasks, _, _) = await node.RunAsync(sample, lab.InventoryPath, knownHosts);

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}; {string.Join("; ", tasks.Select(t => $"{t.Device} {t.Task}: {t.Message}"))}");
        var changes = tasks.Where(t => t.Module == "netconf_config").ToList();
        Assert.Equal(lab.Spec.Devices.Select(d => d.Name).Append("netconfd-1").Order(), changes.Select(t => t.Device).Order());
        Assert.All(changes, c => Assert.Equal("changed", c.Status));
        Assert.All(changes, c => Assert.Contains("<description>uplink-to-core-via-netconf</description>", c.Diff, StringComparison.Ordinal));
        Assert.All(lab.Spec.Devices, d => Assert.Contains("uplink-to-core-via-netconf", lab.Running(d.Name), StringComparison.Ordinal));
    }
}

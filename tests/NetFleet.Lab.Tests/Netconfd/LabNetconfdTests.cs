using System.Xml.Linq;
using NetFleet.Devices;
using NetFleet.Devices.Netconf;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Netconfd;
using NetFleet.Lab.Platforms;
using NetFleet.Netconf;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Netconfd;

/// <summary><c>lab up --netconfd N</c>: Debian's netconfd served beside the devices, reached through the lab's sshd with
/// the lab's key and known_hosts, in the lab's inventory, and gone when the lab stops or after a crash.</summary>
public sealed class LabNetconfdTests
{
    private static readonly XNamespace Interfaces = "urn:ietf:params:xml:ns:yang:ietf-interfaces";

    [Fact]
    public async Task A_lab_serves_netconfd_through_its_sshd_and_stops_it_with_the_lab()
    {
        var root = Directory.CreateTempSubdirectory("netfleet-lab-netconfd-");
        var spec = LabSpec.Generate(1, [LabPlatforms.Find("junos")!], Loopback.FreePort(), TimeSpan.FromSeconds(1)) with { NetconfServers = 2 };
        var host = new LabHost(LabPaths.At(root.FullName), spec);
        int? pid;
        try
        {
            await host.StartAsync();
            Assert.Equal(["netconfd1", "netconfd2"], host.Status().NetconfServers.Where(s => s.Running).Select(s => s.Name));
            pid = host.NetconfServers!.Servers[1].Server.ProcessId;

            LabInventoryWriter.Write(spec, host.Paths, host.Paths.Inventory);
            var inventory = NetFleet.Core.Inventory.InventoryLoader.Load(host.Paths.Inventory).Inventory!;
            var entry = inventory.Hosts.Single(h => h.Name == "netconfd2");
            Assert.True(entry.NetconfOnly);
            Assert.Equal(spec.Port, entry.Netconf!.Port);

            var options = new DeviceConnectionOptions(entry.Hostname, "netconf", new SshCredentials(LabDefaults.Username)
            {
                PrivateKeyPath = host.Paths.ClientKey,
            })
            { Name = entry.Name, KnownHostsPath = host.Paths.KnownHosts };
            await using (var session = new NetconfSession(options, spec.Port))
            {
                await session.OpenAsync();
                Assert.True(session.Supports(NetconfCapabilities.Candidate));
                var change = new XElement(Interfaces + "interfaces", new XElement(Interfaces + "interface",
                    new XElement(Interfaces + "name", "lab0"),
                    new XElement(Interfaces + "type", new XAttribute(XNamespace.Xmlns + "ianaift", "urn:ietf:params:xml:ns:yang:iana-if-type"),
                        "ianaift:ethernetCsmacd")));
                await session.EditConfigAsync(NetconfDatastore.Candidate, change);
                await session.CommitAsync();
                var running = await session.GetConfigAsync(NetconfDatastore.Running, new NetconfFilter.Subtree(new XElement(Interfaces + "interfaces")));
                Assert.Contains("lab0", running.Descendants(Interfaces + "name").Select(n => n.Value));
            }

            // The other server is another netconfd: it never saw the change.
            await using var other = new NetconfSession(options with { Host = NetconfdLab.AddressPrefix + "1", Name = "netconfd1" }, spec.Port);
            await other.OpenAsync();
            Assert.Empty((await other.GetConfigAsync(NetconfDatastore.Running)).Descendants(Interfaces + "interface"));
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.False(Directory.Exists($"/proc/{pid}") && File.ReadAllText($"/proc/{pid}/cmdline").StartsWith(NetconfdServer.ServerProgram, StringComparison.Ordinal));
        root.Delete(recursive: true);
    }

    [Fact]
    public async Task Netconfd_servers_left_by_a_lab_daemon_that_died_are_stopped_by_the_next_clean()
    {
        var root = Directory.CreateTempSubdirectory("netfleet-lab-netconfd-crash-");
        var paths = LabPaths.At(root.FullName);
        // Started and never stopped: what a lab daemon killed with SIGKILL leaves behind.
        var orphan = new NetconfdLab(paths, 1, Loopback.FreePort(), Serilog.Core.Logger.None);
        await orphan.StartAsync(CancellationToken.None);
        var pid = orphan.Servers[0].Server.ProcessId!.Value;

        await NetconfdLab.CleanAsync(paths);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (IsNetconfd(pid) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(IsNetconfd(pid), $"netconfd {pid} still runs after the clean");
        Assert.False(Directory.Exists(orphan.Servers[0].Server.RuntimeFolder));
        await orphan.StopAsync();
        root.Delete(recursive: true);
    }

    // A stopped child stays a zombie until reaped: its cmdline is empty then.
    private static bool IsNetconfd(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").StartsWith(NetconfdServer.ServerProgram, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}

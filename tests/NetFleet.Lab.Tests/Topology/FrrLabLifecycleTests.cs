using System.Diagnostics;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Topology;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Topology;

/// <summary>What a lab makes for its routers (namespaces, veths, daemons) is gone after it stops, or after it crashed and started again.</summary>
public sealed class FrrLabLifecycleTests
{
    [Fact]
    public async Task Stopping_the_lab_leaves_no_namespace_veth_or_daemon()
    {
        var (paths, topology) = Scratch();
        var host = new LabHost(paths, new LabSpec(Loopback.FreePort(), TimeSpan.FromMinutes(1), []), topology: topology);
        try
        {
            await host.StartAsync();
            var daemons = DaemonPids(paths, topology);
            Assert.Equal(9, daemons.Count);
            Assert.All(daemons, pid => Assert.True(Alive(pid)));
            Assert.Equal(3, (await OurNamespacesAsync(paths)).Count);
            Assert.Contains("eth2@", await RunAsync("ip", "-n", RouterRuntime.For(paths, "r2").Namespace, "-o", "link", "show", "type", "veth"));

            await host.StopAsync();

            Assert.Empty(await OurNamespacesAsync(paths));
            Assert.DoesNotContain(daemons, Alive);
            Assert.False(Directory.Exists(RouterRuntime.RoutersFolder(paths)));
            Assert.False(File.Exists(FrrLab.RecordFile(paths)));
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(paths.Root, recursive: true);
        }
    }

    [Fact]
    public async Task A_crashed_labs_routers_are_removed_by_the_next_start()
    {
        var (paths, topology) = Scratch();
        var host = new LabHost(paths, new LabSpec(Loopback.FreePort(), TimeSpan.FromMinutes(1), []), topology: topology);
        try
        {
            // What a lab daemon killed with SIGKILL leaves behind: FRR daemonises, so its routers run on.
            await new FrrLab(paths, topology).StartAsync();
            var orphans = DaemonPids(paths, topology);
            Assert.All(orphans, pid => Assert.True(Alive(pid)));

            await host.StartAsync();

            Assert.DoesNotContain(orphans, Alive);
            Assert.Equal(3, (await OurNamespacesAsync(paths)).Count);
            await FrrConvergence.WaitAsync(host.Routers!, TimeSpan.FromSeconds(60));
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(paths.Root, recursive: true);
        }

        Assert.Empty(await OurNamespacesAsync(paths));
    }

    private static (LabPaths, LabTopology) Scratch() =>
        (LabPaths.At(Directory.CreateTempSubdirectory("netfleet-frrlab-life-").FullName), TopologyLoader.Load(FrrLabFixture.Sample("line3.yaml")));

    private static List<int> DaemonPids(LabPaths paths, LabTopology topology) =>
        topology.Routers.SelectMany(r => r.Daemons.Select(d => RouterRuntime.For(paths, r.Name).PidFile(d)))
            .Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static bool Alive(int pid) => File.Exists($"/proc/{pid}/status")
        && !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ", StringComparison.Ordinal);

    private static async Task<List<string>> OurNamespacesAsync(LabPaths paths) =>
        (await RunAsync("ip", "netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith(RouterRuntime.NamespacePrefix(paths), StringComparison.Ordinal)).ToList();

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}

using System.Globalization;
using System.Text.Json;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Topology;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary><c>lab up --topology</c> as a user runs it: a background daemon growing FRR routers, killed outright, started again, stopped.</summary>
public sealed class LabTopologyCommandsTests
{
    [Fact]
    public async Task A_sigkilled_topology_lab_is_cleaned_by_the_next_up_and_down_leaves_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("netfleet-cli-topology-");
        var paths = LabPaths.At(dir.FullName);
        var topology = FrrLabFixture.Sample("line3.yaml");
        var port = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        string[] up = ["lab", "up", "--topology", topology, "--wait", "--port", port, "--dir", dir.FullName];
        try
        {
            var first = await NetfleetProcess.RunAsync(up);
            Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
            Assert.Contains("3 FRR routers", first.Stdout);
            Assert.Contains("converged", first.Stdout);

            var status = JsonSerializer.Deserialize<LabStatus>((await NetfleetProcess.RunAsync("lab", "status", "--json", "--dir", dir.FullName)).Stdout)!;
            Assert.Equal(0, status.Devices);
            Assert.Equal(["r1", "r2", "r3"], status.Routers.Select(r => r.Name));
            Assert.All(status.Routers, r => Assert.Equal(r.Daemons, r.Running));
            var orphans = DaemonPids(paths);
            Assert.Equal(9, orphans.Count);

            // SIGKILL: no chance to stop sshd or the routers, which run on.
            Assert.Equal(0, Kill(int.Parse(File.ReadAllText(paths.DaemonPid), CultureInfo.InvariantCulture), 9));

            var second = await NetfleetProcess.RunAsync(up);
            Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
            Assert.DoesNotContain(orphans, Running);

            var down = await NetfleetProcess.RunAsync("lab", "down", "--dir", dir.FullName);
            Assert.Equal(0, down.ExitCode);
            Assert.Empty(DaemonPids(paths));
            Assert.DoesNotContain(Directory.GetFiles("/run/netns"), f => Path.GetFileName(f).StartsWith(RouterRuntime.NamespacePrefix(paths), StringComparison.Ordinal));
        }
        finally
        {
            await NetfleetProcess.RunAsync("lab", "down", "--dir", dir.FullName);
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Lab_up_with_a_bad_topology_names_the_place()
    {
        var dir = Directory.CreateTempSubdirectory("netfleet-cli-topology-");
        try
        {
            var file = Path.Combine(dir.FullName, "bad.yaml");
            File.WriteAllText(file, "routers:\n  r1:\n    daemons: [zebra, bgp]\n");

            var result = await NetfleetProcess.RunAsync("lab", "up", "--topology", file, "--dir", Path.Combine(dir.FullName, "lab"));

            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"{file}:3:22: unknown daemon 'bgp'", result.Stderr);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>FRR daemons whose command line names this lab's router folders, wherever their pid files went.</summary>
    private static List<int> DaemonPids(LabPaths paths) =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : 0).Where(pid => pid > 0)
            .Where(pid =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{pid}/cmdline").Contains(RouterRuntime.RoutersFolder(paths), StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            }).ToList();

    /// <summary>A stopped daemon may linger as a zombie until init reaps it; it no longer runs.</summary>
    private static bool Running(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}

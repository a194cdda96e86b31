using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetFleet.Testing;
using Xunit.Abstractions;

namespace NetFleet.Cli.Tests.Reliability;

/// <summary>
/// A device that accepts the TCP connection and never sends its SSH banner: `netfleet run` must wait for it on the
/// socket, not by polling. The figure checked is the CPU time the netfleet process spends while it waits.
/// </summary>
public sealed class SilentDeviceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TcpListener device = new(IPAddress.Loopback, 0);
    private readonly List<Socket> accepted = [];
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("netfleet-silent-");

    public Task InitializeAsync()
    {
        device.Start();
        var port = ((IPEndPoint)device.LocalEndpoint).Port;
        var inventory = Directory.CreateDirectory(Path.Combine(dir.FullName, "inventory")).FullName;
        File.WriteAllText(Path.Combine(inventory, "hosts.yaml"), "silent-1:\n  hostname: 127.0.0.1\n  platform: cisco_ios\n");
        File.WriteAllText(Path.Combine(inventory, "defaults.yaml"), $"port: {port}\nusername: nobody\npassword: unused\n");
        File.WriteAllText(Path.Combine(dir.FullName, "show.yaml"), "- name: Show\n  hosts: all\n  tasks:\n    - command: show version\n");
        File.WriteAllText(Path.Combine(dir.FullName, "known_hosts"), "");
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var socket in accepted) socket.Dispose();
        device.Stop();
        dir.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Waiting_on_a_device_that_never_answers_costs_almost_no_CPU()
    {
        var start = NetfleetCommand.StartInfo(["run", "show.yaml", "-i", "inventory", "--known-hosts", "known_hosts",
            "--store", "sqlite:" + Path.Combine(dir.FullName, "jobs.db")], dir.FullName);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var connected = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            accepted.Add(await device.AcceptSocketAsync(connected.Token));
            // Past the connect itself and the JIT's background work after start-up (longer on a loaded machine), and
            // still within the first attempt's 10 s connect timeout.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var before = ProcessCpu(process);
            var window = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(5));
            var spent = ProcessCpu(process) - before;
            window.Stop();
            Assert.False(process.HasExited, "netfleet gave up on the silent device before the measurement ended:\n" + await stderr);
            // Polling the journal every 100 ms cost 250-500 ms of CPU per second here; waiting on a socket costs
            // 10-40 ms/s. The budget (15 % of one core) leaves room for a loaded 2-core machine.
            var budget = window.Elapsed * 0.15;
            output.WriteLine($"{spent.TotalMilliseconds:0} ms of CPU in {window.Elapsed.TotalSeconds:0.0} s of waiting");
            Assert.True(spent < budget, $"netfleet used {spent.TotalMilliseconds:0} ms of CPU in {window.Elapsed.TotalSeconds:0.0} s "
                + $"while waiting on a device that never answers (budget {budget.TotalMilliseconds:0} ms)");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await Task.WhenAll(stdout, stderr);
        }
    }

    /// <summary>User and system time of the process (all its threads, also those that ended), from /proc.</summary>
    private static TimeSpan ProcessCpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }
}

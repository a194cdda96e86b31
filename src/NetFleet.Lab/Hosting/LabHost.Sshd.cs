using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NetFleet.Lab.Hosting;

/// <summary>The lab's sshd instances: keys, secrets and known_hosts, the relay's runtime folder, starting and stopping.</summary>
public sealed partial class LabHost
{
    private List<(string Config, string Address)> sshdInstances = [];

    private async Task EnsureKeysAsync(CancellationToken cancellationToken)
    {
        var keygen = ProcessRunner.Which("ssh-keygen") ?? throw new LabException("ssh-keygen is missing: apt-get install -y openssh-client");
        if (!File.Exists(paths.HostKey))
        {
            await ProcessRunner.RunCheckedAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "netfleet-lab-host", "-f", paths.HostKey],
                cancellationToken: cancellationToken);
        }

        if (!File.Exists(paths.ClientKey))
        {
            await ProcessRunner.RunCheckedAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "netfleet-lab-client", "-f", paths.ClientKey],
                cancellationToken: cancellationToken);
        }

        await File.WriteAllTextAsync(paths.AuthorizedKeys, await File.ReadAllTextAsync(paths.ClientKey + ".pub", cancellationToken), cancellationToken);
    }

    private async Task WriteKnownHostsAsync(CancellationToken cancellationToken)
    {
        var hostKey = (await File.ReadAllTextAsync(paths.HostKey + ".pub", cancellationToken)).Split(' ');
        var addresses = spec.Devices.Select(d => d.Address).Concat(routers?.Topology.Routers.Select(r => r.Management) ?? [])
            .Concat(netconfServers?.Servers.Select(s => s.Address) ?? []);
        var lines = addresses.Select(a => $"[{a}]:{spec.Port} {hostKey[0]} {hostKey[1]}");
        await File.WriteAllLinesAsync(paths.KnownHosts, lines, cancellationToken);
    }

    private static async Task WriteSecretFileAsync(string path, string secret, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path, secret + "\n", cancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// The login account runs the relay and connects to the daemon's socket, so both live in a
    /// runtime folder it can reach (/run/netfleet-lab/…), wherever the repository and the lab folder
    /// are (a checkout under /root is not reachable by other accounts). Returns the relay's path.
    /// </summary>
    private string PrepareRuntime()
    {
        const UnixFileMode Reachable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(LabPaths.RuntimeBase);
        File.SetUnixFileMode(LabPaths.RuntimeBase, Reachable);
        Directory.CreateDirectory(paths.Runtime);
        File.SetUnixFileMode(paths.Runtime, Reachable);
        var relay = Path.Combine(paths.Runtime, LabShell.FileName);
        File.Copy(LabShell.Locate(), relay + ".new", overwrite: true);
        File.SetUnixFileMode(relay + ".new", Reachable & ~(UnixFileMode.UserWrite));
        File.Move(relay + ".new", relay, overwrite: true);
        return relay;
    }

    /// <summary>
    /// A lab daemon killed outright (SIGKILL, OOM) leaves its sshd instances listening on the
    /// addresses this start needs; they are recognised by their pid files and their configuration
    /// path in this lab's run folder, and stopped.
    /// </summary>
    private async Task StopStaleSshdsAsync(CancellationToken cancellationToken)
    {
        var stale = new List<int>();
        foreach (var pidFile in Directory.GetFiles(paths.Run, "sshd-*.pid"))
        {
            try
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var pid)
                    && File.ReadAllText($"/proc/{pid}/cmdline").Contains(paths.Run, StringComparison.Ordinal))
                {
                    _ = Kill(pid, 15);
                    stale.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process is gone already.
            }
        }

        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        while (stale.Any(pid => Directory.Exists($"/proc/{pid}")) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private void RequirePortFree()
    {
        var names = spec.Devices.Select(d => (d.Address, d.Name))
            .Concat(routers?.Topology.Routers.Select(r => (Address: r.Management, r.Name)) ?? [])
            .Concat(netconfServers?.Servers.Select(s => (s.Address, s.Name)) ?? []);
        foreach (var (address, name) in names)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Parse(address), spec.Port));
            }
            catch (SocketException)
            {
                throw new LabException($"{address}:{spec.Port} ({name}) is already in use; is another lab up? "
                    + "Stop it with `netfleet lab down` or pick another --port");
            }
        }
    }

    /// <summary>Each sshd instance's configuration and an address it listens on: devices' instances first, then routers',
    /// then one per netconfd server.</summary>
    private List<(string Config, string Address)> SshdInstances(string shell)
    {
        var devices = SshdConfig.Partition(spec.Devices);
        var instances = devices.Select((group, i) => (SshdConfig.Render(paths, spec.Port, group, i, shell, netconfSubsystem), group[^1].Address)).ToList();
        foreach (var group in routers is null ? [] : Topology.RouterSshdConfig.Partition(routers.Topology.Routers))
        {
            instances.Add((Topology.RouterSshdConfig.Render(paths, spec.Port, group, instances.Count), group[^1].Management));
        }

        foreach (var server in netconfServers?.Servers ?? [])
        {
            instances.Add((netconfServers!.SshdConfig(server, instances.Count), server.Address));
        }

        return instances;
    }

    /// <summary>
    /// Starts the instances a few at a time: each start waits for the child's exec, and on a busy machine for the
    /// scheduler too; one after another, 313 of them (5,000 devices) took 13 s at a load of 18 on 2 cores.
    /// </summary>
    private void StartSshds(string sshd, string shell)
    {
        sshdInstances = SshdInstances(shell);
        // sshd refuses to start without its privilege separation folder.
        Directory.CreateDirectory("/run/sshd");
        var started = new Process[sshdInstances.Count];
        try
        {
            Parallel.For(0, sshdInstances.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                File.WriteAllText(paths.SshdConfig(i), sshdInstances[i].Config);
                var start = new ProcessStartInfo(sshd) { UseShellExecute = false };
                foreach (var arg in new[] { "-D", "-f", paths.SshdConfig(i), "-E", paths.SshdLog(i) })
                {
                    start.ArgumentList.Add(arg);
                }

                started[i] = Process.Start(start) ?? throw new LabException("could not start sshd");
            });
        }
        catch (AggregateException e)
        {
            // Those that started are stopped with the lab; the first failure says why the rest did not.
            sshds.AddRange(started.Where(p => p is not null));
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        sshds.AddRange(started);
    }

    /// <summary>
    /// Waits until every sshd instance listens. sshd writes its PidFile once its listen sockets are bound, so the
    /// pid files say so without a probe connection, which would cost each instance a fork and re-exec of sshd
    /// (hundreds of them at 5,000 devices). The deadline grows with the instances, which start on shared cores.
    /// </summary>
    private async Task WaitForSshdsAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20 + (sshdInstances.Count / 10.0));
        var waiting = Enumerable.Range(0, sshdInstances.Count).ToList();
        while (true)
        {
            foreach (var i in waiting.Where(i => sshds[i].HasExited))
            {
                var reason = File.Exists(paths.SshdLog(i)) ? await File.ReadAllTextAsync(paths.SshdLog(i), cancellationToken) : "";
                throw new LabException($"sshd instance {i} exited with code {sshds[i].ExitCode}: {reason.Trim()}");
            }

            waiting.RemoveAll(i => ListensAlready(i));
            if (waiting.Count == 0)
            {
                return;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                var first = waiting[0];
                throw new LabException($"{waiting.Count} of {sshdInstances.Count} sshd instances did not start listening in time, "
                    + $"instance {first} on {sshdInstances[first].Address}:{spec.Port} among them (no pid in {paths.SshdPid(first)})");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private bool ListensAlready(int instance)
    {
        try
        {
            return int.TryParse(File.ReadAllText(paths.SshdPid(instance)).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var pid)
                && pid == sshds[instance].Id;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void StopProcess(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                _ = Kill(process.Id, 15);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

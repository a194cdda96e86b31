using System.Diagnostics;
using System.Net.Sockets;

namespace NetFleet.Testing;

/// <summary>
/// Debian's sshd on one loopback address and port for a test's peer (FRR's vtysh, netconfd's subsystem): its own host
/// key, a client key in authorized_keys, a known_hosts naming the host key, all in the given folder. What the peer
/// needs (users, ForceCommand, Subsystem) comes as <c>accessLines</c>. Stopped in <see cref="DisposeAsync"/>.
/// </summary>
public sealed class PrivateSshd : IAsyncDisposable
{
    private readonly Process process;

    private PrivateSshd(Process process, string dir, string address, int port)
    {
        this.process = process;
        Dir = dir;
        Address = address;
        Port = port;
    }

    public string Dir { get; }
    public string Address { get; }
    public int Port { get; }
    public string HostKey => Path.Combine(Dir, "host_key");
    public string ClientKey => Path.Combine(Dir, "client_key");
    public string KnownHosts => Path.Combine(Dir, "known_hosts");

    public static async Task<PrivateSshd> StartAsync(string dir, string address, int port, string accessLines)
    {
        Directory.CreateDirectory(dir);
        var hostKey = Path.Combine(dir, "host_key");
        var clientKey = Path.Combine(dir, "client_key");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey);
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey);
        await File.WriteAllTextAsync(Path.Combine(dir, "authorized_keys"), await File.ReadAllTextAsync(clientKey + ".pub"));
        await File.WriteAllTextAsync(Path.Combine(dir, "known_hosts"), $"[{address}]:{port} {await File.ReadAllTextAsync(hostKey + ".pub")}");
        var config = Path.Combine(dir, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            ListenAddress {address}:{port}
            HostKey {hostKey}
            PidFile {dir}/sshd.pid
            AuthorizedKeysFile {dir}/authorized_keys
            StrictModes no
            UsePAM no
            KbdInteractiveAuthentication no
            {accessLines}
            """);
        Directory.CreateDirectory("/run/sshd");
        var log = Path.Combine(dir, "sshd.log");
        var sshd = Process.Start(new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-f", config, "-E", log]))!;
        var server = new PrivateSshd(sshd, dir, address, port);
        for (var i = 0; i < 200; i++)
        {
            if (sshd.HasExited)
            {
                throw new InvalidOperationException($"the private sshd exited with code {sshd.ExitCode}: {(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(address, port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(25);
            }
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"the private sshd did not listen on {address}:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var run = Process.Start(start)!;
        var output = run.StandardOutput.ReadToEndAsync();
        var errors = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited {run.ExitCode}: {await output}{await errors}");
        }
    }
}

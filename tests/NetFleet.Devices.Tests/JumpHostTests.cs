using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetFleet.Devices;
using NetFleet.Lab.Devices;

namespace NetFleet.Devices.Tests;

/// <summary>A device reached through a bastion: Debian's sshd with forwarding on and only
/// keyboard-interactive logins (PAM), so the jump and that authentication method are both exercised.</summary>
[Collection(DeviceLabCollection.Name)]
public sealed class JumpHostTests(DeviceLab lab) : IAsyncLifetime
{
    private const string BastionAddress = "127.0.6.1";
    private readonly string scratch = Directory.CreateTempSubdirectory("netfleet-bastion-").FullName;
    private Process? sshd;
    private int port;

    public async Task InitializeAsync()
    {
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Parse(BastionAddress), 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        Directory.CreateDirectory("/run/sshd");
        var config = Path.Combine(scratch, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            ListenAddress {BastionAddress}:{port}
            HostKey {lab.Paths.HostKey}
            PidFile {Path.Combine(scratch, "sshd.pid")}
            StrictModes no
            UsePAM yes
            KbdInteractiveAuthentication yes
            PasswordAuthentication no
            PubkeyAuthentication no
            AllowUsers {LabDefaults.Username}
            AllowTcpForwarding yes
            LogLevel ERROR
            """);
        sshd = Process.Start(new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-e", "-f", config]) { RedirectStandardError = true })!;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(BastionAddress, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("the bastion sshd did not start: " + await sshd.StandardError.ReadToEndAsync());
    }

    public async Task DisposeAsync()
    {
        if (sshd is not null)
        {
            sshd.Kill();
            await sshd.WaitForExitAsync();
            sshd.Dispose();
        }

        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public async Task Device_behind_a_jump_host_is_driven_through_a_forwarded_port()
    {
        var knownHosts = Path.Combine(scratch, "known_hosts");
        File.Copy(lab.Paths.KnownHosts, knownHosts);
        var options = lab.Options("ios-1") with
        {
            KnownHostsPath = knownHosts,
            TrustNewHostKeys = true,
            JumpHost = new JumpHostOptions(BastionAddress, new SshCredentials(LabDefaults.Username) { Password = LabDefaults.Password })
            {
                Port = port,
            },
        };

        await using var driver = await DeviceLab.OpenAsync(options);
        var version = await driver.RunCommandAsync("show version");

        Assert.Contains("Cisco IOS", version.Output);
        Assert.Contains($"[{BastionAddress}]:{port} ", await File.ReadAllTextAsync(knownHosts));
    }
}

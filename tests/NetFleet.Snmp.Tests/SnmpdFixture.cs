using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NetFleet.Snmp.Tests;

/// <summary>Debian's snmpd with a configuration of its own on a free loopback port; stopped after the tests.</summary>
public sealed class SnmpdFixture : IAsyncLifetime
{
    public const string ShaUser = "shaUser";
    public const string ShaPassword = "shaPassw0rd";
    public const string PrivUser = "privUser";
    public const string AuthPassword = "authPassw0rd";
    public const string PrivPassword = "privPassw0rd";
    private Process? snmpd;
    private DirectoryInfo? folder;

    public int Port { get; private set; }
    public IPEndPoint Endpoint => new(IPAddress.Loopback, Port);

    public async Task InitializeAsync()
    {
        folder = Directory.CreateTempSubdirectory("netfleet-snmpd-");
        Port = NetSnmp.FreeUdpPort();
        var config = Path.Combine(folder.FullName, "snmpd.conf");
        await File.WriteAllTextAsync(config, $"""
            agentAddress udp:127.0.0.1:{Port}
            rocommunity public 127.0.0.1
            rwcommunity private 127.0.0.1
            createUser {ShaUser} SHA "{ShaPassword}"
            createUser {PrivUser} SHA-256 "{AuthPassword}" AES "{PrivPassword}"
            rouser {ShaUser} auth
            rwuser {PrivUser} priv
            sysLocation NetFleet test rack

            """);
        var start = new ProcessStartInfo("/usr/sbin/snmpd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-f", "-C", "-c", config, "-Lf", Path.Combine(folder.FullName, "snmpd.log"), "-p", Path.Combine(folder.FullName, "pid") })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SNMP_PERSISTENT_DIR"] = Path.Combine(folder.FullName, "persist");
        start.Environment["MIBS"] = "";
        snmpd = Process.Start(start)!;
        _ = snmpd.StandardOutput.ReadToEndAsync();
        _ = snmpd.StandardError.ReadToEndAsync();
        await WaitUntilAnsweringAsync();
    }

    private async Task WaitUntilAnsweringAsync()
    {
        await using var manager = new SnmpManager();
        var target = new SnmpTarget(Endpoint) { Timeout = TimeSpan.FromMilliseconds(200), Retries = 0 };
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await manager.GetAsync(target, [Oid.Parse("1.3.6.1.2.1.1.1.0")]);
                return;
            }
            catch (SnmpTimeoutException) when (DateTime.UtcNow < deadline && !snmpd!.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (snmpd is { HasExited: false })
        {
            snmpd.Kill();
            await snmpd.WaitForExitAsync();
        }

        snmpd?.Dispose();
        folder?.Delete(recursive: true);
    }
}

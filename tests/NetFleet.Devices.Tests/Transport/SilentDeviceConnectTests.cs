using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetFleet.Devices.Transport;

namespace NetFleet.Devices.Tests.Transport;

/// <summary>A device that takes the TCP connection and never sends its SSH banner (a hung sshd, a black-holing box).</summary>
public sealed class SilentDeviceConnectTests : IDisposable
{
    private readonly TcpListener device = new(IPAddress.Loopback, 0);

    public SilentDeviceConnectTests() => device.Start();

    public void Dispose() => device.Stop();

    [Fact]
    public async Task Silent_device_fails_at_the_connect_timeout_with_a_message_naming_it()
    {
        var port = ((IPEndPoint)device.LocalEndpoint).Port;
        var options = new DeviceConnectionOptions("127.0.0.1", "cisco_ios", new SshCredentials("nobody") { Password = "unused" })
        {
            Name = "silent-1",
            Port = port,
            ConnectTimeout = TimeSpan.FromSeconds(1),
            KnownHostsPath = Path.Combine(Path.GetTempPath(), "netfleet-silent-known-hosts-unused"),
        };
        var waited = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<DeviceUnreachableException>(() => SshTransport.ConnectAsync(options, CancellationToken.None));
        waited.Stop();
        using var accepted = await device.AcceptSocketAsync();
        Assert.StartsWith($"silent-1: no SSH session with 127.0.0.1:{port} within the connect timeout of 1 s", error.Message);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"gave up after {waited.Elapsed.TotalSeconds:0.0} s, not at the 1 s timeout");
    }
}

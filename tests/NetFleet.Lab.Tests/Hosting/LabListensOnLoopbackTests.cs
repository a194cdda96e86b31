using System.Globalization;
using System.Net;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Hosting;

/// <summary>The lab accepts a fixed password, so nothing of it may be reachable from outside the machine: every socket
/// on its SSH and SNMP ports is bound to a loopback address.</summary>
public sealed class LabListensOnLoopbackTests : IAsyncLifetime
{
    private readonly LabFixture lab = new();

    public Task InitializeAsync() => lab.InitializeAsync();

    public Task DisposeAsync() => lab.DisposeAsync();

    [Fact]
    public void Every_ssh_and_snmp_socket_of_the_lab_is_bound_to_loopback()
    {
        // TCP sockets in state LISTEN (0A) on the SSH port; any UDP socket on the SNMP port.
        var ssh = Sockets("/proc/net/tcp", "/proc/net/tcp6").Where(s => s.Port == lab.Spec.Port && s.State == "0A").ToList();
        var snmp = Sockets("/proc/net/udp", "/proc/net/udp6").Where(s => s.Port == lab.Spec.SnmpPort).ToList();

        Assert.NotEmpty(ssh);
        Assert.All(ssh.Concat(snmp), s => Assert.True(IPAddress.IsLoopback(s.Address) || s.Address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(s.Address.MapToIPv4()),
            $"{s.Address}:{s.Port} is not a loopback address"));
        // One listener per device address, not a wildcard that happens to be filtered.
        Assert.Equal(lab.Spec.Devices.Select(d => d.Address).Order(), ssh.Select(s => s.Address.ToString()).Distinct().Order());
    }

    private sealed record Socket(IPAddress Address, int Port, string State);

    /// <summary>The local address, port and state of every socket in the kernel's tables (hex, address bytes in host
    /// order per 32-bit word).</summary>
    private static IEnumerable<Socket> Sockets(params string[] tables)
    {
        foreach (var table in tables.Where(File.Exists))
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var (address, port) = (fields[1][..fields[1].IndexOf(':')], fields[1][(fields[1].IndexOf(':') + 1)..]);
                var bytes = Convert.FromHexString(address);
                for (var word = 0; word < bytes.Length; word += 4) Array.Reverse(bytes, word, 4);
                yield return new Socket(new IPAddress(bytes), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields[3]);
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Hosting;

/// <summary>A lab of a few hundred devices comes up whole: every one of its sshd instances answers SSH on its devices.</summary>
public sealed class LabOfHundredsTests : IAsyncLifetime
{
    private const int Devices = 300;
    private readonly LabFixture lab = new(port => LabSpec.Generate(Devices, LabPlatforms.All, port));

    public Task InitializeAsync() => lab.InitializeAsync();

    public Task DisposeAsync() => lab.DisposeAsync();

    [Fact]
    public async Task Every_sshd_instance_answers_with_an_ssh_banner()
    {
        var status = lab.Host.Status();
        Assert.Equal(Devices, status.Devices);
        Assert.Equal((Devices + SshdConfig.DevicesPerInstance - 1) / SshdConfig.DevicesPerInstance, status.SshdInstances);

        // The last device of each instance: the one an instance binds last.
        var probed = lab.Spec.Devices.Chunk(SshdConfig.DevicesPerInstance).Select(group => group[^1]).ToList();
        foreach (var device in probed)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(device.Address), lab.Spec.Port));
            var banner = new byte[8];
            var read = await client.ReceiveAsync(banner, SocketFlags.None);
            Assert.StartsWith("SSH-2.0", Encoding.ASCII.GetString(banner, 0, read), StringComparison.Ordinal);
        }
    }
}

using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using NetFleet.Actors.Devices;
using NetFleet.Capture;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Tests;

/// <summary>
/// The probe module's work as a device actor does it: from this node, beside (never through) the device's session, with
/// the result piped back. Real peers on 127.0.0.1: a TCP listener the test opens, and a port nothing listens on.
/// </summary>
public sealed class DeviceProbeTests : TestKit
{
    private static readonly DeviceConnectionOptions Unused =
        new("127.0.0.1", "cisco_ios", new SshCredentials("nobody")) { Name = "probe-host", Port = 1 };

    private long requestId;

    private object Probe(string target, string protocol = ProbeModule.Tcp, int count = 4, string? netns = null)
    {
        var device = Sys.ActorOf(DeviceActor.Props("probe-host", DeviceActorSettings.Default, Serilog.Core.Logger.None));
        var parsed = ProbeTarget.Parse(target, protocol, out var error) ?? throw new ArgumentException(error);
        var probes = new ProbeTargets([parsed], protocol, count, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(3), false) { Namespace = netns };
        device.Tell(new RunDeviceRequest("probe-host", ++requestId, "job-1", Unused, probes, false, null, TimeSpan.FromMinutes(1)));
        return ExpectMsg<object>(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Tcp_probes_to_a_listener_are_all_answered_with_latencies()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var accepted = 0;
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref accepted);
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var done = Assert.IsType<DeviceRequestCompleted>(Probe($"127.0.0.1:{port}"));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);

        var data = done.Data!;
        Assert.Equal((4, 4, 0.0), ((int)data["sent"]!, (int)data["received"]!, (double)data["loss_percent"]!));
        Assert.Equal(4, accepted);
        Assert.True((double)data["rtt_min_ms"]! <= (double)data["rtt_avg_ms"]! && (double)data["rtt_avg_ms"]! <= (double)data["rtt_max_ms"]!);
        var target = Assert.IsType<Dictionary<string, object?>>(Assert.Single((List<object?>)data["targets"]!));
        Assert.Equal(($"127.0.0.1:{port}", "127.0.0.1", (string?)null), ((string)target["target"]!, (string)target["address"]!, (string?)target["reason"]));
        Assert.StartsWith($"tcp 127.0.0.1:{port}: 4 sent, 4 received, 0% loss, rtt min/avg/max ", done.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Tcp_probes_to_a_closed_port_lose_everything_and_say_it_was_refused()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var done = Assert.IsType<DeviceRequestCompleted>(Probe($"127.0.0.1:{port}", count: 3));

        var data = done.Data!;
        Assert.Equal((3, 0, 100.0), ((int)data["sent"]!, (int)data["received"]!, (double)data["loss_percent"]!));
        Assert.Null(data["rtt_avg_ms"]);
        var target = (Dictionary<string, object?>)Assert.Single((List<object?>)data["targets"]!)!;
        Assert.StartsWith("3 refused (Connection refused", (string)target["reason"]!, StringComparison.Ordinal);
        Assert.Contains("100% loss (3 refused", done.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Icmp_echo_to_loopback_is_answered_when_raw_sockets_are_permitted()
    {
        // As root (how these tests run) the raw socket opens; without the permission the request fails saying so.
        var reply = Probe("127.0.0.1", ProbeModule.Icmp, count: 2);
        if (reply is DeviceRequestFailed failed)
        {
            Assert.Equal(FailureKind.Rejected, failed.Kind);
            Assert.StartsWith("ICMP echo not permitted: it needs a raw socket", failed.Message, StringComparison.Ordinal);
            return;
        }

        var data = Assert.IsType<DeviceRequestCompleted>(reply).Data!;
        Assert.Equal((2, 2), ((int)data["sent"]!, (int)data["received"]!));
    }

    [Fact]
    public async Task Probes_with_a_namespace_are_sent_from_inside_it()
    {
        await using var router = await ScratchNamespace.CreateAsync();
        // A listener on the namespace's own loopback: only a probe sent from inside the namespace can reach it.
        using var listener = await NetworkNamespace.RunAsync(router.Name, () =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen();
            return socket;
        });
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        var done = Assert.IsType<DeviceRequestCompleted>(Probe($"127.0.0.1:{port}", count: 3, netns: router.Name));

        Assert.Equal((3, 3), ((int)done.Data!["sent"]!, (int)done.Data["received"]!));
        for (var i = 0; i < 3; i++)
        {
            using var accepted = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public void A_probe_from_a_namespace_that_does_not_exist_fails_the_request_naming_it()
    {
        var failed = Assert.IsType<DeviceRequestFailed>(Probe("127.0.0.1:9", netns: "nf-no-such-router"));

        Assert.Equal(FailureKind.Rejected, failed.Kind);
        Assert.StartsWith("network namespace 'nf-no-such-router' does not exist", failed.Message, StringComparison.Ordinal);
    }
}

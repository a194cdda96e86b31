using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetFleet.Capture.Probes;

namespace NetFleet.Capture.Tests;

/// <summary>Probes against peers on 127.0.0.1 that the test starts: listeners, an echo, closed ports.</summary>
public sealed class ProbeTests : IAsyncLifetime
{
    private readonly Traffic _traffic = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _traffic.DisposeAsync();

    private static ProbeRequest Request(ProbeKind kind, int port, int count = 5) => new()
    {
        Kind = kind,
        Host = "127.0.0.1",
        Port = port,
        Count = count,
        Interval = TimeSpan.FromMilliseconds(50),
        Timeout = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public async Task Tcp_probe_to_a_listener_has_no_loss_and_reports_latency()
    {
        var result = await Prober.RunAsync(Request(ProbeKind.Tcp, _traffic.Port));

        Assert.Equal((5, 5, 0.0), (result.Sent, result.Received, result.LossPercent));
        Assert.All(result.Attempts, a => Assert.Equal(ProbeOutcome.Ok, a.Outcome));
        var latency = Assert.IsType<LatencyStats>(result.Latency);
        Assert.True(latency.MinMs > 0 && latency.MinMs <= latency.AvgMs && latency.AvgMs <= latency.MaxMs);
        Assert.InRange(latency.P95Ms, latency.MinMs, latency.MaxMs);
        Assert.True(latency.MaxMs < 500);
        Assert.Equal($"127.0.0.1:{_traffic.Port}", result.Target);
    }

    [Fact]
    public async Task Tcp_probe_to_a_closed_port_is_refused_with_full_loss()
    {
        // A refusal comes back at once; the long timeout only keeps a busy machine from turning it into a timeout.
        var result = await Prober.RunAsync(Request(ProbeKind.Tcp, _traffic.ClosedPort, count: 3) with { Timeout = TimeSpan.FromSeconds(5) });

        Assert.Equal((3, 0, 100.0), (result.Sent, result.Received, result.LossPercent));
        Assert.All(result.Attempts, a => Assert.Equal(ProbeOutcome.Refused, a.Outcome));
        Assert.Null(result.Latency);
    }

    [Fact]
    public async Task Udp_probe_expecting_an_echo_gets_every_datagram_back()
    {
        var result = await Prober.RunAsync(Request(ProbeKind.Udp, _traffic.Port) with { ExpectEcho = true });

        Assert.Equal((5, 0.0), (result.Received, result.LossPercent));
        Assert.NotNull(result.Latency);
    }

    [Fact]
    public async Task Udp_probe_to_a_closed_port_is_refused()
    {
        var result = await Prober.RunAsync(Request(ProbeKind.Udp, _traffic.ClosedPort, count: 3) with { Timeout = TimeSpan.FromSeconds(5) });

        Assert.Equal(100.0, result.LossPercent);
        Assert.All(result.Attempts, a => Assert.Equal(ProbeOutcome.Refused, a.Outcome));
    }

    [Fact]
    public async Task Udp_probe_expecting_an_echo_from_a_silent_port_times_out()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)silent.LocalEndPoint!).Port;

        var result = await Prober.RunAsync(Request(ProbeKind.Udp, port, count: 2) with
        {
            ExpectEcho = true,
            Timeout = TimeSpan.FromMilliseconds(200),
        });

        Assert.Equal(100.0, result.LossPercent);
        Assert.All(result.Attempts, a => Assert.Equal(ProbeOutcome.Timeout, a.Outcome));
    }

    [Fact]
    public async Task Icmp_echo_to_loopback_as_root_is_answered()
    {
        var result = await Prober.RunAsync(Request(ProbeKind.Icmp, 0, count: 3));

        Assert.Null(result.Error);
        Assert.Equal((3, 3, 0.0), (result.Sent, result.Received, result.LossPercent));
        Assert.NotNull(result.Latency);
    }

    [Fact]
    public async Task Attempts_are_spaced_by_the_interval()
    {
        var clock = Stopwatch.StartNew();
        await Prober.RunAsync(Request(ProbeKind.Tcp, _traffic.Port, count: 4) with { Interval = TimeSpan.FromMilliseconds(200) });

        Assert.InRange(clock.Elapsed.TotalMilliseconds, 590, 3000);
    }

    [Fact]
    public async Task Probe_without_a_port_is_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Prober.RunAsync(Request(ProbeKind.Tcp, 0)));
    }

    [Theory]
    [InlineData("127.0.0.1:80", "127.0.0.1", 80)]
    [InlineData("router-1", "router-1", null)]
    [InlineData("[::1]:443", "::1", 443)]
    [InlineData("::1", "::1", null)]
    public void Targets_parse_with_and_without_ports(string target, string host, int? port)
    {
        Assert.Equal((host, port), ProbeRequest.ParseTarget(target));
    }

    [Theory]
    [InlineData("host:http")]
    [InlineData("host:70000")]
    [InlineData("[::1")]
    public void Bad_targets_are_rejected(string target)
    {
        Assert.Throws<FormatException>(() => ProbeRequest.ParseTarget(target));
    }
}

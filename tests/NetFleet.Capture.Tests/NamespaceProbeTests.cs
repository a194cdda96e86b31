using System.Net;
using System.Net.Sockets;
using NetFleet.Capture.Probes;

namespace NetFleet.Capture.Tests;

/// <summary>Probes sent from inside one network namespace to another across their veth link (as root).</summary>
public sealed class NamespaceProbeTests : IAsyncLifetime
{
    private NamespacePair _pair = null!;
    private TcpListener _listener = null!;
    private readonly List<IPEndPoint> _accepted = [];
    private Task _accepting = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _pair = await NamespacePair.CreateAsync();
        // A listener of router B's, on its link address: made in B's namespace, accepting from this thread pool.
        _listener = await NetworkNamespace.RunAsync(_pair.B, () =>
        {
            var listener = new TcpListener(IPAddress.Parse(NamespacePair.AddressB), 0);
            listener.Start();
            return listener;
        });
        _accepting = AcceptAsync();
    }

    public async Task DisposeAsync()
    {
        _listener.Stop();
        await _accepting;
        await _pair.DisposeAsync();
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptSocketAsync();
                lock (_accepted)
                {
                    _accepted.Add((IPEndPoint)client.RemoteEndPoint!);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private ProbeRequest FromA(ProbeKind kind, int port = 0) => new()
    {
        Kind = kind,
        Host = NamespacePair.AddressB,
        Port = port,
        Count = 3,
        Interval = TimeSpan.FromMilliseconds(50),
        Timeout = TimeSpan.FromMilliseconds(500),
        Namespace = _pair.A,
    };

    [Fact]
    public async Task Icmp_and_tcp_probes_from_one_namespace_reach_the_other_with_latency()
    {
        var icmp = await Prober.RunAsync(FromA(ProbeKind.Icmp));
        var tcp = await Prober.RunAsync(FromA(ProbeKind.Tcp, Port));

        foreach (var result in new[] { icmp, tcp })
        {
            Assert.Null(result.Error);
            Assert.Equal((3, 3, 0.0), (result.Sent, result.Received, result.LossPercent));
            var latency = Assert.IsType<LatencyStats>(result.Latency);
            Assert.InRange(latency.MinMs, 0.0001, 500);
        }

        // B saw the connections come from A's address on the link.
        await WaitForAsync(() =>
        {
            lock (_accepted)
            {
                return _accepted.Count >= 3;
            }
        });
        lock (_accepted)
        {
            Assert.All(_accepted, e => Assert.Equal(NamespacePair.AddressA, e.Address.ToString()));
        }
    }

    [Fact]
    public async Task A_blackhole_route_in_the_target_namespace_turns_probes_into_timeouts()
    {
        await NamespacePair.BlackholeAsync(_pair.B, NamespacePair.AddressA);

        var icmp = await Prober.RunAsync(FromA(ProbeKind.Icmp));
        var tcp = await Prober.RunAsync(FromA(ProbeKind.Tcp, Port));

        foreach (var result in new[] { icmp, tcp })
        {
            Assert.Equal((3, 0, 100.0), (result.Sent, result.Received, result.LossPercent));
            Assert.All(result.Attempts, a => Assert.Equal(ProbeOutcome.Timeout, a.Outcome));
            Assert.Null(result.Latency);
        }
    }

    [Fact]
    public async Task Probes_use_the_namespace_not_the_hosts_own_network()
    {
        // A listener on this process's own loopback: reachable from here, but not from A, whose loopback is its own.
        using var host = new TcpListener(IPAddress.Loopback, 0);
        host.Start();
        var port = ((IPEndPoint)host.LocalEndpoint).Port;
        var request = FromA(ProbeKind.Tcp, port) with { Host = "127.0.0.1", Timeout = TimeSpan.FromSeconds(3) };

        var fromHost = await Prober.RunAsync(request with { Namespace = null });
        var fromA = await Prober.RunAsync(request);

        Assert.Equal(3, fromHost.Received);
        Assert.Equal(0, fromA.Received);
        Assert.All(fromA.Attempts, a => Assert.Equal(ProbeOutcome.Refused, a.Outcome));
    }

    [Fact]
    public async Task A_missing_namespace_is_named_with_the_ones_that_exist()
    {
        var result = await Prober.RunAsync(FromA(ProbeKind.Icmp) with { Namespace = "nf-no-such-router" });

        Assert.Equal(ProbeOutcome.NoNamespace, result.Failure);
        Assert.Empty(result.Attempts);
        Assert.Contains("'nf-no-such-router' does not exist", result.Error, StringComparison.Ordinal);
        Assert.Contains(_pair.A, result.Error, StringComparison.Ordinal);

        var tcp = await Prober.RunAsync(FromA(ProbeKind.Tcp, Port) with { Namespace = "nf-no-such-router" });
        Assert.Equal(ProbeOutcome.NoNamespace, tcp.Failure);
    }

    [Fact]
    public async Task A_namespace_name_with_a_slash_is_refused_before_anything_is_sent()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Prober.RunAsync(FromA(ProbeKind.Icmp) with { Namespace = "../etc" }));

        Assert.Contains("not a network namespace name", e.Message, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 50 && !condition(); i++)
        {
            await Task.Delay(100);
        }
    }
}

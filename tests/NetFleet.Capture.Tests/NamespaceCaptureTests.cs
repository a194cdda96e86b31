using System.Net;
using System.Net.Sockets;
using NetFleet.Capture.Probes;

namespace NetFleet.Capture.Tests;

/// <summary>Captures on the veth end inside a network namespace, of traffic sent across the link (as root).</summary>
public sealed class NamespaceCaptureTests : IAsyncLifetime
{
    private NamespacePair _pair = null!;

    public async Task InitializeAsync() => _pair = await NamespacePair.CreateAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    private CaptureOptions InA(string filter) => new()
    {
        Namespace = _pair.A,
        Interface = NamespacePair.Link,
        Filter = filter,
        SummaryInterval = TimeSpan.FromMilliseconds(200),
    };

    private ProbeRequest FromA(ProbeKind kind, int port, int count) => new()
    {
        Kind = kind,
        Host = NamespacePair.AddressB,
        Port = port,
        Count = count,
        Interval = TimeSpan.FromMilliseconds(20),
        Timeout = TimeSpan.FromSeconds(2),
        Namespace = _pair.A,
    };

    // libpcap hands packets over in blocks at most 100 ms apart; the pause lets the last block in before the stop.
    private static Task Settle() => Task.Delay(300);

    [Fact]
    public async Task A_capture_inside_a_namespace_sees_syn_rst_and_icmp_sent_across_its_link()
    {
        await using var session = await CaptureSession.StartAsync(InA("tcp or icmp"));

        // Port 9 has no listener in B: each connect is one SYN answered by one RST.
        var refused = await Prober.RunAsync(FromA(ProbeKind.Tcp, 9, count: 7));
        var pinged = await Prober.RunAsync(FromA(ProbeKind.Icmp, 0, count: 5));
        await Settle();
        var result = await session.StopAsync();

        Assert.Equal((7, 5), (refused.Attempts.Count(a => a.Outcome == ProbeOutcome.Refused), pinged.Received));
        Assert.Null(result.Error);
        Assert.Equal($"{_pair.A}/{NamespacePair.Link}", result.Interface);
        Assert.Equal(new TcpFlagCounts(Syn: 7, SynAck: 0, Rst: 7, Fin: 0), result.Summary.Tcp);
        Assert.Equal(10, result.Summary.Protocols.Icmp.Packets);
        Assert.Equal(24, result.Summary.Packets);
        Assert.Equal(0, result.Drops.Total);
        var conversation = result.Summary.TopConversations.First(c => c.Protocol == "icmp");
        Assert.Equal((NamespacePair.AddressA, NamespacePair.AddressB), (conversation.AddressA, conversation.AddressB));
    }

    [Fact]
    public async Task Segments_sent_again_while_the_peer_cannot_answer_count_as_retransmissions()
    {
        using var listener = await NetworkNamespace.RunAsync(_pair.B, () =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(NamespacePair.AddressB), 0));
            socket.Listen();
            return socket;
        });
        using var client = await NetworkNamespace.RunAsync(_pair.A,
            () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        await using var healthyCapture = await CaptureSession.StartAsync(InA("tcp"));
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();
        var payload = new byte[1000];
        var buffer = new byte[4096];
        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(payload);
            await ReceiveAsync(server, buffer, payload.Length);
        }

        await Settle();
        var healthy = await healthyCapture.StopAsync();

        // B's answers to A are dropped from now on: A never sees its data acknowledged and sends it again.
        await using var brokenCapture = await CaptureSession.StartAsync(InA("tcp"));
        await NamespacePair.BlackholeAsync(_pair.B, NamespacePair.AddressA);
        await client.SendAsync(payload);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var broken = await brokenCapture.StopAsync();

        // Handshake, five segments of data and their acknowledgements.
        Assert.True(healthy.Summary.Packets >= 13, $"only {healthy.Summary.Packets} packets before the blackhole");
        Assert.Equal(0, healthy.Summary.Tcp.Retransmissions);
        // Sent at once, then again after about 0.2, 0.6 and 1.4 s (the retransmission timer doubles), maybe a tail loss probe.
        Assert.InRange(broken.Summary.Tcp.Retransmissions, 2, 6);
        Assert.Equal(broken.Summary.Tcp.Retransmissions + 1, broken.Summary.Packets);
    }

    [Fact]
    public async Task An_interface_missing_in_the_namespace_lists_the_namespaces_own_interfaces()
    {
        var e = await Assert.ThrowsAsync<CaptureException>(() => CaptureSession.StartAsync(InA("tcp") with { Interface = "nfnone" }));

        Assert.Equal(CaptureErrorKind.UnknownInterface, e.Kind);
        Assert.Contains($"in network namespace {_pair.A}", e.Message, StringComparison.Ordinal);
        Assert.Contains(NamespacePair.Link, e.AvailableInterfaces);
        Assert.Contains("lo", e.AvailableInterfaces);
        // The process's own interfaces (other than loopback and libpcap's pseudo-devices) are not there.
        var own = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Select(i => i.Name).Where(n => n != "lo").ToList();
        Assert.NotEmpty(own);
        Assert.All(own, name => Assert.DoesNotContain(name, e.AvailableInterfaces));
    }

    [Fact]
    public async Task A_missing_namespace_is_its_own_error()
    {
        var e = await Assert.ThrowsAsync<CaptureException>(() => CaptureSession.StartAsync(InA("tcp") with { Namespace = "nf-no-such-router" }));

        Assert.Equal(CaptureErrorKind.UnknownNamespace, e.Kind);
        Assert.Contains("'nf-no-such-router' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nf-r1/eth1", "nf-r1", "eth1")]
    [InlineData("lo", null, "lo")]
    public void Qualified_interface_names_split_into_namespace_and_interface(string text, string? netns, string name)
    {
        var parsed = CaptureOptions.ParseQualifiedInterface(text, out var error);

        Assert.Null(error);
        Assert.Equal((netns, name), parsed);
        Assert.Equal(text, new CaptureOptions { Namespace = netns, Interface = name }.QualifiedInterface);
    }

    [Theory]
    [InlineData("nf-r1/", "no interface given")]
    [InlineData("/eth1", "needs a name")]
    [InlineData("a/b/c", "'b/c' is not an interface name")]
    [InlineData("../eth1", "'..' is not a network namespace name")]
    public void Malformed_qualified_interface_names_are_explained(string text, string expected)
    {
        Assert.Null(CaptureOptions.ParseQualifiedInterface(text, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static async Task ReceiveAsync(Socket socket, byte[] buffer, int count)
    {
        for (var read = 0; read < count;)
        {
            read += await socket.ReceiveAsync(buffer);
        }
    }
}

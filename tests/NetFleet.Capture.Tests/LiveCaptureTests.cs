using System.Diagnostics;

namespace NetFleet.Capture.Tests;

/// <summary>Captures on <c>lo</c> (as root) with a filter on ports the test generates traffic on.</summary>
public sealed class LiveCaptureTests : IAsyncLifetime
{
    private readonly ScratchDir _dir = new();
    private readonly Traffic _traffic = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _traffic.DisposeAsync();
        _dir.Dispose();
    }

    private string Filter => $"port {_traffic.Port} or port {_traffic.ClosedPort}";

    private CaptureOptions Options(Func<CaptureOptions, CaptureOptions>? change = null)
    {
        var options = new CaptureOptions { Interface = "lo", Filter = Filter, SummaryInterval = TimeSpan.FromMilliseconds(200) };
        return change is null ? options : change(options);
    }

    // Loopback delivers at once, but give both capturers a moment to read their buffers before stopping.
    private static Task Settle() => Task.Delay(500);

    [Fact]
    public async Task Packet_counts_agree_with_tcpdump_on_the_same_traffic_and_files_read_back()
    {
        await using var tcpdump = await Tcpdump.StartAsync(_dir.File("tcpdump.pcap"), Filter);
        await using var session = await CaptureSession.StartAsync(Options(o => o with { OutputDirectory = _dir.File("ours") }));

        for (var i = 0; i < 20; i++)
        {
            await _traffic.SendTcpAsync(1000 + i * 500);
        }

        await _traffic.SendUdpAsync(30, 200);
        await Settle();
        var result = await session.StopAsync();
        await tcpdump.StopAsync();

        var expected = await Tcpdump.CountAsync(tcpdump.File);
        Assert.True(expected > 150, $"tcpdump saw only {expected} packets");
        Assert.Null(result.Error);
        Assert.Equal(CaptureStopReason.Stopped, result.Reason);
        Assert.Equal(expected, result.Summary.Packets);
        Assert.Equal(0, result.Drops.Total);
        var file = Assert.Single(result.Files);
        Assert.Equal(expected, await Tcpdump.CountAsync(file));
        Assert.Equal(60, result.Summary.Protocols.Udp.Packets);
        Assert.Equal(20, result.Summary.Tcp.Syn);
        Assert.Equal(20, result.Summary.Tcp.SynAck);
    }

    [Fact]
    public async Task Rotation_keeps_at_most_the_file_count_each_within_the_size()
    {
        const long size = 2_000;
        var options = Options(o => o with
        {
            SnapLength = 256,
            OutputDirectory = _dir.File("rotated"),
            RotateFileBytes = size,
            RotateFileCount = 3,
        });
        await using var session = await CaptureSession.StartAsync(options);
        for (var i = 0; i < 20; i++)
        {
            await _traffic.SendTcpAsync(20_000);
        }

        await Settle();
        var result = await session.StopAsync();

        Assert.Equal(3, result.Files.Count);
        Assert.True(result.DeletedFiles > 0);
        Assert.Equal(3, Directory.GetFiles(_dir.File("rotated")).Length);
        var packetsInFiles = 0;
        foreach (var file in result.Files)
        {
            Assert.InRange(new FileInfo(file).Length, 24 + 16 + 1, size);
            packetsInFiles += await Tcpdump.CountAsync(file);
        }

        Assert.InRange(packetsInFiles, 3, result.Summary.Packets - 1);
        Assert.True(result.Summary.CapturedBytes < result.Summary.Bytes, "the snap length cut the big segments");
    }

    [Fact]
    public async Task Packet_count_limit_stops_the_capture_at_exactly_that_many()
    {
        await using var session = await CaptureSession.StartAsync(Options(o => o with { MaxPackets = 25 }));
        var traffic = Task.Run(async () =>
        {
            while (!session.Completion.IsCompleted)
            {
                await _traffic.SendTcpAsync(100);
            }
        });

        var result = await session.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        await traffic;

        Assert.Equal(CaptureStopReason.PacketCount, result.Reason);
        Assert.Equal(25, result.Summary.Packets);
        Assert.Equal(0, result.Drops.QueueDropped);
    }

    [Fact]
    public async Task Byte_limit_stops_before_the_total_would_pass_it()
    {
        await using var session = await CaptureSession.StartAsync(Options(o => o with { MaxBytes = 50_000 }));
        var traffic = Task.Run(async () =>
        {
            while (!session.Completion.IsCompleted)
            {
                await _traffic.SendTcpAsync(3_000);
            }
        });

        var result = await session.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        await traffic;

        Assert.Equal(CaptureStopReason.ByteCount, result.Reason);
        Assert.InRange(result.Summary.Bytes, 40_000, 50_000);
    }

    [Fact]
    public async Task Duration_limit_stops_an_idle_capture_and_progress_streams_meanwhile()
    {
        var clock = Stopwatch.StartNew();
        await using var session = await CaptureSession.StartAsync(Options(o => o with { Duration = TimeSpan.FromSeconds(1.5) }));
        var progress = new List<CaptureProgress>();
        await foreach (var item in session.Progress.ReadAllAsync())
        {
            progress.Add(item);
        }

        var result = await session.Completion;

        Assert.Equal(CaptureStopReason.Duration, result.Reason);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.4, 5);
        // Ticks are timer-driven: a loaded machine may lose one, so only require that progress kept coming.
        Assert.InRange(progress.Count, 2, 10);
        Assert.All(progress, p => Assert.Equal(0, p.Total.Packets));
    }

    [Fact]
    public async Task Progress_reports_rates_and_running_totals_while_traffic_flows()
    {
        await using var session = await CaptureSession.StartAsync(Options(o => o with { Duration = TimeSpan.FromSeconds(2) }));
        var progress = new List<CaptureProgress>();
        var reading = Task.Run(async () =>
        {
            await foreach (var item in session.Progress.ReadAllAsync())
            {
                progress.Add(item);
            }
        });
        await _traffic.SendUdpAsync(200, 100);

        var result = await session.Completion;
        await reading;

        Assert.Equal(400, result.Summary.Packets);
        Assert.Contains(progress, p => p.PacketsPerSecond > 0);
        Assert.Equal(progress.Sum(p => p.IntervalPackets), progress[^1].Total.Packets);
        Assert.True(progress.Select(p => p.Total.Packets).SequenceEqual(progress.Select(p => p.Total.Packets).Order()));
    }

    [Fact]
    public async Task Summary_ranks_the_biggest_conversation_first_and_counts_syn_and_rst()
    {
        await using var session = await CaptureSession.StartAsync(Options(o => o with { OutputDirectory = _dir.File("summary"), Top = 20 }));
        await _traffic.SendTcpAsync(300_000);
        for (var i = 0; i < 4; i++)
        {
            await _traffic.SendTcpAsync(500);
        }

        for (var i = 0; i < 7; i++)
        {
            await _traffic.ConnectClosedAsync();
        }

        await Settle();
        var result = await session.StopAsync();
        var summary = result.Summary;

        Assert.Equal(new TcpFlagCounts(Syn: 12, SynAck: 5, Rst: 7, Fin: summary.Tcp.Fin), summary.Tcp);
        Assert.Equal(10, summary.Tcp.Fin);
        var top = summary.TopConversations[0];
        Assert.Equal("tcp", top.Protocol);
        Assert.Equal("127.0.0.1", top.AddressA);
        Assert.Equal("127.0.0.1", top.AddressB);
        Assert.Contains(_traffic.Port, new[] { top.PortA, top.PortB });
        Assert.InRange(top.Bytes, 300_000, 400_000);
        Assert.Equal(12, summary.TopConversations.Count(c => c.Protocol == "tcp"));
        var talker = Assert.Single(summary.TopTalkers);
        Assert.Equal("127.0.0.1", talker.Address);
        Assert.Equal((summary.Packets, summary.Bytes, summary.Bytes, summary.Bytes), (talker.Packets, talker.Bytes, talker.BytesSent, talker.BytesReceived));
        Assert.Equal(summary.Packets, summary.Protocols.IPv4.Packets);
        Assert.Equal(summary.Packets, summary.Protocols.Tcp.Packets);

        var offline = await PcapFileSummariser.SummariseAsync(Assert.Single(result.Files), top: 20);
        Assert.Equal(summary.Packets, offline.Packets);
        Assert.Equal(summary.Bytes, offline.Bytes);
        Assert.Equal(summary.Protocols, offline.Protocols);
        Assert.Equal(summary.Tcp, offline.Tcp);
        Assert.Equal(summary.TopConversations, offline.TopConversations);
        Assert.Equal(summary.TopTalkers, offline.TopTalkers);
        Assert.Equal(summary.FirstPacket, offline.FirstPacket);
        Assert.Equal(summary.LastPacket, offline.LastPacket);
    }

    [Fact]
    public async Task A_filter_libpcap_rejects_is_reported_with_its_message()
    {
        var error = await Assert.ThrowsAsync<CaptureException>(() =>
            CaptureSession.StartAsync(Options(o => o with { Filter = "tcp prt 80" })));

        Assert.Equal(CaptureErrorKind.BadFilter, error.Kind);
        Assert.Contains("tcp prt 80", error.Message, StringComparison.Ordinal);
        Assert.Contains("syntax error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_interface_lists_the_available_ones()
    {
        var error = await Assert.ThrowsAsync<CaptureException>(() =>
            CaptureSession.StartAsync(Options(o => o with { Interface = "nosuch0" })));

        Assert.Equal(CaptureErrorKind.UnknownInterface, error.Kind);
        Assert.Contains("lo", error.AvailableInterfaces);
        Assert.Contains("nosuch0", error.Message, StringComparison.Ordinal);
        Assert.Contains("lo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rotate_size_too_small_for_the_snap_length_is_refused_before_capturing()
    {
        var error = await Assert.ThrowsAsync<CaptureException>(() =>
            CaptureSession.StartAsync(Options(o => o with { OutputDirectory = _dir.Path, RotateFileBytes = 1_000 })));

        Assert.Equal(CaptureErrorKind.InvalidOptions, error.Kind);
        Assert.Contains("snap length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_capture_sees_exactly_the_syns_and_rsts_of_a_tcp_probe_to_a_closed_port()
    {
        await using var session = await CaptureSession.StartAsync(Options());
        var probe = await Probes.Prober.RunAsync(new Probes.ProbeRequest
        {
            Kind = Probes.ProbeKind.Tcp, Host = "127.0.0.1", Port = _traffic.ClosedPort, Count = 6, Interval = TimeSpan.Zero,
        });
        await Settle();
        var result = await session.StopAsync();

        Assert.Equal(100.0, probe.LossPercent);
        Assert.Equal(new TcpFlagCounts(Syn: 6, SynAck: 0, Rst: 6, Fin: 0), result.Summary.Tcp);
        Assert.Equal(12, result.Summary.Packets);
    }

    [Fact]
    public async Task A_burst_of_datagrams_is_counted_like_tcpdump_counts_it_without_drops()
    {
        using var sink = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        sink.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)sink.LocalEndPoint!).Port;
        var filter = $"udp port {port}";
        await using var tcpdump = await Tcpdump.StartAsync(_dir.File("burst.pcap"), filter);
        await using var session = await CaptureSession.StartAsync(Options(o => o with { Filter = filter, OutputDirectory = _dir.File("burst") }));

        using (var sender = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp))
        {
            sender.Connect(sink.LocalEndPoint!);
            var payload = new byte[300];
            for (var i = 0; i < 20_000; i++)
            {
                await sender.SendAsync(payload);
            }
        }

        await Settle();
        var result = await session.StopAsync();
        await tcpdump.StopAsync();

        Assert.Equal(20_000, await Tcpdump.CountAsync(tcpdump.File));
        Assert.Equal(20_000, result.Summary.Packets);
        Assert.Equal(20_000L * (14 + 20 + 8 + 300), result.Summary.Bytes);
        Assert.Equal(0, result.Drops.Total);
        Assert.Equal(20_000, await Tcpdump.CountAsync(Assert.Single(result.Files)));
        var conversation = Assert.Single(result.Summary.TopConversations);
        Assert.Equal(("udp", 20_000, result.Summary.Bytes), (conversation.Protocol, conversation.Packets, conversation.Bytes));
        Assert.Contains(port, new[] { conversation.PortA, conversation.PortB });
    }
}

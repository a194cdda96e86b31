using Akka.Actor;
using Akka.TestKit.Xunit2;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Wire;
using NetFleet.Capture;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Actors.Tests;

public sealed class SensorActorTests : TestKit
{
    private static readonly SensorInfo Lon = new("lon-1", ["site=lon"], ["lo"], "akka.tcp://netfleet@127.0.0.1:4055");

    [Fact]
    public void A_capture_on_an_interface_the_sensor_does_not_allow_fails_naming_the_allowed_ones()
    {
        var sensor = Sys.ActorOf(SensorActor.Props(Lon, Path.GetTempPath()));
        sensor.Tell(new StartCapture("cap-1", new RequestCapture("lon-1", [], "eth0"), TestActor));
        var failed = ExpectMsg<CaptureFailed>();
        Assert.Equal("cap-1", failed.CaptureId);
        Assert.Equal("sensor lon-1 may not capture on 'eth0' (allowed: lo)", failed.Reason);
    }

    [Fact]
    public void The_sensor_lists_the_captures_it_ran_with_their_state_for_any_orchestrator_node()
    {
        var folder = Directory.CreateTempSubdirectory("netfleet-sensor-list-").FullName;
        try
        {
            var sensor = Sys.ActorOf(SensorActor.Props(Lon, folder));
            sensor.Tell(new StartCapture("cap-bad", new RequestCapture("lon-1", [], "lo") { Filter = "udp port nope" }, TestActor));
            var failed = ExpectMsg<CaptureFailed>(TimeSpan.FromSeconds(10));
            sensor.Tell(new StartCapture("cap-run", new RequestCapture("lon-1", [], "lo") { Filter = "udp port 9", DurationSeconds = 600 }, TestActor));
            ExpectMsg<CaptureStarted>(TimeSpan.FromSeconds(10));

            sensor.Tell(ListSensorCaptures.Instance);
            var listed = ExpectMsg<SensorCaptures>().Captures.ToDictionary(c => c.Id);
            Assert.Equal((CaptureStatus.Failed, failed.Reason, "lo", "udp port nope"),
                (listed["cap-bad"].Status, listed["cap-bad"].Error, listed["cap-bad"].Interface, listed["cap-bad"].Filter));
            Assert.Equal(CaptureStatus.Running, listed["cap-run"].Status);

            sensor.Tell(new StopCapture("cap-run"));
            FishForMessage(m => m is CaptureFinished, TimeSpan.FromSeconds(10));
            sensor.Tell(ListSensorCaptures.Instance);
            var answer = ExpectMsg<SensorCaptures>();
            // The answer crosses the cluster to the asking manager.
            var serializer = new WireSerializer((ExtendedActorSystem)Sys);
            var back = (SensorCaptures)serializer.FromBinary(serializer.ToBinary(answer), serializer.Manifest(answer));
            var stopped = back.Captures.Single(c => c.Id == "cap-run");
            Assert.Equal((CaptureStatus.Finished, CaptureStopReason.Stopped, "lo"), (stopped.Status, stopped.Result!.Reason, stopped.Result.Interface));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_capture_on_an_allowed_interface_inside_a_namespace_is_opened_there_and_named_netns_slash_interface()
    {
        await using var router = await ScratchNamespace.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("netfleet-sensor-netns-").FullName;
        try
        {
            var allowed = $"{router.Name}/lo";
            var sensor = Sys.ActorOf(SensorActor.Props(Lon with { Interfaces = ["lo", allowed, "nf-gone/lo"] }, folder));

            sensor.Tell(new StartCapture("cap-other", new RequestCapture("lon-1", [], $"{router.Name}/eth0"), TestActor));
            Assert.Equal($"sensor lon-1 may not capture on '{router.Name}/eth0' (allowed: lo, {allowed}, nf-gone/lo)",
                ExpectMsg<CaptureFailed>().Reason);
            sensor.Tell(new StartCapture("cap-gone", new RequestCapture("lon-1", [], "nf-gone/lo"), TestActor));
            Assert.StartsWith("network namespace 'nf-gone' does not exist", ExpectMsg<CaptureFailed>(TimeSpan.FromSeconds(10)).Reason,
                StringComparison.Ordinal);

            sensor.Tell(new StartCapture("cap-ns", new RequestCapture("lon-1", [], allowed) { Filter = "icmp" }, TestActor));
            ExpectMsg<CaptureStarted>(TimeSpan.FromSeconds(10));
            var ping = await NetFleet.Capture.Probes.Prober.RunAsync(new NetFleet.Capture.Probes.ProbeRequest
            {
                Kind = NetFleet.Capture.Probes.ProbeKind.Icmp, Host = "127.0.0.1", Count = 2, Interval = TimeSpan.Zero, Namespace = router.Name,
            });
            Assert.Equal(2, ping.Received);
            await Task.Delay(300);
            sensor.Tell(new StopCapture("cap-ns"));
            var finished = (CaptureFinished)FishForMessage(m => m is CaptureFinished, TimeSpan.FromSeconds(10));

            Assert.Equal(allowed, finished.Result.Interface);
            // On lo each echo is seen once as the request and once as the reply.
            Assert.Equal(4, finished.Result.Summary.Protocols.Icmp.Packets);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_file_outside_the_capture_folder_is_refused()
    {
        var sensor = Sys.ActorOf(SensorActor.Props(Lon, Path.GetTempPath()));
        sensor.Tell(new ReadFileChunk("cap-1", "../etc/passwd", 0, 100));
        Assert.Contains("has no file", ExpectMsg<CaptureRefused>().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_and_results_cross_the_cluster_serializer_intact()
    {
        // The capture library builds lists with collection expressions (compiler-made types); they cross as JSON arrays
        // and come back as lists.
        var counter = new Counter(3, 180);
        var summary = new TrafficSummary(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1), 3, 180, 180, 3, 180,
            new ProtocolMix(counter, new(0, 0), new(0, 0), new(0, 0), new(0, 0), counter, new(0, 0), new(0, 0)),
            [.. new[] { new ServiceCount("dns", "udp", 53, 3, 180) }], [.. new[] { new Talker("127.0.0.1", 3, 180, 180, 180) }],
            [.. new[] { new Conversation("udp", "127.0.0.1", 53, "127.0.0.1", 40000, 3, 180) }], new TcpFlagCounts(0, 0, 0, 0), 0);
        var result = new CaptureResult("lo", "udp port 53", CaptureStopReason.PacketCount, null, TimeSpan.FromSeconds(2), summary,
            new CaptureDrops(3, 0, 0, 0), [.. new[] { "/tmp/cap-1/cap-1-0001.pcap" }], 0);

        var finished = new CaptureFinished("cap-1", result);
        var serializer = new WireSerializer((ExtendedActorSystem)Sys);
        var back = (CaptureFinished)serializer.FromBinary(serializer.ToBinary(finished), serializer.Manifest(finished));

        Assert.Equal(["/tmp/cap-1/cap-1-0001.pcap"], back.Result.Files);
        Assert.Equal(3, back.Result.Summary.Packets);
        Assert.Equal("dns", Assert.Single(back.Result.Summary.Services).Service);
        Assert.Equal(40000, Assert.Single(back.Result.Summary.TopConversations).PortB);
        Assert.Equal(3, back.Result.Drops.KernelReceived);
    }
}

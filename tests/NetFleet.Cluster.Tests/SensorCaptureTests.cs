using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using NetFleet.Actors.Capture;
using NetFleet.Api;
using NetFleet.Capture;
using Xunit.Abstractions;
using NetFleet.Testing;

namespace NetFleet.Cluster.Tests;

/// <summary>
/// Captures pinned to sensors, with real separate <c>netfleet node</c> processes on loopback: an orchestrator (the API,
/// SQLite store) and two sensors, <c>lon-1</c> (site=lon,tier=edge) and <c>par-1</c> (site=par,tier=edge), each allowed to capture on
/// <c>lo</c> only. The tests capture on <c>lo</c> (as root) with a filter on a UDP port they send to themselves.
/// </summary>
[Collection("cluster")]
public sealed class SensorCaptureTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<NetfleetProcess> processes = [];
    private readonly Dictionary<string, NetfleetProcess> sensors = [];
    private readonly List<string> captureIds = [];
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string folder = Path.Combine(Path.GetTempPath(), "netfleet-sensor-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private Uri api = null!;
    private string token = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        var port = Loopback.FreePort();
        var apiPort = Loopback.FreePort();
        api = new Uri($"http://127.0.0.1:{apiPort}");
        token = await NetfleetProcess.AddOperatorTokenAsync($"sqlite:{Path.Combine(folder, "netfleet.db")}");
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var orchestrator = Start("orchestrator", "node", "--roles", "orchestrator", "--port", port.ToString(), "--api-port", apiPort.ToString(),
            "--store", $"sqlite:{Path.Combine(folder, "netfleet.db")}");
        var seed = $"akka.tcp://netfleet@127.0.0.1:{port}";
        await orchestrator.WaitUpAsync();
        foreach (var (name, tags) in new[] { ("lon-1", "site=lon,tier=edge"), ("par-1", "site=par,tier=edge") })
        {
            sensors[name] = Start(name, "node", "--roles", "sensor", "--port", Loopback.FreePort().ToString(), "--seed-nodes", seed,
                "--sensor-name", name, "--sensor-tags", tags, "--sensor-interfaces", "lo");
        }

        foreach (var sensor in sensors.Values) await sensor.WaitUpAsync();
        var clock = Stopwatch.StartNew();
        while ((await http.GetFromJsonAsync<List<SensorView>>(new Uri(api, "/api/sensors"), CaptureEndpoints.Json))!.Count < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the orchestrator did not find both sensors");
            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in processes) await process.DisposeAsync();
        http.Dispose();
        Directory.Delete(folder, recursive: true);
        // The sensors run in this process's working directory, so their files are under the same folder.
        foreach (var id in captureIds.Select(id => Path.Combine(NetFleet.Node.ClusterNode.CaptureDirectory, id)).Where(Directory.Exists))
        {
            Directory.Delete(id, recursive: true);
        }
    }

    [Fact]
    public async Task Captures_go_to_the_sensor_named_or_tagged_and_count_exactly_the_traffic_sent()
    {
        using var parTraffic = new UdpTarget();
        using var lonTraffic = new UdpTarget();
        var byName = await StartCaptureAsync(new { sensor = "par-1", @interface = "lo", filter = $"udp port {parTraffic.Port}", maxPackets = 100 });
        var byTags = await StartCaptureAsync(new { tags = new[] { "site=lon" }, @interface = "lo", filter = $"udp port {lonTraffic.Port}", maxPackets = 60 });
        Assert.Equal(("par-1", CaptureStatus.Running), (byName.Sensor, byName.Status));
        Assert.Equal("lon-1", byTags.Sensor);

        await parTraffic.SendAsync(100);
        await lonTraffic.SendAsync(60);

        var par = await WaitDoneAsync(byName.Id);
        var lon = await WaitDoneAsync(byTags.Id);
        Assert.Equal((CaptureStatus.Finished, CaptureStopReason.PacketCount, 100L, 100L), (par.Status, par.Result!.Reason, par.Result.Summary.Packets, par.Result.Summary.Protocols.Udp.Packets));
        Assert.Equal((CaptureStatus.Finished, 60L, 60L), (lon.Status, lon.Result!.Summary.Packets, lon.Result.Summary.Protocols.Udp.Packets));
        Assert.Equal(0, par.Result.Drops.Total);

        // The file comes back from its sensor through the CLI, byte for byte, and reads back as the same traffic.
        var fetched = Path.Combine(folder, "fetched");
        var fetch = Start("fetch", "capture", "fetch", par.Id, "-o", fetched, "--api", api.ToString(), "--token", token);
        Assert.Equal(0, await fetch.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var file = Assert.Single(Directory.GetFiles(fetched));
        Assert.Equal(await File.ReadAllBytesAsync(Assert.Single(par.Result.Files)), await File.ReadAllBytesAsync(file));
        Assert.Equal(100, (await PcapFileSummariser.SummariseAsync(file, 5)).Packets);

        var list = (await http.GetFromJsonAsync<List<CaptureView>>(new Uri(api, "/api/captures"), CaptureEndpoints.Json))!;
        Assert.Equal([(byName.Id, "par-1", CaptureStatus.Finished), (byTags.Id, "lon-1", CaptureStatus.Finished)], list.Select(c => (c.Id, c.Sensor, c.Status)));
    }

    [Fact]
    public async Task Captures_selected_by_a_tag_both_sensors_carry_spread_across_them_and_stop_on_request()
    {
        using var traffic = new UdpTarget();
        var first = await StartCaptureAsync(new { tags = new[] { "tier=edge" }, @interface = "lo", filter = $"udp port {traffic.Port}" });
        var second = await StartCaptureAsync(new { tags = new[] { "tier=edge" }, @interface = "lo", filter = $"udp port {traffic.Port}" });
        Assert.Equal(["lon-1", "par-1"], new[] { first.Sensor, second.Sensor }.Order());

        await traffic.SendAsync(20);
        foreach (var capture in new[] { first, second })
        {
            using var stop = await http.PostAsync(new Uri(api, $"/api/captures/{capture.Id}/stop"), null);
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        foreach (var capture in new[] { first, second })
        {
            var done = await WaitDoneAsync(capture.Id);
            Assert.Equal((CaptureStatus.Finished, CaptureStopReason.Stopped, 20L), (done.Status, done.Result!.Reason, done.Result.Summary.Packets));
        }
    }

    [Fact]
    public async Task Captures_on_disallowed_interfaces_with_bad_filters_or_no_matching_sensor_are_refused_with_the_reason()
    {
        var notAllowed = await PostCaptureAsync(new { sensor = "lon-1", @interface = "eth0" });
        Assert.Equal(HttpStatusCode.BadRequest, notAllowed.StatusCode);
        Assert.Contains("lon-1 allows lo", (await notAllowed.Content.ReadFromJsonAsync<ApiError>(NetFleetApi.Json))!.Error, StringComparison.Ordinal);

        var badFilter = await PostCaptureAsync(new { sensor = "par-1", @interface = "lo", filter = "udp port nope" });
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Contains("bad capture filter", (await badFilter.Content.ReadFromJsonAsync<ApiError>(NetFleetApi.Json))!.Error, StringComparison.Ordinal);

        var noSensor = await PostCaptureAsync(new { tags = new[] { "site=nyc" }, @interface = "lo" });
        Assert.Equal(HttpStatusCode.BadRequest, noSensor.StatusCode);
        Assert.Contains("no sensor with tags site=nyc", (await noSensor.Content.ReadFromJsonAsync<ApiError>(NetFleetApi.Json))!.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Killing_a_sensor_fails_its_running_capture_clearly()
    {
        using var traffic = new UdpTarget();
        var capture = await StartCaptureAsync(new { sensor = "lon-1", @interface = "lo", filter = $"udp port {traffic.Port}", durationSeconds = 600 });
        await traffic.SendAsync(10);
        var streamed = Stopwatch.StartNew();
        while ((await GetAsync(capture.Id)).Progress?.Total.Packets != 10)
        {
            Assert.True(streamed.Elapsed < TimeSpan.FromSeconds(15), "the sensor's progress summaries did not reach the API");
            await Task.Delay(100);
        }

        await sensors["lon-1"].KillAsync();
        var clock = Stopwatch.StartNew();
        var failed = await WaitDoneAsync(capture.Id);
        output.WriteLine($"capture failed {clock.Elapsed.TotalSeconds:0.0} s after the kill: {failed.Error}");

        Assert.Equal(CaptureStatus.Failed, failed.Status);
        Assert.Contains("sensor lon-1", failed.Error, StringComparison.Ordinal);
        Assert.Contains("left the cluster or died", failed.Error, StringComparison.Ordinal);
        var refused = await PostCaptureAsync(new { tags = new[] { "site=lon" }, @interface = "lo" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private NetfleetProcess Start(string name, params string[] args)
    {
        var process = NetfleetProcess.Start(name, args);
        processes.Add(process);
        return process;
    }

    private Task<HttpResponseMessage> PostCaptureAsync(object request) =>
        http.PostAsJsonAsync(new Uri(api, "/api/captures"), request, CaptureEndpoints.Json);

    private async Task<CaptureView> StartCaptureAsync(object request)
    {
        using var response = await PostCaptureAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var view = (await response.Content.ReadFromJsonAsync<CaptureView>(CaptureEndpoints.Json))!;
        captureIds.Add(view.Id);
        return view;
    }

    private async Task<CaptureView> WaitDoneAsync(string id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var view = await GetAsync(id);
            if (view.Status is CaptureStatus.Finished or CaptureStatus.Failed) return view;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45),
                $"capture {id} still {view.Status}:\n{string.Join("\n", processes.Select(p => p.Name + ":\n" + p.Stderr))}");
            await Task.Delay(100);
        }
    }

    private async Task<CaptureView> GetAsync(string id) =>
        (await http.GetFromJsonAsync<CaptureView>(new Uri(api, $"/api/captures/{id}"), CaptureEndpoints.Json))!;

    /// <summary>A bound UDP socket on loopback (so no ICMP port-unreachable answers) and datagrams sent to it.</summary>
    private sealed class UdpTarget : IDisposable
    {
        private readonly UdpClient receiver = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly UdpClient sender = new(new IPEndPoint(IPAddress.Loopback, 0));

        public int Port => ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;

        public async Task SendAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await sender.SendAsync(new byte[64], new IPEndPoint(IPAddress.Loopback, Port));
            }
        }

        public void Dispose()
        {
            receiver.Dispose();
            sender.Dispose();
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Jobs;
using NetFleet.Capture;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Node;
using NetFleet.Node.History;
using NetFleet.Testing;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Actors.Tests;

/// <summary>
/// Playbooks with a <c>capture:</c> block, run by a single-process cluster node with the orchestrator, worker and sensor
/// roles (sensor <c>lab-sensor</c>, tag site=lab, interface <c>lo</c>) against a lab of its own on loopback, as root.
/// Captures filter on the lab's SSH port and the device's address, so only the job's own traffic counts. Each test
/// gets a fresh node and SQLite store; the history is read as <c>netfleet jobs show</c> reads it.
/// </summary>
public sealed class PlaybookCaptureTests(PlaybookCaptureTests.Lab lab) : IClassFixture<PlaybookCaptureTests.Lab>, IAsyncLifetime
{
    private const string Device = "ios-cap";
    private const string DeviceAddress = "127.0.77.1";
    private const string SecondDevice = "eos-cap";
    private const string SecondAddress = "127.0.77.2";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-playbook-capture-").FullName;
    private ClusterNode node = null!;
    private HistoryStore history = null!;
    private HistoryProjector projector = null!;

    public async Task InitializeAsync()
    {
        var settings = NodeSettings.Resolve(new NodeOptions
        {
            Roles = "orchestrator,worker,sensor", Hostname = "127.0.0.1", Port = Loopback.FreePort(),
            Store = $"sqlite:{Path.Combine(folder, "netfleet.db")}", SensorName = "lab-sensor", SensorTags = "site=lab", SensorInterfaces = "lo",
        }, _ => null);
        node = await ClusterNode.StartAsync(settings, Serilog.Core.Logger.None);
        history = new HistoryStore(node.Store);
        projector = new HistoryProjector(node.System, history, Serilog.Core.Logger.None);
        var clock = Stopwatch.StartNew();
        while ((await node.Captures!.Ask<List<SensorView>>(ListSensors.Instance, TimeSpan.FromSeconds(10))).Count == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the node did not find its own sensor");
            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        var captures = await node.Captures!.Ask<List<CaptureView>>(ListCaptures.Instance, TimeSpan.FromSeconds(10));
        projector.Dispose();
        await node.DisposeAsync();
        foreach (var dir in captures.Select(c => Path.Combine(ClusterNode.CaptureDirectory, c.Id)).Where(Directory.Exists))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_capture_around_config_tasks_is_summarised_in_the_job_history_and_agrees_with_tcpdump()
    {
        var filter = $"tcp port {lab.Port} and host {DeviceAddress}";
        var pcap = Path.Combine(folder, "tcpdump.pcap");
        await using var tcpdump = await TcpdumpProcess.StartAsync(pcap, filter);

        var (job, tasks, captures) = await RunAsync($$$"""
            - name: NTP under capture
              hosts: {{{Device}}}
              capture:
                sensor: lab-sensor
                interface: lo
                filter: "{{{filter}}}"
              tasks:
                - config:
                    lines: ["ntp server 192.0.2.77"]
                - probe:
                    targets: ["{{ host.hostname }}:{{{lab.Port}}}"]
                    count: 3
                    interval: 100ms
                    timeout: 5s
                  register: reach
                - assert:
                    that: "reach.loss_percent == 0 && reach.received == reach.sent"
            """);
        await tcpdump.StopAsync();

        Assert.True(job.Status == "succeeded", $"job {job.Status}: {job.HaltReason}; {string.Join("; ", tasks.Select(t => $"{t.Task}: {t.Status} {t.Message}"))}");
        Assert.Equal(["changed", "ok", "ok"], tasks.Select(t => t.Status));
        var capture = Assert.Single(captures);
        Assert.Equal(("lab-sensor", "lo", filter, CaptureStatus.Finished, (int?)null), (capture.Sensor, capture.Interface, capture.Filter, capture.Status, capture.BatchIndex));
        Assert.True(capture.Packets > 0 && capture.Bytes > 0);
        // The device session's connect and the three probes' connects, each a SYN of its own.
        Assert.True(capture.Syn >= 4, $"SYN {capture.Syn}");
        Assert.Equal(0, capture.KernelDropped);
        Assert.NotEmpty(capture.Files);
        var summary = JsonSerializer.Deserialize<TrafficSummary>(capture.SummaryJson!, JobCaptureJson.Options)!;
        Assert.Equal((capture.Packets, capture.Packets), (summary.Packets, summary.Protocols.Tcp.Packets));
        Assert.Contains(summary.TopTalkers, t => t.Address == DeviceAddress);

        // tcpdump ran before and after the capture, so it saw a superset: between the capture's first and last packet
        // it saw the same packets.
        var stamps = await TcpdumpProcess.TimestampsAsync(pcap);
        // libpcap's microseconds reach the summary through SharpPcap's floating-point conversion, which can be a
        // microsecond off; the window allows for that.
        long Micros(DateTimeOffset at) => (long)Math.Round((at - DateTimeOffset.UnixEpoch).Ticks / 10.0);
        var first = Micros(summary.FirstPacket!.Value) - 2;
        var last = Micros(summary.LastPacket!.Value) + 2;
        Assert.Equal(capture.Packets, stamps.Count(s => s >= first && s <= last));
        Assert.True(stamps.Count >= capture.Packets);
    }

    [Fact]
    public async Task A_running_capture_streams_its_progress_into_the_job_events_before_the_play_ends()
    {
        var events = await ListenToJobEventsAsync();
        var (job, _, captures) = await RunAsync($$"""
            - hosts: {{Device}}
              capture: {sensor: lab-sensor, interface: lo, filter: "tcp port {{lab.Port}} and host {{DeviceAddress}}"}
              tasks:
                - command: show version
                - pause: {seconds: 3}
                - command: show clock
            """);

        Assert.Equal("succeeded", job.Status);
        var capture = Assert.Single(captures);
        var ofJob = await WaitForAsync(() => events.Where(e => e.JobId == job.JobId).ToList(),
            seen => seen.OfType<Core.Results.TaskFinished>().Any(f => f.Result.TaskIndex == 2), "the job's last task result");
        var lastTask = ofJob.FindIndex(e => e is Core.Results.TaskFinished { Result.TaskIndex: 2 });
        var progress = ofJob.Take(lastTask).OfType<Core.Results.CaptureProgressReported>().ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal((capture.CaptureId, "lab-sensor", "lo", 0, (int?)null),
            (p.CaptureId, p.Sensor, p.Interface, p.PlayIndex, p.BatchIndex)));
        // The first task's SSH exchange is counted before the pause ends; totals only grow and never pass the final summary.
        Assert.Contains(progress, p => p.Packets > 0 && p.TcpPackets == p.Packets && p.Bytes > 0);
        Assert.Equal(progress.Select(p => p.Packets).Order(), progress.Select(p => p.Packets));
        Assert.True(progress[^1].Packets <= capture.Packets, $"{progress[^1].Packets} > {capture.Packets}");
    }

    [Fact]
    public async Task Every_orchestrator_node_lists_and_finds_the_captures_of_the_whole_cluster()
    {
        var otherFolder = Directory.CreateTempSubdirectory("netfleet-second-orchestrator-").FullName;
        var settings = NodeSettings.Resolve(new NodeOptions
        {
            Roles = "orchestrator", Hostname = "127.0.0.1", Port = Loopback.FreePort(), SeedNodes = node.Settings.SelfAddress,
            Store = $"sqlite:{Path.Combine(otherFolder, "netfleet.db")}",
        }, _ => null);
        var other = await ClusterNode.StartAsync(settings, Serilog.Core.Logger.None);
        try
        {
            await WaitForAsync(() => other.Captures!.Ask<List<SensorView>>(ListSensors.Instance, TimeSpan.FromSeconds(10)), s => s.Count == 1,
                "the second orchestrator node finding the sensor");

            // The job runs on the first node (the oldest holds the job manager), so its capture is placed from there.
            var run = RunAsync($$"""
                - hosts: {{Device}}
                  capture: {sensor: lab-sensor, interface: lo, filter: "tcp port {{lab.Port}} and host {{DeviceAddress}}"}
                  tasks:
                    - command: show version
                    - pause: {seconds: 3}
                """);
            var running = await WaitForAsync(() => other.Captures!.Ask<List<CaptureView>>(ListCaptures.Instance, TimeSpan.FromSeconds(10)),
                l => l.Any(c => c.Status == CaptureStatus.Running), "the job's capture in the second node's list");
            var (job, _, captures) = await run;

            Assert.Equal("succeeded", job.Status);
            var capture = Assert.Single(captures);
            Assert.Equal(capture.CaptureId, Assert.Single(running).Id);
            var listed = Assert.Single(await other.Captures!.Ask<List<CaptureView>>(ListCaptures.Instance, TimeSpan.FromSeconds(10)));
            Assert.Equal((capture.CaptureId, "lab-sensor", CaptureStatus.Finished, capture.Packets),
                (listed.Id, listed.Sensor, listed.Status, listed.Result!.Summary.Packets));
            var shown = Assert.IsType<CaptureView>(await other.Captures.Ask<object>(new GetCapture(capture.CaptureId), TimeSpan.FromSeconds(10)));
            Assert.Equal(capture.Files.Select(Path.GetFileName), shown.FileNames);
            var located = Assert.IsType<CaptureLocated>(await other.Captures.Ask<object>(new LocateCapture(capture.CaptureId), TimeSpan.FromSeconds(10)));
            var chunk = Assert.IsType<FileChunk>(await located.Sensor.Ask<object>(new ReadFileChunk(capture.CaptureId, shown.FileNames[0], 0, 24),
                TimeSpan.FromSeconds(10)));
            // A pcap file's global header.
            Assert.Equal(24, chunk.Data.Length);
            var unknown = Assert.IsType<CaptureRefused>(await other.Captures.Ask<object>(new GetCapture("cap-none"), TimeSpan.FromSeconds(10)));
            Assert.Equal("no capture cap-none", unknown.Reason);
        }
        finally
        {
            await other.DisposeAsync();
            Directory.Delete(otherFolder, recursive: true);
        }
    }

    [Fact]
    public async Task A_capture_that_cannot_start_halts_the_job_before_any_device_is_touched()
    {
        foreach (var (selection, iface, expected) in new[]
                 {
                     ("sensor: lab-sensor", "eth9", "interface 'eth9' is not allowed on any sensor lab-sensor (lab-sensor allows lo)"),
                     ("tags: {site: nowhere}", "lo", "no sensors tagged site=nowhere in the cluster (sensors: lab-sensor [site=lab])"),
                     ("sensor: lab-sensor, filter: \"tcp prot 22\"", "lo", "tcp prot 22"),
                 })
        {
            var (job, tasks, captures) = await RunAsync($$"""
                - hosts: {{Device}}
                  capture: { {{selection}}, interface: {{iface}} }
                  tasks:
                    - config:
                        lines: ["ntp server 192.0.2.99"]
                """);

            Assert.Equal("halted", job.Status);
            Assert.Contains("the capture on", job.HaltReason, StringComparison.Ordinal);
            Assert.Contains(expected, job.HaltReason, StringComparison.Ordinal);
            Assert.Empty(tasks);
            Assert.Empty(captures);
            Assert.DoesNotContain("192.0.2.99", lab.Host.StateOf(Device).Read(s => s.RunningConfig), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_sensor_that_dies_mid_job_fails_its_capture_and_the_job_still_finishes()
    {
        var run = RunAsync($$"""
            - hosts: {{Device}}
              capture: {tags: {site: lab}, interface: lo, filter: "tcp port {{lab.Port}} and host {{DeviceAddress}}"}
              tasks:
                - command: show version
                - pause: {seconds: 4}
                - command: show clock
            """);
        var clock = Stopwatch.StartNew();
        while (!(await node.Captures!.Ask<List<CaptureView>>(ListCaptures.Instance, TimeSpan.FromSeconds(10))).Any(c => c.Status == CaptureStatus.Running))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the job's capture never started");
            await Task.Delay(100);
        }

        node.System.ActorSelection("/user/" + SensorActor.Name).Tell(PoisonPill.Instance);
        var (job, tasks, captures) = await run;

        Assert.Equal("succeeded", job.Status);
        Assert.Equal(3, tasks.Count);
        var capture = Assert.Single(captures);
        Assert.Equal(CaptureStatus.Failed, capture.Status);
        Assert.Contains("sensor lab-sensor", capture.Error, StringComparison.Ordinal);
        Assert.Contains("left the cluster or died during the capture", capture.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Per_batch_captures_each_see_only_their_own_batch()
    {
        var (job, tasks, captures) = await RunAsync($$"""
            - hosts: {{Device}},{{SecondDevice}}
              serial: 1
              capture:
                sensor: lab-sensor
                interface: lo
                filter: "tcp port {{lab.Port}} and (host {{DeviceAddress}} or host {{SecondAddress}})"
                per_batch: true
              tasks:
                - command: show version
            """);

        Assert.Equal("succeeded", job.Status);
        Assert.Equal(2, tasks.Count);
        Assert.Equal([0, 1], captures.Select(c => c.BatchIndex ?? -1));
        var talkers = captures.Select(c => JsonSerializer.Deserialize<TrafficSummary>(c.SummaryJson!, JobCaptureJson.Options)!.TopTalkers
            .Select(t => t.Address).Where(a => a != "127.0.0.1").ToHashSet()).ToList();
        // Sessions stay open between batches but are idle: each batch's capture holds its own device's traffic only.
        Assert.Equal([DeviceAddress], talkers[0]);
        Assert.Equal([SecondAddress], talkers[1]);
        Assert.All(captures, c => Assert.True(c.Status == CaptureStatus.Finished && c.Packets > 0 && c.Syn >= 1, $"{c.CaptureId}: {c.Status} {c.Packets}"));
    }

    [Fact]
    public async Task A_job_outside_a_cluster_fails_its_capture_block_clearly()
    {
        var path = Path.Combine(folder, "local.yaml");
        await File.WriteAllTextAsync(path, $$"""
            - hosts: {{Device}}
              capture: {sensor: lab-sensor, interface: lo}
              tasks:
                - command: show version
            """);
        var playbook = Core.Playbooks.PlaybookLoader.Load(path).Playbook!;
        var inventory = Core.Inventory.InventoryLoader.Load(lab.InventoryDirectory).Inventory!;
        await using var runner = JobRunner.Start(Serilog.Core.Logger.None);

        var summary = await runner.RunAsync(path, playbook, inventory, new JobOptions("capture-test") { KnownHostsPath = lab.KnownHosts },
            _ => { }, CancellationToken.None);

        Assert.Equal(Core.Results.JobOutcome.Halted, summary.Outcome);
        Assert.Empty(summary.Results);
        Assert.Contains("this node has no capture manager", summary.HaltReason, StringComparison.Ordinal);
    }

    /// <summary>Submits the playbook to the node's job manager and waits until the history shows the job ended.</summary>
    private async Task<(JobRow Job, IReadOnlyList<TaskRow> Tasks, IReadOnlyList<CaptureRow> Captures)> RunAsync(string playbook)
    {
        var path = Path.Combine(folder, $"play-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, playbook);
        var options = new JobOptions("capture-test")
        {
            JobId = JobLauncher.NewJobId(), InventoryPath = lab.InventoryDirectory, KnownHostsPath = lab.KnownHosts,
        };
        var (prepared, check) = await JobLauncher.PrepareAsync(new JobRequest(path, options), CancellationToken.None);
        Assert.True(prepared is not null, check.Report);
        var answer = await node.JobManager!.Ask<object>(prepared.Submission, TimeSpan.FromSeconds(30));
        Assert.True(answer is JobManagerProtocol.JobAccepted, (answer as JobManagerProtocol.JobRejected)?.Reason);

        var clock = Stopwatch.StartNew();
        while (true)
        {
            await projector.CatchUpAsync();
            if (await history.GetJobAsync(options.JobId) is { Status: not "running" } job)
            {
                return (job, await history.TaskResultsAsync(job.JobId), await history.CapturesAsync(job.JobId));
            }

            Assert.True(clock.Elapsed < JobTimeout, $"job {options.JobId} did not finish within {JobTimeout}");
            await Task.Delay(250);
        }
    }

    /// <summary>Every job event the node publishes from now on, in order.</summary>
    private async Task<ConcurrentQueue<Core.Results.JobEvent>> ListenToJobEventsAsync()
    {
        var events = new ConcurrentQueue<Core.Results.JobEvent>();
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.System.ActorOf(Props.Create(() => new EventListener(events, subscribed)));
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return events;
    }

    private static Task<T> WaitForAsync<T>(Func<T> read, Func<T, bool> done, string what) =>
        WaitForAsync(() => Task.FromResult(read()), done, what);

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"waited in vain for {what}");
            await Task.Delay(100);
        }
    }

    private sealed class EventListener : ReceiveActor
    {
        public EventListener(ConcurrentQueue<Core.Results.JobEvent> events, TaskCompletionSource subscribed)
        {
            Receive<SubscribeAck>(_ => subscribed.TrySetResult());
            Receive<Core.Results.JobEvent>(events.Enqueue);
        }

        protected override void PreStart() =>
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(JobManagerProtocol.EventsTopic, Self));
    }

    /// <summary>A lab of its own (two devices on addresses no other test uses) and its inventory.</summary>
    public sealed class Lab : IAsyncLifetime
    {
        private readonly LabFixture fixture = new(port => new LabSpec(port, TimeSpan.FromMilliseconds(200),
        [
            new LabDevice(Device, DeviceAddress, "cisco_ios", DeviceFaults.None),
            new LabDevice(SecondDevice, SecondAddress, "arista_eos", DeviceFaults.None),
        ]));

        public LabHost Host => fixture.Host;
        public int Port => fixture.Spec.Port;
        public string KnownHosts => fixture.Paths.KnownHosts;
        public string InventoryDirectory { get; } = Directory.CreateTempSubdirectory("netfleet-capture-inventory-").FullName;

        public async Task InitializeAsync()
        {
            await fixture.InitializeAsync();
            LabInventoryWriter.Write(fixture.Spec, fixture.Paths, InventoryDirectory);
        }

        public async Task DisposeAsync()
        {
            await fixture.DisposeAsync();
            Directory.Delete(InventoryDirectory, recursive: true);
        }
    }

    /// <summary>Debian's tcpdump beside the sensor, on the same filter: the reference count.</summary>
    private sealed class TcpdumpProcess : IAsyncDisposable
    {
        private readonly Process process;

        private TcpdumpProcess(Process process) => this.process = process;

        /// <summary>Not in immediate mode: with it, libpcap loses packets on lo without counting them.</summary>
        public static async Task<TcpdumpProcess> StartAsync(string file, string filter)
        {
            var start = new ProcessStartInfo("tcpdump") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { "-i", "lo", "-n", "-U", "-w", file, filter }) start.ArgumentList.Add(arg);
            var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                if (!line.Contains("listening on", StringComparison.Ordinal)) continue;
                _ = process.StandardError.ReadToEndAsync();
                return new TcpdumpProcess(process);
            }

            throw new InvalidOperationException($"tcpdump did not start (exit {process.ExitCode})");
        }

        /// <summary>Waits out tcpdump's one-second buffer timeout, then interrupts it so it flushes its file.</summary>
        public async Task StopAsync()
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            if (process.HasExited) return;
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }

        /// <summary>Every packet's time in the file (<c>tcpdump -tt -r</c>), in Unix microseconds.</summary>
        public static async Task<List<long>> TimestampsAsync(string file)
        {
            var start = new ProcessStartInfo("tcpdump") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { "-n", "-tt", "-r", file }) start.ArgumentList.Add(arg);
            using var reader = Process.Start(start)!;
            var error = reader.StandardError.ReadToEndAsync();
            var stamps = new List<long>();
            while (await reader.StandardOutput.ReadLineAsync() is { } line)
            {
                var seconds = line[..line.IndexOf(' ', StringComparison.Ordinal)];
                var dot = seconds.IndexOf('.', StringComparison.Ordinal);
                stamps.Add(long.Parse(seconds[..dot], CultureInfo.InvariantCulture) * 1_000_000 + long.Parse(seconds[(dot + 1)..], CultureInfo.InvariantCulture));
            }

            await reader.WaitForExitAsync();
            Assert.True(reader.ExitCode == 0, await error);
            return stamps;
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}

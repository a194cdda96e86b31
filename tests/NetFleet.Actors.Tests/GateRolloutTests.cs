using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Akka.Actor;
using NetFleet.Actors.Jobs;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Node;
using NetFleet.Node.History;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>
/// Rollouts judged by what happens after the change, against a lab of its own: <c>wait_for</c> post-checks that wait for
/// state the device reaches later, and a play's <c>gate:</c> whose TCP probe goes to a loopback service that stops
/// answering once the change reaches the device (the traffic the change broke). Jobs run on a single-process node with
/// a SQLite store; the history is read as <c>netfleet jobs show</c> reads it.
/// </summary>
public sealed class GateRolloutTests(GateRolloutTests.Lab lab) : IClassFixture<GateRolloutTests.Lab>, IAsyncLifetime
{
    private const string Blackhole = "ip route 198.18.9.0 255.255.255.0 Null0";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-gate-test-").FullName;
    private ClusterNode node = null!;
    private HistoryStore history = null!;
    private HistoryProjector projector = null!;

    public Task InitializeAsync() => StartNodeAsync();

    public async Task DisposeAsync()
    {
        await StopNodeAsync();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A node on the test's store: the first, or the one that takes the open jobs up after the last one stopped.</summary>
    private async Task StartNodeAsync()
    {
        var settings = NodeSettings.Resolve(new NodeOptions
        {
            Roles = "orchestrator,worker", Hostname = "127.0.0.1", Port = Loopback.FreePort(), Store = $"sqlite:{Path.Combine(folder, "netfleet.db")}",
        }, _ => null);
        node = await ClusterNode.StartAsync(settings, Serilog.Core.Logger.None);
        history = new HistoryStore(node.Store);
        projector = new HistoryProjector(node.System, history, Serilog.Core.Logger.None);
    }

    private async Task StopNodeAsync()
    {
        projector.Dispose();
        await node.DisposeAsync();
    }

    [Fact]
    public async Task A_gate_whose_traffic_dies_with_the_change_halts_the_job_rolls_the_batch_back_and_records_baseline_measurement_and_verdict()
    {
        var before = new[] { "ios-g1", "ios-g2" }.ToDictionary(d => d, lab.Running);
        using var service = new LoopbackService();
        // The service behind the router stops answering when the route reaches the device: the change broke the path. (The
        // gate's settle time covers this watcher's polling, however busy the machine.)
        using var watch = new CancellationTokenSource();
        var breaker = Task.Run(async () =>
        {
            while (!lab.Running("ios-g1").Contains(Blackhole, StringComparison.Ordinal)) await Task.Delay(20, watch.Token);
            service.Stop();
        });

        var (job, tasks, gates) = await RunAsync(GatedPlay("ios-g1,ios-g2", service.Port));
        await watch.CancelAsync();

        Assert.Equal("halted", job.Status);
        Assert.Contains("gate after batch 1 of play 'blackhole' failed", job.HaltReason);
        Assert.Contains($"probe 127.0.0.1:{service.Port} (tcp): loss 100% > max_loss 20%", job.HaltReason);
        // The canary was rolled back to its exact configuration; the second batch never started.
        Assert.Equal(before["ios-g1"], lab.Running("ios-g1"));
        Assert.Equal(before["ios-g2"], lab.Running("ios-g2"));
        Assert.Equal(["ios-g1"], tasks.Select(t => t.Device).Distinct());

        var gate = Assert.Single(gates);
        Assert.Equal((0, 0, "failed"), (gate.PlayIndex, gate.BatchIndex, gate.Verdict));
        Assert.Equal((0.0, 100.0), (gate.BaselineLoss, gate.MeasuredLoss));
        Assert.NotNull(gate.BaselineLatencyMs);
        Assert.Null(gate.MeasuredLatencyMs);
        // The lab's agents answer SNMP: the device's error counters were read before and after.
        Assert.NotNull(gate.BaselineIfErrorRate);
        Assert.NotNull(gate.MeasuredIfErrorRate);
        Assert.Contains(gate.Failures, f => f.Contains("loss 100%", StringComparison.Ordinal));
        Assert.True(gate.BaselineAt < gate.MeasuredAt && gate.MeasuredAt <= gate.JudgedAt);
        using var measured = JsonDocument.Parse(gate.MeasuredJson!);
        var probe = measured.RootElement.GetProperty("probes")[0];
        Assert.Equal((5, 0), (probe.GetProperty("sent").GetInt32(), probe.GetProperty("received").GetInt32()));
        await breaker;
    }

    [Fact]
    public async Task A_healthy_gate_passes_and_the_rollout_goes_on()
    {
        using var service = new LoopbackService();
        var (job, tasks, gates) = await RunAsync(GatedPlay("ios-g3,ios-g4", service.Port));

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}");
        Assert.Equal(["changed", "changed"], tasks.Select(t => t.Status));
        Assert.Contains(Blackhole, lab.Running("ios-g4"));
        Assert.Equal([(0, "passed"), (1, "passed")], gates.Select(g => (g.BatchIndex, g.Verdict)));
        Assert.All(gates, g => Assert.Equal((0.0, 0.0), (g.BaselineLoss, g.MeasuredLoss)));
        Assert.All(gates, g => Assert.Empty(g.Failures));
    }

    [Fact]
    public async Task A_wait_for_post_check_waits_for_state_the_device_reaches_later()
    {
        // The interface comes up a while after the change, as a routing session would.
        var riser = Task.Run(async () =>
        {
            while (!lab.Running("ios-w1").Contains("ntp server 192.0.2.61", StringComparison.Ordinal)) await Task.Delay(20);
            await Task.Delay(2000);
            lab.Host.StateOf("ios-w1").Update(s => s.RunningConfig += "\ninterface Loopback9\n ip address 198.18.9.9 255.255.255.255\n");
        });

        var (job, tasks, _) = await RunAsync(WaitForPlay("ios-w1", "Loopback9", "20s"));
        await riser;

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}; {tasks.FirstOrDefault()?.Message}");
        var task = Assert.Single(tasks);
        Assert.Equal("changed", task.Status);
        var attempts = int.Parse(System.Text.RegularExpressions.Regex.Match(task.Output!, "wait_for 'loopback up' held on attempt ([0-9]+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(attempts >= 2, task.Output);
    }

    [Fact]
    public async Task A_wait_for_post_check_that_times_out_rolls_the_device_back_with_its_last_failing_condition()
    {
        var before = lab.Running("ios-w2");
        var (job, tasks, _) = await RunAsync(WaitForPlay("ios-w2", "Loopback99", "2s"));

        Assert.Equal("failed", job.Status);
        var task = Assert.Single(tasks);
        Assert.Equal("failed", task.Status);
        Assert.Matches("post-check 'loopback up' failed: still .*Loopback99.* is false after [0-9]+ attempt\\(s\\) in [0-9.]+s \\(timeout 2s\\); last output:",
            task.Message);
        Assert.Contains("Loopback0", task.Message);
        Assert.Contains("(verified", task.Message);
        Assert.Equal(before, lab.Running("ios-w2"));
    }

    [Fact]
    public async Task A_job_taken_up_by_another_node_keeps_the_gates_it_judged_and_judges_the_rest()
    {
        using var service = new LoopbackService();
        var jobId = await SubmitAsync(GatedPlay("ios-g5,ios-g6", service.Port, "approval: true"));
        // Batch one is judged; the job waits for the approval of batch two when its node stops.
        var first = await WaitForAsync(async () =>
        {
            await projector.CatchUpAsync();
            return (await history.GatesAsync(jobId)).FirstOrDefault(g => g.Verdict is not null && g.BatchIndex == 0) is { } judged
                && await history.WaitsForApprovalAsync(jobId) ? judged : null;
        });
        Assert.Equal("passed", first.Verdict);
        await StopNodeAsync();

        await StartNodeAsync();
        var approved = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.System.ActorOf(JobApprovals.WriterProps(jobId, "approver", node.System.ActorOf(Props.Create(() => new Relay(approved)))));
        Assert.IsType<JobApprovals.Approved>(await approved.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        var (job, tasks, gates) = await WaitForEndAsync(jobId);

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}");
        Assert.Equal(1, job.Resumes);
        Assert.Equal(["ios-g5", "ios-g6"], tasks.Select(t => t.Device));
        Assert.Equal([(0, "passed"), (1, "passed")], gates.Select(g => (g.BatchIndex, g.Verdict)));
        // Batch one's gate was neither measured nor judged again by the second node.
        Assert.Equal((first.BaselineAt, first.MeasuredAt, first.JudgedAt), (gates[0].BaselineAt, gates[0].MeasuredAt, gates[0].JudgedAt));
        Assert.True(gates[1].BaselineAt > first.JudgedAt);
    }

    private static string GatedPlay(string hosts, int port, string extra = "") => $$"""
        - name: blackhole
          hosts: {{hosts}}
          serial: 1
          confirm_minutes: 2
          {{extra}}
          gate:
            probes:
              - to: 127.0.0.1:{{port}}
                kind: tcp
                count: 5
                interval: 50ms
                timeout: 1s
            max_loss: 20%
            max_latency_increase: 500ms
            max_if_error_rate: 1000/s
            window: 1s
            settle: 1s
          tasks:
            - config:
                lines: ["{{Blackhole}}"]
        """;

    private static string WaitForPlay(string host, string loopback, string timeout) => $$"""
        - hosts: {{host}}
          confirm_minutes: 2
          post_checks:
            - name: loopback up
              wait_for:
                command: show ip interface brief
                parse: textfsm
                that: ["(parsed | array.map 'interface') | array.contains '{{loopback}}'"]
                timeout: {{timeout}}
                interval: 300ms
          tasks:
            - config:
                lines: ["ntp server 192.0.2.61"]
        """;

    /// <summary>Submits the playbook to the node's job manager and waits until the history shows the job ended.</summary>
    private async Task<(JobRow Job, IReadOnlyList<TaskRow> Tasks, IReadOnlyList<GateRow> Gates)> RunAsync(string playbook) =>
        await WaitForEndAsync(await SubmitAsync(playbook));

    private async Task<string> SubmitAsync(string playbook)
    {
        var path = Path.Combine(folder, $"play-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, playbook);
        var options = new JobOptions("gate-test")
        {
            JobId = JobLauncher.NewJobId(), InventoryPath = lab.InventoryDirectory, KnownHostsPath = lab.KnownHosts,
        };
        var (prepared, check) = await JobLauncher.PrepareAsync(new JobRequest(path, options), CancellationToken.None);
        Assert.True(prepared is not null, check.Report);
        var answer = await node.JobManager!.Ask<object>(prepared.Submission, TimeSpan.FromSeconds(30));
        Assert.True(answer is JobManagerProtocol.JobAccepted, (answer as JobManagerProtocol.JobRejected)?.Reason);
        return options.JobId;
    }

    private async Task<(JobRow Job, IReadOnlyList<TaskRow> Tasks, IReadOnlyList<GateRow> Gates)> WaitForEndAsync(string jobId)
    {
        var job = await WaitForAsync(async () =>
        {
            await projector.CatchUpAsync();
            return await history.GetJobAsync(jobId) is { Status: not "running" } ended ? ended : null;
        });
        return (job, await history.TaskResultsAsync(jobId), await history.GatesAsync(jobId));
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await read() is { } value) return value;
            Assert.True(clock.Elapsed < JobTimeout, $"waited {JobTimeout} in vain");
            await Task.Delay(250);
        }
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay(TaskCompletionSource<object> reply) => ReceiveAny(m => reply.TrySetResult(m));
    }

    /// <summary>A TCP service on loopback that accepts until it is stopped; afterwards connects to its port are refused.</summary>
    private sealed class LoopbackService : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);

        public LoopbackService()
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _ = AcceptAsync();
        }

        public int Port { get; }

        public void Stop() => listener.Stop();

        public void Dispose()
        {
            listener.Stop();
            listener.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true) (await listener.AcceptTcpClientAsync()).Dispose();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // Stopped.
            }
        }
    }

    /// <summary>A lab of its own (devices on addresses no other test uses) and its inventory.</summary>
    public sealed class Lab : IAsyncLifetime
    {
        private readonly LabFixture fixture = new(port => new LabSpec(port, TimeSpan.FromMilliseconds(1500),
        [
            .. Enumerable.Range(1, 6).Select(i => new LabDevice($"ios-g{i}", $"127.0.79.{i}", "cisco_ios", DeviceFaults.None)),
            .. Enumerable.Range(1, 2).Select(i => new LabDevice($"ios-w{i}", $"127.0.79.{10 + i}", "cisco_ios", DeviceFaults.None)),
        ]));

        public LabHost Host => fixture.Host;
        public string KnownHosts => fixture.Paths.KnownHosts;
        public string InventoryDirectory { get; } = Directory.CreateTempSubdirectory("netfleet-gate-inventory-").FullName;

        public string Running(string device) => Host.StateOf(device).Read(s => s.RunningConfig);

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
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Serialization;
using NetFleet.Actors;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Jobs;
using NetFleet.Actors.Wire;
using NetFleet.Core.Results;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Node;
using NetFleet.Node.Hosting;
using NetFleet.Testing;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Cluster.Tests;

/// <summary>
/// Bound to <c>System.Object</c> in the nodes of <see cref="WireFormatTests"/>: a message without a serializer binding of
/// its own would cross on Akka's default (Newtonsoft) serializer; here it is refused and recorded instead.
/// </summary>
public sealed class DefaultSerializerGuard(ExtendedActorSystem system) : Serializer(system)
{
    public const int Id = 4199;

    /// <summary>The types refused, in every system of the process (only the wire test binds this serializer).</summary>
    public static readonly ConcurrentQueue<string> Refused = new();

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        Refused.Enqueue(obj.GetType().FullName!);
        throw new SerializationException($"{obj.GetType().FullName} has no serializer binding of its own and would cross on the default serializer");
    }

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"{type?.FullName} arrived on the default serializer");
}

/// <summary>
/// Two nodes in one process on loopback, whose only serializer for unbound types refuses (<see cref="DefaultSerializerGuard"/>):
/// node A holds the job manager and the capture manager, node B the device shards and a sensor. A job submitted on B
/// runs on A, its device work (SSH command and config, SNMP v3, probes) on B against the real lab, its events are
/// published back to B, and a capture placed from A runs on B; every message on the way must have its own binding.
/// </summary>
[Collection("cluster")]
public sealed class WireFormatTests(WireFormatTests.Lab lab) : IClassFixture<WireFormatTests.Lab>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public sealed class Lab : IAsyncLifetime
    {
        public LabFixture Fixture { get; } = new(port => new LabSpec(port, TimeSpan.FromSeconds(1),
            [new LabDevice("ios-w1", "127.0.91.1", "cisco_ios", DeviceFaults.None), new LabDevice("eos-w1", "127.0.91.2", "arista_eos", DeviceFaults.None)]));

        public string Folder { get; } = Directory.CreateTempSubdirectory("netfleet-wire-").FullName;

        public string Inventory => Path.Combine(Folder, "inventory");

        public async Task InitializeAsync()
        {
            await Fixture.InitializeAsync();
            LabInventoryWriter.Write(Fixture.Spec, Fixture.Paths, Inventory);
        }

        public async Task DisposeAsync()
        {
            await Fixture.DisposeAsync();
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static readonly Config Strict = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.default-guard = "{{typeof(DefaultSerializerGuard).AssemblyQualifiedName}}"
          serialization-bindings { "System.Object" = default-guard }
          serialization-identifiers { "{{typeof(DefaultSerializerGuard).AssemblyQualifiedName}}" = {{DefaultSerializerGuard.Id}} }
        }
        """).WithFallback(WireFormat.ClusterKeyConfig(SecretSeal.NewKey()));

    private ClusterNode a = null!;
    private ClusterNode b = null!;

    public async Task InitializeAsync()
    {
        var store = $"sqlite:{Path.Combine(lab.Folder, "netfleet.db")}";
        var portA = Loopback.FreePort();
        a = await ClusterNode.StartAsync(NodeSettings.Resolve(new NodeOptions { Roles = "orchestrator", Hostname = "127.0.0.1", Port = portA, Store = store },
            _ => null), Serilog.Core.Logger.None, config: Strict);
        b = await ClusterNode.StartAsync(NodeSettings.Resolve(new NodeOptions
        {
            Roles = "worker,sensor", Hostname = "127.0.0.1", Port = Loopback.FreePort(), SeedNodes = a.Settings.SelfAddress, Store = store,
            SensorName = "wire-sensor", SensorInterfaces = "lo",
        }, _ => null), Serilog.Core.Logger.None, config: Strict);
        await WaitForAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(a.System).State.Members.Count(m => m.Status == MemberStatus.Up)), n => n == 2,
            "both nodes up");
    }

    public async Task DisposeAsync()
    {
        await b.DisposeAsync();
        await a.DisposeAsync();
    }

    [Fact]
    public async Task A_job_and_a_capture_across_two_nodes_use_only_explicitly_bound_messages()
    {
        var events = new ConcurrentQueue<JobEvent>();
        var listener = b.System.ActorOf(Props.Create(() => new Listener(events)));
        await DistributedPubSub.Get(b.System).Mediator.Ask<SubscribeAck>(new Subscribe(JobManagerProtocol.EventsTopic, listener), Timeout);
        // Node A publishes only to the nodes whose subscriptions its mediator has learnt by gossip.
        await WaitForAsync(() => DistributedPubSub.Get(a.System).Mediator.Ask<CurrentTopics>(GetTopics.Instance, Timeout),
            t => t.Topics.Contains(JobManagerProtocol.EventsTopic), "node A knowing node B's subscription");
        await WaitForAsync(() => a.Captures!.Ask<List<SensorView>>(ListSensors.Instance, Timeout), s => s.Count == 1, "node A finding B's sensor");

        var placed = await a.Captures!.Ask<object>(new RequestCapture("wire-sensor", [], "lo") { Filter = $"tcp port {lab.Fixture.Spec.Port}", DurationSeconds = 300 }, Timeout);
        var capture = Assert.IsType<CaptureAccepted>(placed).Capture;

        var playbook = Path.Combine(lab.Folder, "wire.yaml");
        await File.WriteAllTextAsync(playbook, $$$"""
            - hosts: all
              tasks:
                - command: show version
                - config:
                    lines: ["ntp server 192.0.2.61"]
                - snmp_get: {oids: [sysName.0], version: v3}
                  register: name
                - assert:
                    that: 'name.variables["sysName.0"] != ""'
                - probe:
                    targets: ["{{ host.hostname }}:{{{lab.Fixture.Spec.Port}}}"]
                    count: 2
                    interval: 100ms
                  register: reach
                - assert:
                    that: "reach.received == reach.sent"
            """);
        var jobId = JobLauncher.NewJobId();
        var options = new JobOptions("wire-test") { JobId = jobId, InventoryPath = lab.Inventory, KnownHostsPath = lab.Fixture.Paths.KnownHosts };
        var (job, check) = await JobLauncher.PrepareAsync(new JobRequest(playbook, options), CancellationToken.None);
        Assert.True(job is not null, check.Report);
        var submitted = job.Submission;
        // Submitted from B through its own proxy, so the submission and the answer cross too.
        var proxy = b.System.ActorOf(ClusterSingletonProxy.Props("/user/" + NetFleetHosting.JobManagerName,
            ClusterSingletonProxySettings.Create(b.System).WithRole(NodeSettings.Orchestrator).WithSingletonName(NetFleetHosting.JobManagerName)));
        object accepted;
        try
        {
            accepted = await proxy.Ask<object>(submitted, TimeSpan.FromSeconds(30));
        }
        catch (AskTimeoutException)
        {
            throw new Xunit.Sdk.XunitException("the job manager did not answer; refused on the default serializer: "
                + string.Join(", ", DefaultSerializerGuard.Refused.Distinct()));
        }

        Assert.IsType<JobManagerProtocol.JobAccepted>(accepted);

        var finished = await WaitForAsync(() => Task.FromResult(events.OfType<JobFinished>().FirstOrDefault(f => f.JobId == jobId)), f => f is not null,
            "the job's end, published to node B", TimeSpan.FromMinutes(2));
        var summary = finished!.Summary;
        Assert.True(summary.Outcome == JobOutcome.Succeeded,
            string.Join("\n", summary.Results.Select(r => $"{r.Device} {r.Task}: {r.Outcome} {r.Message}")) + "\nrefused: " + string.Join(", ", DefaultSerializerGuard.Refused));
        Assert.Equal(2 * 6, summary.Results.Count);
        Assert.Equal(2, summary.Results.Count(r => r.Outcome == TaskOutcome.Changed));
        Assert.Contains(events, e => e is Core.Results.TaskFinished { Result.Module: "snmp_get" } f && f.JobId == jobId);

        var stopped = Assert.IsType<CaptureView>(await a.Captures.Ask<object>(new StopCapture(capture.Id), Timeout));
        var done = await WaitForAsync(() => a.Captures.Ask<object>(new GetCapture(capture.Id), Timeout),
            v => v is CaptureView { Status: CaptureStatus.Finished }, "the capture's end");
        var view = (CaptureView)done;
        Assert.Equal(("wire-sensor", b.Settings.SelfAddress), (stopped.Sensor, view.SensorAddress));
        Assert.True(view.Result!.Summary.Packets > 0, "the capture saw none of the job's SSH traffic");
        Assert.Contains(await a.Captures.Ask<List<CaptureView>>(ListCaptures.Instance, Timeout), c => c.Id == capture.Id);
        var located = Assert.IsType<CaptureLocated>(await a.Captures.Ask<object>(new LocateCapture(capture.Id), Timeout));
        var chunk = Assert.IsType<FileChunk>(await located.Sensor.Ask<object>(new ReadFileChunk(capture.Id, view.FileNames[0], 0, 24), Timeout));
        Assert.Equal(24, chunk.Data.Length);
        Directory.Delete(Path.Combine(ClusterNode.CaptureDirectory, capture.Id), recursive: true);

        Assert.True(DefaultSerializerGuard.Refused.IsEmpty,
            "crossed without a binding of their own: " + string.Join(", ", DefaultSerializerGuard.Refused.Distinct()));
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(ConcurrentQueue<JobEvent> events) => Receive<JobEvent>(events.Enqueue);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            Assert.True(clock.Elapsed < (within ?? TimeSpan.FromSeconds(30)),
                $"timed out waiting for {what}; refused by the default serializer guard: {string.Join(", ", DefaultSerializerGuard.Refused)}");
            await Task.Delay(200);
        }
    }
}

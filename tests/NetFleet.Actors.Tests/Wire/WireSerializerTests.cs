using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Actors.Scheduling;
using NetFleet.Actors.Wire;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using NetFleet.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Tests.Wire;

public sealed class WireSerializerTests : IAsyncLifetime
{
    private static readonly string Key = SecretSeal.NewKey();
    private readonly ActorSystem system = ActorSystem.Create("wire", JobRunner.SystemConfig.WithFallback(WireFormat.ClusterKeyConfig(Key)));
    private readonly Address address = new("akka.tcp", "netfleet", "127.0.0.1", 4053);
    private IActorRef actor = null!;

    private sealed class Quiet : ReceiveActor;

    /// <summary>A device request type no module registered.</summary>
    private sealed record Unregistered(string What) : DeviceRequest;

    public Task InitializeAsync()
    {
        actor = system.ActorOf(Props.Create<Quiet>(), "sensor");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await system.Terminate();

    private WireSerializer Serializer(string? key = null, bool tls = false) =>
        new((ExtendedActorSystem)system, WireFormat.Messages,
            SecretSeal.For(ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.enable-ssl = {(tls ? "true" : "false")}"), _ => key));

    [Fact]
    public void Every_wire_message_is_bound_to_the_wire_serializer_and_round_trips_equal()
    {
        var messages = WireSamples.Messages(actor, address);
        Assert.Equal(WireFormat.Messages.Keys.OrderBy(t => t.FullName), messages.Select(m => m.GetType()).Distinct().OrderBy(t => t.FullName));
        foreach (var message in messages)
        {
            var serializer = Assert.IsType<WireSerializer>(system.Serialization.FindSerializerFor(message));
            var manifest = serializer.Manifest(message);
            var back = serializer.FromBinary(serializer.ToBinary(message), manifest);
            Equivalence.AssertEquivalent(message, back, manifest);
        }
    }

    [Fact]
    public void The_samples_set_every_field_so_a_dropped_one_would_show()
    {
        // DisablePaging defaults to true: the sample's false is the value that shows.
        var exempt = new HashSet<(Type, string)> { (typeof(DeviceConnectionOptions), nameof(DeviceConnectionOptions.DisablePaging)) };
        foreach (var message in WireSamples.Messages(actor, address)) Equivalence.AssertAllSet(message, message.GetType().Name, exempt);
    }

    [Fact]
    public void Every_device_request_type_crosses_with_its_discriminator()
    {
        var requests = WireSamples.DeviceRequests;
        Assert.Equal(WireFormat.DeviceRequests.Keys.OrderBy(t => t.FullName), requests.Select(r => r.GetType()).OrderBy(t => t.FullName));
        var serializer = Serializer(Key);
        foreach (var request in requests)
        {
            var json = Encoding.UTF8.GetString(serializer.ToBinary(WireSamples.Run(request)));
            Assert.Contains($"\"$request\":\"{WireFormat.DeviceRequests[request.GetType()]}\"", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_protocol_message_job_event_and_device_request_type_has_a_wire_name()
    {
        var types = new[] { typeof(WireFormat).Assembly, typeof(JobEvent).Assembly }.SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && !t.IsAbstract).ToList();
        Type[] protocols = [typeof(DeviceProtocol), typeof(CaptureProtocol), typeof(JobManagerProtocol), typeof(ScheduleProtocol)];
        var messages = types.Where(t => typeof(JobEvent).IsAssignableFrom(t) || typeof(IDeviceMessage).IsAssignableFrom(t)
            || (t.IsNestedPublic && protocols.Contains(t.DeclaringType)));
        // A SensorCapture travels only inside SensorCaptures; schedule and slot views only inside a ScheduleList.
        Assert.Empty(messages.Except(WireFormat.Messages.Keys)
            .Except([typeof(CaptureProtocol.SensorCapture), typeof(ScheduleProtocol.ScheduleView), typeof(ScheduleProtocol.SlotView)]));
        Assert.Empty(types.Where(t => typeof(DeviceRequest).IsAssignableFrom(t)).Except(WireFormat.DeviceRequests.Keys));
    }

    [Fact]
    public void Manifests_and_device_request_names_are_pinned()
    {
        string[] manifests =
        [
            "capture.accepted.v1", "capture.failed.v1", "capture.file-chunk.v1", "capture.finished.v1", "capture.follow.v1", "capture.get-sensor-info.v1",
            "capture.get.v1", "capture.list-sensor-captures.v1", "capture.list-sensors.v1", "capture.list.v1", "capture.located.v1", "capture.locate.v1",
            "capture.progressed.v1", "capture.read-file-chunk.v1", "capture.refused.v1", "capture.request.v1", "capture.sensor-captures.v1",
            "capture.sensor-info.v1", "capture.sensor-view.v1", "capture.start.v1", "capture.started.v1", "capture.stop.v1", "capture.view.v1",
            "device.close-session.v1", "device.entity-stop.v1", "device.get-session-status.v1", "device.request-accepted.v1",
            "device.request-completed.v1", "device.request-failed.v1", "device.run-request.v1", "device.session-status.v1",
            "job-event.approval-granted.v1", "job-event.approval-requested.v1", "job-event.batch-started.v1", "job-event.capture-progress.v1",
            "job-event.job-finished.v1", "job-event.job-started.v1", "job-event.play-started.v1", "job-event.task-finished.v1",
            "job-event.task-started.v1", "job.accepted.v1", "job.cancel-accepted.v1", "job.cancel.v1", "job.get-status.v1", "job.rejected.v1", "job.status.v1",
            "schedule.add.v1", "schedule.done.v1", "schedule.list-answer.v1", "schedule.list.v1", "schedule.pause.v1", "schedule.refused.v1",
            "schedule.remove.v1", "schedule.resume.v1",
        ];
        string[] requests =
        [
            "apply-config.v1", "backup-config.v1", "confirm-config.v1", "probe-targets.v1", "read-config.v1", "restore-config.v1", "send-command.v1", "snmp-get.v1",
            "snmp-poll.v1", "snmp-set.v1", "snmp-walk.v1", "netconf-get.v1", "netconf-read-config.v1", "netconf-edit-config.v1",
            "netconf-confirm.v1", "netconf-restore.v1", "check-compliance.v1",
        ];
        Assert.Equal(manifests.Order(StringComparer.Ordinal), WireFormat.Messages.Values.Order(StringComparer.Ordinal));
        Assert.Equal(requests.Order(StringComparer.Ordinal), WireFormat.DeviceRequests.Values.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Module_data_comes_back_as_plain_values_doubles_as_doubles_and_integers_as_longs()
    {
        var completed = new DeviceRequestCompleted("ios-1", 1, null, false, null, TimeSpan.Zero, TimeSpan.Zero)
        {
            Data = new Dictionary<string, object?> { ["whole"] = 100.0, ["int"] = 7, ["list"] = new[] { 1, 2 }, ["text"] = "x" },
        };
        var serializer = Serializer(Key);
        var back = (DeviceRequestCompleted)serializer.FromBinary(serializer.ToBinary(completed), serializer.Manifest(completed));
        Assert.Equal(100.0, Assert.IsType<double>(back.Data!["whole"]));
        Assert.Equal(7L, Assert.IsType<long>(back.Data["int"]));
        Assert.Equal([1L, 2L], Assert.IsType<List<object?>>(back.Data["list"]));
        Assert.Equal("x", back.Data["text"]);
    }

    [Fact]
    public void Secrets_are_sealed_in_the_bytes_and_opened_on_a_node_with_the_same_key()
    {
        var run = WireSamples.Run(WireSamples.DeviceRequests.OfType<SnmpGet>().Single());
        var bytes = Serializer(Key).ToBinary(run);
        var text = Encoding.UTF8.GetString(bytes);
        foreach (var secret in WireSamples.Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), text, StringComparison.Ordinal);
        }

        Assert.Contains("ios-1", text, StringComparison.Ordinal);
        var back = (RunDeviceRequest)Serializer(Key).FromBinary(bytes, WireFormat.Messages[typeof(RunDeviceRequest)]);
        Equivalence.AssertEquivalent(run, back, "run");
    }

    [Fact]
    public void Over_plain_tcp_without_a_cluster_key_a_secret_is_refused_naming_the_variable()
    {
        var serializer = Serializer(key: null);
        var error = Assert.Throws<SerializationException>(() => serializer.ToBinary(WireSamples.Run(new ReadConfig())));
        Assert.Contains(WireFormat.ClusterKeyVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("SshCredentials.Password", error.Message, StringComparison.Ordinal);

        // Messages without secrets still cross.
        var failed = new DeviceRequestFailed("ios-1", 1, FailureKind.Dropped, "gone", TimeSpan.Zero, 1);
        Assert.Equal(failed, serializer.FromBinary(serializer.ToBinary(failed), serializer.Manifest(failed)));
    }

    [Fact]
    public void Inside_remoting_tls_without_a_cluster_key_secrets_cross_as_they_are()
    {
        var serializer = Serializer(key: null, tls: true);
        var run = WireSamples.Run(new ReadConfig());
        var back = (RunDeviceRequest)serializer.FromBinary(serializer.ToBinary(run), serializer.Manifest(run));
        Assert.Equal(WireSamples.Password, back.Connection.Credentials.Password);
    }

    [Fact]
    public void A_secret_sealed_under_another_key_is_refused_not_misread()
    {
        var run = WireSamples.Run(new ReadConfig());
        var bytes = Serializer(SecretSeal.NewKey()).ToBinary(run);
        var error = Assert.Throws<SerializationException>(() => Serializer(Key).FromBinary(bytes, Serializer(Key).Manifest(run)));
        Assert.Contains("another cluster key", error.Message, StringComparison.Ordinal);
        var noKey = Assert.Throws<SerializationException>(() => Serializer(key: null).FromBinary(bytes, Serializer(Key).Manifest(run)));
        Assert.Contains(WireFormat.ClusterKeyVariable, noKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_key_that_is_not_32_bytes_of_base64_is_an_error_naming_the_variable()
    {
        var error = Assert.Throws<ArgumentException>(() => SecretSeal.For(Config.Empty, _ => "c2hvcnQ="));
        Assert.Contains(WireFormat.ClusterKeyVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_actor_system_with_a_malformed_cluster_key_does_not_start()
    {
        var error = Assert.ThrowsAny<Exception>(() =>
            ActorSystem.Create("wire-bad-key", WireFormat.ClusterKeyConfig("c2hvcnQ=").WithFallback(JobRunner.SystemConfig)));
        Assert.Contains(WireFormat.ClusterKeyVariable, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_request_type_without_a_wire_name_fails_naming_it()
    {
        var error = Assert.Throws<SerializationException>(() => Serializer(Key).ToBinary(WireSamples.Run(new Unregistered("x"))));
        Assert.Contains(nameof(Unregistered), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_renamed_message_type_still_reads_its_manifest()
    {
        var old = new CloseSession("ios-1");
        var bytes = Serializer(Key).ToBinary(old);
        var renamed = new WireSerializer((ExtendedActorSystem)system,
            new Dictionary<Type, string> { [typeof(RenamedCloseSession)] = WireFormat.Messages[typeof(CloseSession)] });
        Assert.Equal(new RenamedCloseSession("ios-1"), renamed.FromBinary(bytes, "device.close-session.v1"));
    }

    private sealed record RenamedCloseSession(string Device);
}

using Akka.Configuration;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Actors.Scheduling;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using static NetFleet.Actors.Capture.CaptureProtocol;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Wire;

/// <summary>
/// The contracts of every message that crosses nodes: one stable manifest per message type (<c>area.name.vN</c>), one
/// discriminator per device request type, and the HOCON that binds each of them to <see cref="WireSerializer"/>.
/// A manifest never changes meaning: a new shape of a message gets a new manifest (<c>.v2</c>) and the old one stays
/// readable for as long as nodes of the old version may be in the cluster. docs/wire-formats.md lists them.
/// </summary>
public static class WireFormat
{
    /// <summary>Message type → manifest. A message missing here goes on Akka's default serializer, which the two-node
    /// test turns into an error.</summary>
    public static readonly IReadOnlyDictionary<Type, string> Messages = new Dictionary<Type, string>
    {
        [typeof(RunDeviceRequest)] = "device.run-request.v1",
        [typeof(CloseSession)] = "device.close-session.v1",
        [typeof(GetSessionStatus)] = "device.get-session-status.v1",
        [typeof(SessionStatus)] = "device.session-status.v1",
        [typeof(DeviceRequestAccepted)] = "device.request-accepted.v1",
        [typeof(DeviceRequestCompleted)] = "device.request-completed.v1",
        [typeof(DeviceRequestFailed)] = "device.request-failed.v1",
        [typeof(DeviceEntity.Stop)] = "device.entity-stop.v1",

        [typeof(GetSensorInfo)] = "capture.get-sensor-info.v1",
        [typeof(SensorInfo)] = "capture.sensor-info.v1",
        [typeof(RequestCapture)] = "capture.request.v1",
        [typeof(CaptureAccepted)] = "capture.accepted.v1",
        [typeof(CaptureRefused)] = "capture.refused.v1",
        [typeof(StopCapture)] = "capture.stop.v1",
        [typeof(ListCaptures)] = "capture.list.v1",
        [typeof(ListSensors)] = "capture.list-sensors.v1",
        [typeof(GetCapture)] = "capture.get.v1",
        [typeof(FollowCapture)] = "capture.follow.v1",
        [typeof(ListSensorCaptures)] = "capture.list-sensor-captures.v1",
        [typeof(SensorCaptures)] = "capture.sensor-captures.v1",
        [typeof(LocateCapture)] = "capture.locate.v1",
        [typeof(CaptureLocated)] = "capture.located.v1",
        [typeof(StartCapture)] = "capture.start.v1",
        [typeof(CaptureStarted)] = "capture.started.v1",
        [typeof(CaptureProgressed)] = "capture.progressed.v1",
        [typeof(CaptureProtocol.CaptureFinished)] = "capture.finished.v1",
        [typeof(CaptureFailed)] = "capture.failed.v1",
        [typeof(ReadFileChunk)] = "capture.read-file-chunk.v1",
        [typeof(FileChunk)] = "capture.file-chunk.v1",
        [typeof(CaptureView)] = "capture.view.v1",
        [typeof(SensorView)] = "capture.sensor-view.v1",

        [typeof(JobManagerProtocol.JobAccepted)] = "job.accepted.v1",
        [typeof(JobManagerProtocol.JobRejected)] = "job.rejected.v1",
        [typeof(JobManagerProtocol.CancelJob)] = "job.cancel.v1",
        [typeof(JobManagerProtocol.CancelAccepted)] = "job.cancel-accepted.v1",
        [typeof(JobManagerProtocol.GetJobStatus)] = "job.get-status.v1",
        [typeof(JobManagerProtocol.JobStatus)] = "job.status.v1",

        [typeof(ScheduleProtocol.AddSchedule)] = "schedule.add.v1",
        [typeof(ScheduleProtocol.PauseSchedule)] = "schedule.pause.v1",
        [typeof(ScheduleProtocol.ResumeSchedule)] = "schedule.resume.v1",
        [typeof(ScheduleProtocol.RemoveSchedule)] = "schedule.remove.v1",
        [typeof(ScheduleProtocol.ScheduleDone)] = "schedule.done.v1",
        [typeof(ScheduleProtocol.ScheduleRefused)] = "schedule.refused.v1",
        [typeof(ScheduleProtocol.ListSchedules)] = "schedule.list.v1",
        [typeof(ScheduleProtocol.ScheduleList)] = "schedule.list-answer.v1",

        [typeof(JobStarted)] = "job-event.job-started.v1",
        [typeof(PlayStarted)] = "job-event.play-started.v1",
        [typeof(Core.Results.BatchStarted)] = "job-event.batch-started.v1",
        [typeof(Core.Results.TaskStarted)] = "job-event.task-started.v1",
        [typeof(Core.Results.TaskFinished)] = "job-event.task-finished.v1",
        [typeof(Core.Results.JobFinished)] = "job-event.job-finished.v1",
        [typeof(CaptureProgressReported)] = "job-event.capture-progress.v1",
        [typeof(Core.Results.ApprovalRequested)] = "job-event.approval-requested.v1",
        [typeof(ApprovalGranted)] = "job-event.approval-granted.v1",
    };

    /// <summary>
    /// The device request types a <see cref="RunDeviceRequest"/> may carry → the discriminator written beside the request
    /// (<c>"$request": "send-command.v1"</c>), from each type's one registration in <see cref="Devices.DeviceOperations"/>:
    /// a request type not registered there cannot be sent to a device on another node (serializing it fails and names it).
    /// </summary>
    public static IReadOnlyDictionary<Type, string> DeviceRequests => Devices.DeviceOperations.WireNames;

    /// <summary>The environment variable holding the cluster key that seals secrets (32 random bytes, base64), e.g.
    /// <c>openssl rand -base64 32</c>; the same on every node.</summary>
    public const string ClusterKeyVariable = "NETFLEET_CLUSTER_KEY";

    /// <summary>The HOCON path of the cluster key, which wins over <see cref="ClusterKeyVariable"/> (hosting and tests set it).</summary>
    public const string ClusterKeyPath = "netfleet.wire.cluster-key";

    /// <summary>The serializer and its bindings, one per type of <see cref="Messages"/>: add it to any actor system that may
    /// join a cluster (one <c>WithFallback</c>).</summary>
    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.netfleet-wire = "{{typeof(WireSerializer).AssemblyQualifiedName}}"
          serialization-bindings {
        {{string.Join("\n", Messages.Keys.Select(t => $"    \"{t.AssemblyQualifiedName}\" = netfleet-wire"))}}
          }
          serialization-identifiers { "{{typeof(WireSerializer).AssemblyQualifiedName}}" = {{WireSerializer.Id}} }
        }
        """);

    /// <summary>The cluster key as HOCON (<see cref="ClusterKeyPath"/>), for a system composed in code.</summary>
    public static Config ClusterKeyConfig(string base64Key) =>
        ConfigurationFactory.ParseString($"{ClusterKeyPath} = \"{base64Key}\"");
}

using Akka.Actor;
using NetFleet.Capture;

namespace NetFleet.Actors.Capture;

/// <summary>
/// Captures placed on sensor nodes. A <see cref="CaptureManager"/> (on orchestrator nodes) finds the
/// <see cref="SensorActor"/>s of the cluster, places each <see cref="RequestCapture"/> on one of the sensors it selects
/// and keeps every capture's status; the sensor runs it in a child <see cref="CaptureActor"/> and reports back.
/// </summary>
public static class CaptureProtocol
{
    /// <summary>A sensor: its name, KEY=VALUE tags, the interfaces it may capture on and its node's address.</summary>
    public sealed record SensorInfo(string Name, IReadOnlyList<string> Tags, IReadOnlyList<string> Interfaces, string Address);

    public sealed record GetSensorInfo
    {
        public static readonly GetSensorInfo Instance = new();
    }

    /// <summary>A capture asked for by a user: on the sensor named, else on one of the sensors carrying every tag (the
    /// one with the fewest running captures), else on any sensor. Limits as in <see cref="CaptureOptions"/>.</summary>
    public sealed record RequestCapture(string? Sensor, IReadOnlyList<string> Tags, string Interface)
    {
        public string? Filter { get; init; }
        public double? DurationSeconds { get; init; }
        public long? MaxPackets { get; init; }
        public long? MaxBytes { get; init; }
        public int? SnapLength { get; init; }
        public bool Promiscuous { get; init; }
        public long? RotateFileBytes { get; init; }
        public int? RotateFileCount { get; init; }
    }

    /// <summary>The capture runs (its interface is open and filtering).</summary>
    public sealed record CaptureAccepted(CaptureView Capture);

    /// <summary>No capture: no sensor fits, the interface is not allowed there, or the capture could not start.</summary>
    public sealed record CaptureRefused(string Reason);

    public sealed record StopCapture(string CaptureId);

    public sealed record ListCaptures
    {
        public static readonly ListCaptures Instance = new();
    }

    public sealed record ListSensors
    {
        public static readonly ListSensors Instance = new();
    }

    public sealed record GetCapture(string CaptureId);

    /// <summary>Asks a manager to pass on the capture's <see cref="CaptureProgressed"/> reports to the sender while it runs
    /// (a job's capture window streams them into the job's events).</summary>
    public sealed record FollowCapture(string CaptureId);

    /// <summary>Manager to sensor: every capture the sensor ran or runs (whichever node placed it), answered with
    /// <see cref="SensorCaptures"/>; so any orchestrator node can list and find every capture of the cluster.</summary>
    public sealed record ListSensorCaptures
    {
        public static readonly ListSensorCaptures Instance = new();
    }

    /// <summary>One capture as its sensor knows it; the manager adds the sensor's name and address.</summary>
    public sealed record SensorCapture(string Id, string Interface, string? Filter, string Status, string? Error, DateTimeOffset Requested,
        CaptureProgress? Progress, CaptureResult? Result);

    public sealed record SensorCaptures(IReadOnlyList<SensorCapture> Captures);

    /// <summary>Where a capture's files are: the sensor to read them from.</summary>
    public sealed record LocateCapture(string CaptureId);

    public sealed record CaptureLocated(string CaptureId, IActorRef Sensor);

    /// <summary>Manager to sensor.</summary>
    public sealed record StartCapture(string CaptureId, RequestCapture Request, IActorRef ReplyTo);

    /// <summary>Sensor to manager, in this order: started or failed; progress; finished or failed.</summary>
    public sealed record CaptureStarted(string CaptureId);

    public sealed record CaptureProgressed(string CaptureId, CaptureProgress Progress);

    public sealed record CaptureFinished(string CaptureId, CaptureResult Result);

    public sealed record CaptureFailed(string CaptureId, string Reason);

    /// <summary>A piece of a capture's pcap file, read on its sensor; <see cref="End"/> when nothing follows.</summary>
    public sealed record ReadFileChunk(string CaptureId, string File, long Offset, int Length);

    public sealed record FileChunk(byte[] Data, bool End);
}

public static class CaptureStatus
{
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
}

/// <summary>What the API shows of a capture: where it runs, its status, the latest progress and, once done, the
/// result (summary, drops, files on the sensor).</summary>
public sealed record CaptureView(string Id, string Sensor, string SensorAddress, string Interface, string? Filter, string Status,
    string? Error, DateTimeOffset Requested, CaptureProgress? Progress, CaptureResult? Result)
{
    public IReadOnlyList<string> FileNames => Result?.Files.Select(Path.GetFileName).OfType<string>().ToList() ?? [];
}

public sealed record SensorView(string Name, IReadOnlyList<string> Tags, IReadOnlyList<string> Interfaces, string Address, int RunningCaptures);

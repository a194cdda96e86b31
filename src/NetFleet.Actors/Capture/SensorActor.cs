using Akka.Actor;
using NetFleet.Capture;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Actors.Capture;

/// <summary>
/// The sensor of a <c>sensor</c> node, at the well-known path <c>/user/sensor</c>: answers who it is, refuses captures
/// on interfaces it may not use (its allow-list names each exactly; <c>NETNS/INTERFACE</c> for one inside a network
/// namespace, which the capture then opens from inside that namespace), runs each capture in a child <see cref="CaptureActor"/> (files under
/// DIRECTORY/CAPTURE-ID, so they stay on this node) and relays its reports to whoever placed it; serves the files in
/// chunks. It also keeps the state of the captures it ran (the latest <see cref="KeepEnded"/> ended ones), so every
/// orchestrator node can list them, not only the one that placed them.
/// </summary>
public sealed class SensorActor : ReceiveActor
{
    public const string Name = "sensor";

    /// <summary>Ended captures listed, newest kept: their files stay on disk either way, this only bounds the memory.</summary>
    public const int KeepEnded = 500;

    private readonly SensorInfo info;
    private readonly string directory;
    private readonly Dictionary<string, (IActorRef Child, IActorRef ReplyTo)> running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SensorCapture> captures = new(StringComparer.Ordinal);
    private readonly Queue<string> ended = new();

    public SensorActor(SensorInfo info, string directory)
    {
        this.info = info;
        this.directory = directory;
        Receive<GetSensorInfo>(_ => Sender.Tell(info));
        Receive<StartCapture>(Start);
        Receive<StopCapture>(stop =>
        {
            if (running.TryGetValue(stop.CaptureId, out var capture)) capture.Child.Tell(stop);
        });
        Receive<CaptureStarted>(started =>
        {
            Change(started.CaptureId, c => c with { Status = CaptureStatus.Running });
            Relay(started.CaptureId, started, done: false);
        });
        Receive<CaptureProgressed>(progressed =>
        {
            Change(progressed.CaptureId, c => c with { Progress = progressed.Progress });
            Relay(progressed.CaptureId, progressed, done: false);
        });
        Receive<CaptureFinished>(finished =>
        {
            Change(finished.CaptureId, c => c with
            {
                Status = finished.Result.Reason == CaptureStopReason.Failed ? CaptureStatus.Failed : CaptureStatus.Finished,
                Error = finished.Result.Error,
                Result = finished.Result,
            });
            Relay(finished.CaptureId, finished, done: true);
        });
        Receive<CaptureFailed>(failed =>
        {
            Change(failed.CaptureId, c => c with { Status = CaptureStatus.Failed, Error = failed.Reason });
            Relay(failed.CaptureId, failed, done: true);
        });
        Receive<Terminated>(terminated =>
        {
            var gone = running.FirstOrDefault(r => r.Value.Child.Equals(terminated.ActorRef));
            if (gone.Key is null) return;
            running.Remove(gone.Key);
            var failed = new CaptureFailed(gone.Key, $"the capture stopped unexpectedly on sensor {info.Name}");
            Change(gone.Key, c => c with { Status = CaptureStatus.Failed, Error = failed.Reason });
            gone.Value.ReplyTo.Tell(failed);
        });
        Receive<ListSensorCaptures>(_ => Sender.Tell(new SensorCaptures(captures.Values.ToArray())));
        Receive<ReadFileChunk>(read =>
        {
            if (FilePath(read) is not { } path)
            {
                Sender.Tell(new CaptureRefused($"capture {read.CaptureId} has no file '{read.File}' on sensor {info.Name}"));
                return;
            }

            ReadChunkAsync(path, read.Offset, read.Length).PipeTo(Sender,
                failure: e => new CaptureRefused($"reading {read.File} on sensor {info.Name}: {e.Message}"));
        });
    }

    public static Props Props(SensorInfo info, string directory) => Akka.Actor.Props.Create(() => new SensorActor(info, directory));

    /// <summary>A failing capture is stopped, never restarted: a restart would reopen the interface and begin new files
    /// mid-capture, silently missing packets. Its requester is told it failed (on Terminated).</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void Start(StartCapture start)
    {
        if (!info.Interfaces.Contains(start.Request.Interface, StringComparer.Ordinal))
        {
            start.ReplyTo.Tell(new CaptureFailed(start.CaptureId,
                $"sensor {info.Name} may not capture on '{start.Request.Interface}' (allowed: {string.Join(", ", info.Interfaces)})"));
            return;
        }

        if (running.ContainsKey(start.CaptureId) || !ActorPath.IsValidPathElement(start.CaptureId))
        {
            start.ReplyTo.Tell(new CaptureFailed(start.CaptureId, $"capture id '{start.CaptureId}' is already used or not a valid name"));
            return;
        }

        var r = start.Request;
        if (CaptureOptions.ParseQualifiedInterface(r.Interface, out var error) is not { } parsed)
        {
            start.ReplyTo.Tell(new CaptureFailed(start.CaptureId, $"sensor {info.Name}: {error}"));
            return;
        }

        var (netns, name) = parsed;
        var options = new CaptureOptions
        {
            Namespace = netns,
            Interface = name,
            Filter = r.Filter,
            Duration = r.DurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            MaxPackets = r.MaxPackets,
            MaxBytes = r.MaxBytes,
            SnapLength = r.SnapLength ?? CaptureOptions.DefaultSnapLength,
            Promiscuous = r.Promiscuous,
            OutputDirectory = Path.Combine(directory, start.CaptureId),
            FilePrefix = start.CaptureId,
            RotateFileBytes = r.RotateFileBytes,
            RotateFileCount = r.RotateFileCount,
        };
        var child = Context.ActorOf(CaptureActor.Props(start.CaptureId, options), start.CaptureId);
        Context.Watch(child);
        running[start.CaptureId] = (child, start.ReplyTo);
        captures[start.CaptureId] = new SensorCapture(start.CaptureId, r.Interface, r.Filter, CaptureStatus.Starting, null, DateTimeOffset.UtcNow,
            null, null);
    }

    /// <summary>Updates a capture's state while it is open; an ended one is queued for forgetting, oldest first.</summary>
    private void Change(string captureId, Func<SensorCapture, SensorCapture> change)
    {
        if (!captures.TryGetValue(captureId, out var capture) || capture.Status is CaptureStatus.Finished or CaptureStatus.Failed) return;
        var changed = change(capture);
        captures[captureId] = changed;
        if (changed.Status is not (CaptureStatus.Finished or CaptureStatus.Failed)) return;
        ended.Enqueue(captureId);
        while (ended.Count > KeepEnded) captures.Remove(ended.Dequeue());
    }

    private void Relay(string captureId, object report, bool done)
    {
        if (!running.TryGetValue(captureId, out var capture)) return;
        capture.ReplyTo.Tell(report);
        if (done)
        {
            Context.Unwatch(capture.Child);
            running.Remove(captureId);
        }
    }

    private string? FilePath(ReadFileChunk read)
    {
        if (!ActorPath.IsValidPathElement(read.CaptureId) || read.File != Path.GetFileName(read.File) || read.File is "" or "." or "..") return null;
        var path = Path.Combine(directory, read.CaptureId, read.File);
        return File.Exists(path) ? path : null;
    }

    private static async Task<FileChunk> ReadChunkAsync(string path, long offset, int length)
    {
        using var handle = File.OpenHandle(path);
        var size = RandomAccess.GetLength(handle);
        var buffer = new byte[(int)Math.Clamp(size - offset, 0, length)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), offset + read);
            if (n == 0) break;
            read += n;
        }

        return new FileChunk(buffer[..read], offset + read >= size);
    }
}

using Akka.Actor;
using NetFleet.Capture;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Actors.Capture;

/// <summary>
/// One capture on a sensor, wrapping a <see cref="CaptureSession"/>: opening, reading progress and completion are
/// piped back as messages. Reports to its parent (the <see cref="SensorActor"/>): started or failed, progress every
/// summary interval, then finished; it stops itself after the last report.
/// </summary>
public sealed class CaptureActor : ReceiveActor
{
    private readonly string id;
    private readonly CaptureOptions options;
    private CaptureSession? session;
    private bool stopRequested;

    public CaptureActor(string id, CaptureOptions options)
    {
        this.id = id;
        this.options = options;
        Opening();
    }

    public static Props Props(string id, CaptureOptions options) => Akka.Actor.Props.Create(() => new CaptureActor(id, options));

    protected override void PreStart() =>
        CaptureSession.StartAsync(options).PipeTo(Self, success: s => new Opened(s), failure: e => new OpenFailed(e));

    private void Opening()
    {
        Receive<Opened>(opened =>
        {
            session = opened.Session;
            Context.Parent.Tell(new CaptureStarted(id));
            session.Completion.PipeTo(Self, success: r => new Completed(r), failure: e => new OpenFailed(e));
            ReadProgress();
            if (stopRequested) session.StopAsync();
            Become(Running);
        });
        Receive<OpenFailed>(failed =>
        {
            Context.Parent.Tell(new CaptureFailed(id, Message(failed.Error)));
            Context.Stop(Self);
        });
        Receive<StopCapture>(_ => stopRequested = true);
    }

    private void Running()
    {
        Receive<ProgressRead>(read =>
        {
            Context.Parent.Tell(new CaptureProgressed(id, read.Progress));
            ReadProgress();
        });
        Receive<ProgressEnded>(_ => { });
        Receive<StopCapture>(_ => session!.StopAsync());
        Receive<Completed>(completed =>
        {
            Context.Parent.Tell(new CaptureFinished(id, completed.Result));
            Context.Stop(Self);
        });
        Receive<OpenFailed>(failed =>
        {
            Context.Parent.Tell(new CaptureFailed(id, Message(failed.Error)));
            Context.Stop(Self);
        });
    }

    private void ReadProgress() =>
        session!.Progress.ReadAsync().AsTask().PipeTo(Self, success: p => new ProgressRead(p), failure: _ => ProgressEnded.Instance);

    /// <summary>A capture stopped from outside (its sensor leaving) still closes its interface and files.</summary>
    protected override void PostStop()
    {
        if (session is { Completion.IsCompleted: false }) session.StopAsync();
    }

    private static string Message(Exception e) => (e is AggregateException { InnerException: { } inner } ? inner : e).Message;

    private sealed record Opened(CaptureSession Session);

    private sealed record OpenFailed(Exception Error);

    private sealed record ProgressRead(CaptureProgress Progress);

    private sealed record ProgressEnded
    {
        public static readonly ProgressEnded Instance = new();
    }

    private sealed record Completed(CaptureResult Result);
}

using System.Diagnostics;
using Akka.Actor;
using NetFleet.Devices;
using NetFleet.Devices.Netconf;
using NetFleet.Netconf;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Devices;

/// <summary>
/// A device's NETCONF session, beside its SSH CLI session: one <see cref="INetconfSession"/>, opened on the first NETCONF
/// request, reused across tasks and jobs, closed after the last request's idle timeout and reopened when the connection
/// options change. NETCONF answers one rpc at a time, so requests run one after another. Every call is started and its
/// outcome piped back as a message. An rpc-error replies <see cref="FailureKind.Rejected"/> and keeps the session; a
/// failed open replies <see cref="FailureKind.Unreachable"/>; a broken stream or a timeout closes the session.
/// States: closed → opening → ready ⇄ busy.
/// </summary>
public sealed class DeviceNetconfActor : ReceiveActor, IWithTimers
{
    private sealed record Pending(RunDeviceRequest Run, IActorRef ReplyTo, long ArrivedAt);
    private sealed record Opened(INetconfSession Session, TimeSpan Elapsed);
    private sealed record OpenFailed(INetconfSession Session, Exception Error);
    private sealed record Executed(INetconfSession Session, Pending Request, object Reply, bool SessionUsable);
    private sealed record IdleElapsed;

    private readonly string device;
    private readonly Func<DeviceConnectionOptions, INetconfSession> connect;
    private readonly Queue<Pending> queue = new();
    private INetconfSession? session;
    private DeviceConnectionOptions? sessionOptions;
    private TimeSpan idleTimeout = TimeSpan.FromMinutes(1);

    public DeviceNetconfActor(string device, Func<DeviceConnectionOptions, INetconfSession> connect)
    {
        this.device = device;
        this.connect = connect;
        Become(Closed);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="connect">Makes the (unopened) session for a device's connection options.</param>
    public static Props Props(string device, Func<DeviceConnectionOptions, INetconfSession> connect) =>
        Akka.Actor.Props.Create(() => new DeviceNetconfActor(device, connect));

    /// <summary>The session to the device's NETCONF port (<see cref="DeviceConnectionOptions.NetconfPort"/>) over SSH.</summary>
    public static INetconfSession Connect(DeviceConnectionOptions options) =>
        new NetconfSession(options, options.NetconfPort ?? NetconfSession.DefaultPort);

    private void Closed()
    {
        Receive<RunDeviceRequest>(run =>
        {
            Enqueue(run);
            Open(run.Connection);
        });
        Receive<IdleElapsed>(_ => { });
    }

    private void Opening()
    {
        Receive<RunDeviceRequest>(Enqueue);
        Receive<Opened>(opened =>
        {
            if (opened.Session != session) return;
            Become(Ready);
            DispatchNext();
        });
        Receive<OpenFailed>(failed =>
        {
            if (failed.Session != session) return;
            var error = Unwrap(failed.Error);
            var kind = error is OperationCanceledException or DeviceTimeoutException ? FailureKind.Unreachable : KindOf(error, FailureKind.Unreachable);
            while (queue.TryDequeue(out var pending))
            {
                Reply(pending, Failure(pending, kind, $"NETCONF session could not be opened: {error.Message}", 1));
            }

            Discard();
        });
    }

    private void Ready()
    {
        Receive<RunDeviceRequest>(run =>
        {
            Enqueue(run);
            DispatchNext();
        });
        Receive<IdleElapsed>(_ => Discard());
    }

    private void Busy()
    {
        Receive<RunDeviceRequest>(Enqueue);
        Receive<Executed>(executed =>
        {
            Reply(executed.Request, executed.Reply);
            if (executed.Session != session) return;
            if (executed.SessionUsable)
            {
                Become(Ready);
                DispatchNext();
                return;
            }

            Discard();
            if (queue.Count > 0) Open(queue.Peek().Run.Connection);
        });
    }

    private void Enqueue(RunDeviceRequest run)
    {
        Timers.Cancel(nameof(IdleElapsed));
        queue.Enqueue(new Pending(run, Sender, Stopwatch.GetTimestamp()));
    }

    private void Open(DeviceConnectionOptions options)
    {
        sessionOptions = options;
        var opening = session = connect(options);
        var started = Stopwatch.GetTimestamp();
        // Connect, login and hello; the session's own connect timeout bounds the first part.
        var timeout = new CancellationTokenSource(options.ConnectTimeout * 2);
        var open = opening.OpenAsync(timeout.Token);
        open.ContinueWith(_ => timeout.Dispose(), TaskScheduler.Default);
        open.PipeTo(Self,
            success: () => new Opened(opening, Stopwatch.GetElapsedTime(started)),
            failure: e => new OpenFailed(opening, e));
        Become(Opening);
    }

    private void DispatchNext()
    {
        if (queue.Count == 0)
        {
            Timers.StartSingleTimer(nameof(IdleElapsed), new IdleElapsed(), idleTimeout);
            return;
        }

        var next = queue.Peek();
        if (!Equals(next.Run.Connection, sessionOptions))
        {
            Discard();
            Open(next.Run.Connection);
            return;
        }

        queue.Dequeue();
        idleTimeout = next.Run.IdleTimeout > TimeSpan.Zero ? next.Run.IdleTimeout : TimeSpan.FromMilliseconds(1);
        var running = session!;
        RunAsync(running, next).PipeTo(Self);
        Become(Busy);
    }

    /// <summary>The device work for one request; never throws, every failure becomes a reply.</summary>
    private static async Task<Executed> RunAsync(INetconfSession session, Pending pending)
    {
        var run = pending.Run;
        var started = Stopwatch.GetTimestamp();
        using var cts = run.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        try
        {
            if (DeviceOperations.For(run.Request) is not DeviceOperations.NetconfOperation operation)
                throw new NotSupportedException($"no NETCONF support for {run.Request.GetType().Name}");
            var answer = await operation.Run(session, run, cts.Token).ConfigureAwait(false);
            var done = new DeviceRequestCompleted(run.Device, run.RequestId, answer.Output, answer.Changed, answer.Diff,
                Stopwatch.GetElapsedTime(started), TimeSpan.Zero) { Strategy = answer.Strategy, Data = answer.Data };
            return new Executed(session, pending, done, SessionUsable: true);
        }
        catch (Exception e)
        {
            var error = Unwrap(e);
            var kind = error is OperationCanceledException ? FailureKind.TimedOut : KindOf(error, FailureKind.Rejected);
            // An rpc-error or a refused request leaves the session in step; a broken stream or a timeout does not.
            var usable = kind == FailureKind.Rejected && session.IsOpen;
            var message = error is OperationCanceledException ? $"NETCONF request timed out after {run.Timeout?.TotalSeconds:0.#} s" : error.Message;
            return new Executed(session, pending, new DeviceRequestFailed(run.Device, run.RequestId, kind, message, Stopwatch.GetElapsedTime(started), 1),
                usable);
        }
    }

    private static FailureKind KindOf(Exception error, FailureKind otherwise) => error switch
    {
        DeviceUnreachableException or DeviceAuthenticationException or HostKeyVerificationException => FailureKind.Unreachable,
        DeviceConnectionDroppedException or NetconfFramingException or NetconfProtocolException or IOException => FailureKind.Dropped,
        DeviceTimeoutException => FailureKind.TimedOut,
        _ => otherwise,
    };

    /// <summary>Closes the session without waiting for it (close-session, then the SSH connection) and forgets it.</summary>
    private void Discard()
    {
        Timers.Cancel(nameof(IdleElapsed));
        if (session is { } closing) _ = CloseQuietlyAsync(closing);
        session = null;
        sessionOptions = null;
        Become(Closed);
    }

    private static async Task CloseQuietlyAsync(INetconfSession closing)
    {
        try
        {
            await closing.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DeviceException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // A session that broke cannot say goodbye; its sockets go with the dispose.
        }
        finally
        {
            await closing.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override void PostStop()
    {
        foreach (var pending in queue)
        {
            pending.ReplyTo.Tell(Failure(pending, FailureKind.Dropped, "the device's NETCONF session stopped", 1));
        }

        queue.Clear();
        if (session is { } open) _ = CloseQuietlyAsync(open);
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerExceptions[0]) : e;

    private static DeviceRequestFailed Failure(Pending pending, FailureKind kind, string message, int attempts) =>
        new(pending.Run.Device, pending.Run.RequestId, kind, message, Stopwatch.GetElapsedTime(pending.ArrivedAt), attempts);

    private static void Reply(Pending pending, object reply)
    {
        var waited = Stopwatch.GetElapsedTime(pending.ArrivedAt);
        pending.ReplyTo.Tell(reply is DeviceRequestCompleted done ? done with { Waited = waited - done.Elapsed } : reply);
    }
}

using System.Diagnostics;
using Akka.Actor;
using NetFleet.Devices;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Devices;

/// <summary>How hard a device actor tries to connect before it stops trying for a while.</summary>
/// <param name="MaxConnectAttempts">Attempts per connection round for retryable failures (unreachable, timeout).</param>
/// <param name="MinBackoff">Delay before the second attempt; doubled for each further one, up to <paramref name="MaxBackoff"/>.</param>
/// <param name="CircuitOpenFor">How long requests fail fast after a failed round; doubled after a failed half-open probe,
/// up to <paramref name="MaxCircuitOpenFor"/>.</param>
public sealed record DeviceActorSettings(
    int MaxConnectAttempts,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff,
    TimeSpan CircuitOpenFor,
    TimeSpan MaxCircuitOpenFor)
{
    public static DeviceActorSettings Default { get; } =
        // Two attempts: one retry covers a dropped SYN or a busy sshd (MaxStartups); a device that stays silent fails
        // after about 2 × the connect timeout (≈ 20 s), not minutes.
        new(2, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));

    /// <summary>The delay before attempt <paramref name="attempt"/> (2, 3, …), with ±20 % jitter so a fleet does not retry in step.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exact = Math.Min(MaxBackoff.TotalMilliseconds, MinBackoff.TotalMilliseconds * Math.Pow(2, attempt - 2));
        return TimeSpan.FromMilliseconds(exact * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}

/// <summary>
/// One device: owns its session (in a <see cref="DeviceSessionActor"/> child), runs one request at a time and
/// queues the rest, keeps the session open across requests and jobs until it has been idle for the request's
/// idle timeout. Connection failures are retried with exponential backoff when retrying can help; a failed
/// round opens a circuit so a dead device fails fast until a half-open probe succeeds.
/// States: disconnected → connecting → ready ⇄ busy, and broken (circuit open).
/// </summary>
public sealed class DeviceActor : ReceiveActor, IWithTimers
{
    private sealed record RetryConnect;
    private sealed record IdleElapsed;
    private sealed record Pending(RunDeviceRequest Request, IActorRef ReplyTo, long ArrivedAt);

    private readonly string device;
    private readonly DeviceActorSettings settings;
    private readonly Serilog.ILogger log;
    private readonly Queue<Pending> queue = new();
    private IActorRef? session;
    private DeviceConnectionOptions? sessionOptions;
    private Pending? current;
    private int attempts;
    private bool halfOpen;
    private DeviceException? lastError;
    private DeviceConnectionOptions? brokenWith;
    private DateTime circuitOpenUntil;
    private TimeSpan circuitOpenFor;
    private int sessionCount;
    private TimeSpan lastIdleTimeout = TimeSpan.FromMinutes(1);

    public DeviceActor(string device, DeviceActorSettings settings, Serilog.ILogger log)
    {
        this.device = device;
        this.settings = settings;
        // Not log.ForContext("Device", device): every message names {Device} already, and a logger per device costs
        // each of a fleet's entities its own enricher chain.
        this.log = log;
        circuitOpenFor = settings.CircuitOpenFor;
        Become(Disconnected);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string device, DeviceActorSettings settings, Serilog.ILogger log) =>
        Akka.Actor.Props.Create(() => new DeviceActor(device, settings, log));

    // The session child reports its own failures as messages; if it crashes anyway its driver is in an unknown
    // state, so it is stopped (never restarted in place) and this actor sees Terminated and reconnects on demand,
    // with the backoff and circuit below.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void Disconnected()
    {
        Common();
        Receive<RunDeviceRequest>(run =>
        {
            Enqueue(run);
            Connect(run.Connection);
        });
    }

    private void Connecting()
    {
        Common();
        Receive<RunDeviceRequest>(Enqueue);
        Receive<DeviceSessionActor.Opened>(opened =>
        {
            if (!IsSession()) return;
            log.Information("Session to {Device} open after {Attempts} attempt(s) in {ElapsedMs:0} ms",
                device, attempts, opened.Elapsed.TotalMilliseconds);
            attempts = 0;
            halfOpen = false;
            brokenWith = null;
            circuitOpenFor = settings.CircuitOpenFor;
            Become(Ready);
            DispatchNext();
        });
        Receive<DeviceSessionActor.OpenFailed>(failed =>
        {
            if (IsSession()) ConnectFailed(failed.Error);
        });
        Receive<RetryConnect>(_ => StartSession());
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(session)) ConnectFailed(lastError ?? new DeviceUnreachableException(device, "the session actor stopped while connecting"));
        });
    }

    private void Ready()
    {
        Common();
        Receive<RunDeviceRequest>(run =>
        {
            Enqueue(run);
            DispatchNext();
        });
        Receive<IdleElapsed>(_ =>
        {
            log.Information("Closing idle session to {Device}", device);
            CloseSessionNow();
        });
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(session)) Forget();
        });
    }

    private void Busy()
    {
        Common();
        Receive<RunDeviceRequest>(Enqueue);
        Receive<DeviceSessionActor.Executed>(executed =>
        {
            if (!IsSession() || current is null || executed.RequestId != current.Request.RequestId) return;
            Reply(current, executed.Reply);
            current = null;
            if (executed.SessionUsable)
            {
                Become(Ready);
                DispatchNext();
            }
            else
            {
                Forget();
                if (queue.Count > 0) Connect(queue.Peek().Request.Connection);
            }
        });
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(session)) return;
            if (current is not null)
            {
                Reply(current, Failure(current, FailureKind.Dropped, "the session ended during the request", 1));
                current = null;
            }

            Forget();
            if (queue.Count > 0) Connect(queue.Peek().Request.Connection);
        });
    }

    private void Broken()
    {
        Common();
        Receive<RunDeviceRequest>(run =>
        {
            var changed = !Equals(run.Connection, brokenWith);
            if (!changed && DateTime.UtcNow < circuitOpenUntil)
            {
                Reply(new Pending(run, Sender, Stopwatch.GetTimestamp()), Failure(run, FailureKind.Unreachable,
                    $"{lastError?.Message} (not retried: circuit open for another {(circuitOpenUntil - DateTime.UtcNow).TotalSeconds:0.#} s)", 0));
                return;
            }

            // Half-open: one probe attempt; new connection options get a full round.
            halfOpen = !changed;
            Enqueue(run);
            Connect(run.Connection);
        });
    }

    /// <summary>Handlers every state shares.</summary>
    private void Common()
    {
        // SNMP needs no SSH session: in every state it goes to the SNMP child, ahead of the session's queue.
        Receive<RunDeviceRequest>(run => DeviceOperations.LaneOf(run.Request) == DeviceLane.Snmp, run => Snmp().Forward(run));
        // NETCONF has its own SSH connection and session: it never waits for the CLI session's queue.
        Receive<RunDeviceRequest>(run => DeviceOperations.LaneOf(run.Request) == DeviceLane.Netconf, run => Netconf().Forward(run));
        // Work done from this node rather than on the device (probes) runs beside the session's queue and pipes its reply
        // straight to the asker; the actor never waits for it.
        Receive<RunDeviceRequest>(run => DeviceOperations.LaneOf(run.Request) == DeviceLane.Local, RunLocal);
        Receive<GetSessionStatus>(_ => Sender.Tell(new SessionStatus(device, session is not null && sessionOptions is not null && attempts == 0,
            brokenWith is not null && DateTime.UtcNow < circuitOpenUntil, queue.Count)));
        Receive<CloseSession>(close =>
        {
            if (!Context.Child("netconf").IsNobody()) Context.Child("netconf").Tell(close);
            brokenWith = null;
            circuitOpenUntil = default;
            if (session is not null && current is null && queue.Count == 0) CloseSessionNow();
        });
    }

    private void RunLocal(RunDeviceRequest run)
    {
        var replyTo = Sender;
        var started = Stopwatch.GetTimestamp();
        // The request's own timeout bounds it; the orchestrator enforces the task's and stops waiting anyway.
        var deadline = run.Timeout is { } timeout ? new CancellationTokenSource(timeout) : new CancellationTokenSource();
        var work = DeviceOperations.For(run.Request) is DeviceOperations.LocalOperation operation
            ? operation.Run(run, deadline.Token)
            : Task.FromException<object>(new NotSupportedException($"no local runner for {run.Request.GetType().Name}"));
        work.ContinueWith(_ => deadline.Dispose(), TaskScheduler.Default);
        work.PipeTo(replyTo, failure: e => Failure(run, e is OperationCanceledException ? FailureKind.TimedOut : FailureKind.Rejected,
            (e is AggregateException { InnerException: { } inner } ? inner : e).Message, 0) with { Elapsed = Stopwatch.GetElapsedTime(started) });
    }

    /// <summary>The device's SNMP session, created on the first SNMP request. It reports failures as replies; if it
    /// crashes anyway it is stopped like the SSH session (this actor's strategy) and created afresh on the next request.</summary>
    private IActorRef Snmp()
    {
        var child = Context.Child("snmp");
        return child.IsNobody() ? Context.ActorOf(DeviceSnmpActor.Props(device, SnmpManagerExtension.For(Context.System)), "snmp") : child;
    }

    /// <summary>The device's NETCONF session, created on the first NETCONF request. It reports failures as replies; if it
    /// crashes anyway it is stopped (this actor's strategy: its session's state is unknown) and created afresh on the next
    /// request, which opens a new session.</summary>
    private IActorRef Netconf()
    {
        var child = Context.Child("netconf");
        return child.IsNobody() ? Context.ActorOf(DeviceNetconfActor.Props(device, DeviceNetconfActor.Connect), "netconf") : child;
    }

    private void Enqueue(RunDeviceRequest run)
    {
        Timers.Cancel(nameof(IdleElapsed));
        queue.Enqueue(new Pending(run, Sender, Stopwatch.GetTimestamp()));
    }

    private void DispatchNext()
    {
        if (queue.Count == 0)
        {
            var idle = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(1).Ticks, lastIdleTimeout.Ticks));
            Timers.StartSingleTimer(nameof(IdleElapsed), new IdleElapsed(), idle);
            return;
        }

        var next = queue.Peek();
        if (!Equals(next.Request.Connection, sessionOptions))
        {
            log.Information("Reopening the session to {Device}: the connection options changed", device);
            CloseSessionNow();
            Connect(next.Request.Connection);
            return;
        }

        queue.Dequeue();
        current = next;
        lastIdleTimeout = next.Request.IdleTimeout;
        log.Debug("Job {JobId} request {RequestId} on {Device}", next.Request.JobId, next.Request.RequestId, device);
        session!.Tell(new DeviceSessionActor.Execute(next.Request));
        Become(Busy);
    }

    private void Connect(DeviceConnectionOptions options)
    {
        sessionOptions = options;
        attempts = 0;
        StartSession();
        Become(Connecting);
    }

    private void StartSession()
    {
        attempts++;
        session = Context.ActorOf(DeviceSessionActor.Props(Self, sessionOptions!), $"session-{++sessionCount}");
        Context.Watch(session);
    }

    private void ConnectFailed(DeviceException error)
    {
        lastError = error;
        Context.Unwatch(session);
        session = null;
        var retry = error.Retryable && !halfOpen && attempts < settings.MaxConnectAttempts;
        log.Warning("Connecting to {Device} failed (attempt {Attempt}, {Retry}): {Error}",
            device, attempts, retry ? "will retry" : "giving up", error.Message);
        if (retry)
        {
            Timers.StartSingleTimer(nameof(RetryConnect), new RetryConnect(), settings.Backoff(attempts + 1));
            return;
        }

        if (halfOpen)
        {
            circuitOpenFor = TimeSpan.FromTicks(Math.Min(settings.MaxCircuitOpenFor.Ticks, circuitOpenFor.Ticks * 2));
        }

        brokenWith = sessionOptions;
        circuitOpenUntil = DateTime.UtcNow + circuitOpenFor;
        var tried = attempts;
        while (queue.TryDequeue(out var pending))
        {
            Reply(pending, Failure(pending, FailureKind.Unreachable, error.Message, tried));
        }

        attempts = 0;
        sessionOptions = null;
        Become(Broken);
    }

    private void CloseSessionNow()
    {
        if (session is not null)
        {
            Context.Unwatch(session);
            session.Tell(new DeviceSessionActor.Close());
        }

        Forget();
    }

    private void Forget()
    {
        if (session is not null) Context.Unwatch(session);
        session = null;
        sessionOptions = null;
        Timers.Cancel(nameof(IdleElapsed));
        Become(Disconnected);
    }

    private bool IsSession() => Sender.Equals(session);

    private static DeviceRequestFailed Failure(Pending pending, FailureKind kind, string message, int attempts) =>
        Failure(pending.Request, kind, message, attempts);

    private static DeviceRequestFailed Failure(RunDeviceRequest run, FailureKind kind, string message, int attempts) =>
        new(run.Device, run.RequestId, kind, message, TimeSpan.Zero, attempts);

    private static void Reply(Pending pending, object reply)
    {
        var waited = Stopwatch.GetElapsedTime(pending.ArrivedAt);
        pending.ReplyTo.Tell(reply switch
        {
            DeviceRequestCompleted done => done with { Waited = waited - done.Elapsed },
            DeviceRequestFailed { Elapsed.Ticks: 0 } failed => failed with { Elapsed = waited },
            _ => reply,
        });
    }
}

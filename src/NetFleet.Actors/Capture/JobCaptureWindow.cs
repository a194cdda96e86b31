using System.Text.Json;
using Akka.Actor;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Playbooks;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Actors.Capture;

/// <summary>
/// The captures of one play's <c>capture:</c> block around one stretch of a job (the whole play, or one batch), as a
/// child of the job's orchestrator. It finds the node's <see cref="CaptureManager"/>, picks every sensor the block selects
/// (waiting a few seconds for sensors the manager has not discovered yet), starts one capture on each and reports
/// <see cref="WindowStarted"/>, or <see cref="WindowRefused"/> with the reason when any of them cannot start (the others
/// are stopped again). On <see cref="StopWindow"/> it stops them and waits for their results: a capture that failed
/// meanwhile (its sensor died) is reported failed, and one that does not finish in time is reported as such, so the
/// job never waits longer than <see cref="CollectWithin"/>. Then it reports <see cref="WindowStopped"/> and stops.
/// While the captures run, it follows them at the manager and passes each progress report on as <see cref="WindowProgress"/>.
/// </summary>
public sealed class JobCaptureWindow : ReceiveActor, IWithTimers
{
    /// <summary>Messages between the orchestrator and its capture window.</summary>
    public sealed record WindowStarted(IReadOnlyList<string> CaptureIds);

    public sealed record WindowRefused(string Reason);

    public sealed record StopWindow
    {
        public static readonly StopWindow Instance = new();
    }

    /// <summary>Every capture of the window as the manager last showed it (a failed one has its error), with the time
    /// it was stopped.</summary>
    public sealed record WindowStopped(IReadOnlyList<CaptureView> Captures, DateTimeOffset StoppedAt);

    /// <summary>A capture's latest progress report (every summary interval, from its sensor), for the job's events.</summary>
    public sealed record WindowProgress(CaptureView Capture, NetFleet.Capture.CaptureProgress Progress);

    /// <summary>Sensors are discovered by the manager every second; a job started with its node waits this long for them.</summary>
    public static readonly TimeSpan FindSensorsWithin = TimeSpan.FromSeconds(10);

    /// <summary>The manager gives a sensor 10 s to start a capture; this is the backstop if the manager itself is silent.</summary>
    public static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(20);

    /// <summary>A stopped capture closes its files and sends its result within milliseconds; this bounds a lost one.</summary>
    public static readonly TimeSpan CollectWithin = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    private readonly CaptureBlock block;
    private readonly IActorRef owner;
    private readonly DateTimeOffset begun = DateTimeOffset.UtcNow;
    private readonly Dictionary<string, CaptureView> captures = new(StringComparer.Ordinal);
    private readonly List<string> refusals = [];
    private IActorRef manager = ActorRefs.Nobody;
    private int pending;
    private bool stopRequested;
    private DateTimeOffset stoppedAt;

    public JobCaptureWindow(CaptureBlock block, IActorRef owner)
    {
        this.block = block;
        this.owner = owner;
        Locating();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(CaptureBlock block, IActorRef owner) => Akka.Actor.Props.Create(() => new JobCaptureWindow(block, owner));

    protected override void PreStart()
    {
        Context.ActorSelection("/user/" + CaptureManager.Name).Tell(new Identify(CaptureManager.Name));
        Timers.StartSingleTimer(nameof(GaveUp), GaveUp.Instance, StartWithin);
    }

    private void Locating()
    {
        Receive<ActorIdentity>(identity =>
        {
            if (identity.Subject is null)
            {
                Refuse("this node has no capture manager: capture blocks run on a cluster node with the orchestrator role and " +
                       "sensors in the cluster (netfleet node, then netfleet submit), not in a plain netfleet run");
                return;
            }

            manager = identity.Subject;
            Become(Selecting);
            manager.Tell(ListSensors.Instance);
        });
        CommonBeforeStart();
    }

    private void Selecting()
    {
        Receive<List<SensorView>>(sensors =>
        {
            var chosen = sensors.Where(s => (block.Sensor is null || s.Name == block.Sensor)
                                            && block.Tags.All(t => s.Tags.Contains(t, StringComparer.Ordinal))).ToList();
            if (chosen.Count == 0)
            {
                if (DateTimeOffset.UtcNow - begun < FindSensorsWithin)
                {
                    Timers.StartSingleTimer(nameof(ListAgain), ListAgain.Instance, TimeSpan.FromMilliseconds(500));
                    return;
                }

                var present = string.Join("; ", sensors.Select(s => $"{s.Name} [{string.Join(",", s.Tags)}]"));
                Refuse($"no {block.Selection} in the cluster (sensors: {(present.Length > 0 ? present : "none")})");
                return;
            }

            Become(Starting);
            pending = chosen.Count;
            foreach (var sensor in chosen)
            {
                manager.Tell(new RequestCapture(sensor.Name, block.Tags, block.Interface)
                {
                    Filter = block.Filter,
                    DurationSeconds = block.Duration?.TotalSeconds,
                    MaxPackets = block.MaxPackets,
                    MaxBytes = block.MaxBytes,
                    SnapLength = block.SnapLength,
                    Promiscuous = block.Promiscuous,
                });
            }
        });
        Receive<ListAgain>(_ => manager.Tell(ListSensors.Instance));
        CommonBeforeStart();
    }

    private void Starting()
    {
        Receive<CaptureAccepted>(accepted =>
        {
            captures[accepted.Capture.Id] = accepted.Capture;
            manager.Tell(new FollowCapture(accepted.Capture.Id));
            Answered();
        });
        Receive<CaptureProgressed>(PassOnProgress);
        Receive<CaptureRefused>(refused =>
        {
            refusals.Add(refused.Reason);
            Answered();
        });
        Receive<StopWindow>(_ => stopRequested = true);
        Receive<GaveUp>(_ =>
        {
            refusals.Add($"the capture manager did not answer within {StartWithin.TotalSeconds:0} s");
            pending = 0;
            Answered();
        });
    }

    private void Answered()
    {
        if (--pending > 0) return;
        Timers.Cancel(nameof(GaveUp));
        if (refusals.Count > 0)
        {
            foreach (var id in captures.Keys) manager.Tell(new StopCapture(id));
            Refuse(string.Join("; ", refusals));
            return;
        }

        if (stopRequested)
        {
            Stop();
            return;
        }

        owner.Tell(new WindowStarted(captures.Keys.ToList()));
        Become(Running);
    }

    private void Running()
    {
        Receive<StopWindow>(_ => Stop());
        Receive<CaptureProgressed>(PassOnProgress);
    }

    private void PassOnProgress(CaptureProgressed progressed)
    {
        if (captures.TryGetValue(progressed.CaptureId, out var view)) owner.Tell(new WindowProgress(view, progressed.Progress));
    }

    private void Stop()
    {
        stoppedAt = DateTimeOffset.UtcNow;
        if (captures.Count == 0)
        {
            Finish();
            return;
        }

        foreach (var id in captures.Keys) manager.Tell(new StopCapture(id));
        Become(Collecting);
        Timers.StartPeriodicTimer(nameof(Poll), Poll.Instance, PollEvery);
        Timers.StartSingleTimer(nameof(GaveUp), GaveUp.Instance, CollectWithin);
    }

    private void Collecting()
    {
        Receive<Poll>(_ =>
        {
            foreach (var id in captures.Where(c => !Ended(c.Value)).Select(c => c.Key)) manager.Tell(new GetCapture(id));
        });
        Receive<CaptureView>(view =>
        {
            if (!captures.ContainsKey(view.Id)) return;
            captures[view.Id] = view;
            if (captures.Values.All(Ended)) Finish();
        });
        Receive<CaptureRefused>(_ => { });
        Receive<StopWindow>(_ => { });
        // The last reports of stopping captures: their results follow and are journaled instead.
        Receive<CaptureProgressed>(_ => { });
        Receive<GaveUp>(_ =>
        {
            foreach (var (id, view) in captures.Where(c => !Ended(c.Value)).ToList())
            {
                captures[id] = view with
                {
                    Status = CaptureStatus.Failed,
                    Error = $"no result from sensor {view.Sensor} within {CollectWithin.TotalSeconds:0} s of stopping the capture",
                };
            }

            Finish();
        });
    }

    private void Finish()
    {
        owner.Tell(new WindowStopped(captures.Values.OrderBy(c => c.Sensor, StringComparer.Ordinal).ToList(), stoppedAt));
        Context.Stop(Self);
    }

    private static bool Ended(CaptureView view) => view.Status is CaptureStatus.Finished or CaptureStatus.Failed;

    private void CommonBeforeStart()
    {
        Receive<StopWindow>(_ =>
        {
            owner.Tell(new WindowStopped([], DateTimeOffset.UtcNow));
            Context.Stop(Self);
        });
        Receive<GaveUp>(_ => Refuse($"the capture manager did not answer within {StartWithin.TotalSeconds:0} s"));
    }

    private void Refuse(string reason)
    {
        owner.Tell(new WindowRefused(reason));
        Context.Stop(Self);
    }

    /// <summary>The journal's record of one capture: the numbers the history lists, and the whole summary (protocol mix,
    /// top talkers and conversations) as JSON. Rates are over the capture's whole run, idle time included.</summary>
    public static JobJournal.CaptureFinished ToEvent(string jobId, int playIndex, int? batchIndex, CaptureView view, DateTimeOffset stoppedAt)
    {
        var result = view.Result;
        var summary = result?.Summary ?? view.Progress?.Total;
        var drops = result?.Drops ?? view.Progress?.Drops;
        var seconds = (result?.Elapsed ?? view.Progress?.Elapsed ?? TimeSpan.Zero).TotalSeconds;
        var packets = summary?.Packets ?? 0;
        var bytes = summary?.Bytes ?? 0;
        return new JobJournal.CaptureFinished(jobId, DateTimeOffset.UtcNow, playIndex, batchIndex, view.Id, view.Sensor, view.SensorAddress,
            view.Interface, view.Filter, view.Status, view.Error, view.Requested, stoppedAt, result?.Reason.ToString().ToLowerInvariant(),
            seconds * 1000, packets, bytes, seconds > 0 ? packets / seconds : 0, seconds > 0 ? bytes / seconds : 0,
            summary?.Tcp.Syn ?? 0, summary?.Tcp.Rst ?? 0, drops?.KernelDropped ?? 0, (drops?.InterfaceDropped ?? 0) + (drops?.QueueDropped ?? 0),
            [.. view.FileNames], summary is null ? null : JsonSerializer.SerializeToElement(summary, JobCaptureJson.Options));
    }

    /// <summary>The job event of one progress report: totals so far, rates over the last summary interval.</summary>
    public static NetFleet.Core.Results.CaptureProgressReported ToProgressEvent(string jobId, int playIndex, int? batchIndex, WindowProgress report)
    {
        var (view, p) = (report.Capture, report.Progress);
        var total = p.Total;
        return new NetFleet.Core.Results.CaptureProgressReported(jobId, DateTimeOffset.UtcNow, playIndex, batchIndex, view.Id, view.Sensor,
            view.Interface, p.Elapsed.TotalSeconds, total.Packets, total.Bytes, p.PacketsPerSecond, p.BytesPerSecond * 8,
            total.Protocols.Tcp.Packets, total.Protocols.Udp.Packets, total.Protocols.Icmp.Packets, total.Tcp.Syn, total.Tcp.Rst, p.Drops.Total,
            total.TopTalkers.OrderByDescending(t => t.Bytes).FirstOrDefault()?.Address);
    }

    private sealed record ListAgain
    {
        public static readonly ListAgain Instance = new();
    }

    private sealed record Poll
    {
        public static readonly Poll Instance = new();
    }

    private sealed record GaveUp
    {
        public static readonly GaveUp Instance = new();
    }
}

/// <summary>How a capture's summary is written into the journal and read back by the history and the CLI.</summary>
public static class JobCaptureJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

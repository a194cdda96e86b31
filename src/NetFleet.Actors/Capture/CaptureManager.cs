using Akka.Actor;
using Akka.Cluster;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Actors.Capture;

/// <summary>
/// The captures asked for through one orchestrator node. Every second it looks for the <see cref="SensorActor"/> at
/// <c>/user/sensor</c> of each cluster member with the <c>sensor</c> role it does not know yet, and watches it; a
/// sensor that leaves or dies fails its captures at once (they never hang). A request is placed on one of the sensors
/// it selects, the one with the fewest running captures, so captures spread across the pool.
/// <para>Lists and look-ups cover the whole cluster: every sensor keeps the captures it ran, whichever node placed them
/// (a playbook's capture block places them through the job manager's node), and is asked for them; for the captures
/// placed here this manager's own record wins, since it also knows the ones whose sensor is gone.</para>
/// </summary>
public sealed class CaptureManager : ReceiveActor, IWithTimers
{
    public const string Name = "captures";
    private static readonly TimeSpan DiscoverEvery = TimeSpan.FromSeconds(1);

    /// <summary>Opening an interface takes milliseconds; a sensor that has not answered by then has lost the request.</summary>
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(10);

    /// <summary>A sensor answers from memory in milliseconds; one that does not by then is left out of the answer.</summary>
    private static readonly TimeSpan SensorsAnswerWithin = TimeSpan.FromSeconds(3);

    private readonly string sensorRole;
    private readonly Dictionary<IActorRef, SensorInfo> sensors = [];
    private readonly Dictionary<string, Capture> captures = new(StringComparer.Ordinal);

    public CaptureManager(string sensorRole)
    {
        this.sensorRole = sensorRole;
        Receive<Discover>(_ => DiscoverSensors());
        Receive<SensorInfo>(info =>
        {
            if (sensors.ContainsKey(Sender)) return;
            sensors[Sender] = info;
            Context.Watch(Sender);
        });
        Receive<Terminated>(terminated => SensorGone(terminated.ActorRef));
        Receive<RequestCapture>(Place);
        Receive<StartTimedOut>(timedOut =>
        {
            if (captures.TryGetValue(timedOut.CaptureId, out var c) && c.Status == CaptureStatus.Starting)
            {
                Fail(c, $"sensor {c.SensorInfo.Name} did not start the capture within {StartWithin.TotalSeconds:0} s");
                c.Sensor.Tell(new StopCapture(c.Id));
            }
        });
        Receive<CaptureStarted>(started => Update(started.CaptureId, c =>
        {
            c.Status = CaptureStatus.Running;
            c.Waiting?.Tell(new CaptureAccepted(c.View));
            c.Waiting = null;
        }));
        Receive<CaptureProgressed>(progressed => Update(progressed.CaptureId, c =>
        {
            c.Progress = progressed.Progress;
            foreach (var follower in c.Followers) follower.Tell(progressed);
        }));
        Receive<FollowCapture>(follow => Update(follow.CaptureId, c => c.Followers.Add(Sender)));
        Receive<CaptureFinished>(finished => Update(finished.CaptureId, c =>
        {
            c.Result = finished.Result;
            c.Error = finished.Result.Error;
            c.Status = finished.Result.Reason == NetFleet.Capture.CaptureStopReason.Failed ? CaptureStatus.Failed : CaptureStatus.Finished;
        }));
        Receive<CaptureFailed>(failed => Update(failed.CaptureId, c => Fail(c, failed.Reason)));
        Receive<ListCaptures>(_ =>
        {
            var here = captures.Values.Select(c => c.View).ToList();
            GatherAsync(SensorsNow()).PipeTo(Sender, success: found => Merge(here, found.Select(f => f.View)));
        });
        Receive<ListSensors>(_ => Sender.Tell(sensors.Values.OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new SensorView(s.Name, s.Tags, s.Interfaces, s.Address, Running(s))).ToList()));
        Receive<GetCapture>(get =>
        {
            if (captures.TryGetValue(get.CaptureId, out var c)) Sender.Tell(c.View);
            else AnswerFromSensors(get.CaptureId, (_, view) => view);
        });
        Receive<StopCapture>(stop =>
        {
            if (!captures.TryGetValue(stop.CaptureId, out var c))
            {
                AnswerFromSensors(stop.CaptureId, (sensor, view) =>
                {
                    sensor.Tell(stop);
                    return view;
                });
                return;
            }

            c.Sensor.Tell(stop);
            Sender.Tell(c.View);
        });
        Receive<LocateCapture>(locate =>
        {
            if (captures.TryGetValue(locate.CaptureId, out var c))
                Sender.Tell(sensors.ContainsKey(c.Sensor) ? new CaptureLocated(c.Id, c.Sensor) : new CaptureRefused($"the sensor {c.SensorInfo.Name} of capture {c.Id} is gone"));
            else AnswerFromSensors(locate.CaptureId, (sensor, view) => new CaptureLocated(view.Id, sensor));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string sensorRole) => Akka.Actor.Props.Create(() => new CaptureManager(sensorRole));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(nameof(Discover), Discover.Instance, TimeSpan.Zero, DiscoverEvery);
    }

    private void DiscoverSensors()
    {
        var known = sensors.Values.Select(s => s.Address).ToHashSet(StringComparer.Ordinal);
        foreach (var member in Cluster.Get(Context.System).State.Members)
        {
            if (member.Status != MemberStatus.Up || !member.HasRole(sensorRole) || known.Contains(member.Address.ToString())) continue;
            Context.ActorSelection(new RootActorPath(member.Address) / "user" / SensorActor.Name).Tell(GetSensorInfo.Instance);
        }
    }

    private void Place(RequestCapture request)
    {
        var tags = request.Tags ?? [];
        var selected = sensors.Where(s => request.Sensor is null || s.Value.Name == request.Sensor)
            .Where(s => tags.All(t => s.Value.Tags.Contains(t, StringComparer.Ordinal))).ToList();
        var what = request.Sensor is not null ? $"sensor {request.Sensor}" : tags.Count > 0 ? $"sensor with tags {string.Join(",", tags)}" : "sensor";
        if (selected.Count == 0)
        {
            var present = string.Join("; ", sensors.Values.Select(s => $"{s.Name} [{string.Join(",", s.Tags)}]"));
            Sender.Tell(new CaptureRefused($"no {what} in the cluster (sensors: {(present.Length > 0 ? present : "none")})"));
            return;
        }

        var allowed = selected.Where(s => s.Value.Interfaces.Contains(request.Interface, StringComparer.Ordinal)).ToList();
        if (allowed.Count == 0)
        {
            Sender.Tell(new CaptureRefused($"interface '{request.Interface}' is not allowed on any {what} (" +
                string.Join("; ", selected.Select(s => $"{s.Value.Name} allows {string.Join(", ", s.Value.Interfaces)}")) + ")"));
            return;
        }

        var (sensor, info) = allowed.OrderBy(s => Running(s.Value)).ThenBy(s => s.Value.Name, StringComparer.Ordinal).First();
        var id = "cap-" + Guid.NewGuid().ToString("N")[..12];
        captures[id] = new Capture(id, sensor, info, request, DateTimeOffset.UtcNow) { Waiting = Sender };
        sensor.Tell(new StartCapture(id, request, Self));
        Timers.StartSingleTimer(id, new StartTimedOut(id), StartWithin);
    }

    private List<(IActorRef Sensor, SensorInfo Info)> SensorsNow() => sensors.Select(s => (s.Key, s.Value)).ToList();

    /// <summary>A capture placed through another node: found on the sensor that runs or ran it, answered with
    /// <paramref name="answer"/> (which may also tell that sensor something), or refused when no sensor knows it.</summary>
    private void AnswerFromSensors(string captureId, Func<IActorRef, CaptureView, object> answer) =>
        GatherAsync(SensorsNow()).PipeTo(Sender, success: found =>
            found.FirstOrDefault(f => f.View.Id == captureId) is { Sensor: not null } hit ? answer(hit.Sensor, hit.View) : new CaptureRefused($"no capture {captureId}"));

    /// <summary>Every sensor's captures; a sensor that does not answer in time is left out rather than failing the list.
    /// Runs off the actor (it only reads its arguments) and is piped back.</summary>
    private static async Task<List<(IActorRef Sensor, CaptureView View)>> GatherAsync(List<(IActorRef Sensor, SensorInfo Info)> from)
    {
        var answers = await Task.WhenAll(from.Select(async s =>
        {
            try
            {
                var answer = await s.Sensor.Ask<SensorCaptures>(ListSensorCaptures.Instance, SensorsAnswerWithin).ConfigureAwait(false);
                return answer.Captures.Select(c => (s.Sensor, ViewOf(s.Info, c))).ToList();
            }
            catch (AskTimeoutException)
            {
                return [];
            }
        })).ConfigureAwait(false);
        return answers.SelectMany(a => a).ToList();
    }

    private static CaptureView ViewOf(SensorInfo sensor, SensorCapture c) =>
        new(c.Id, sensor.Name, sensor.Address, c.Interface, c.Filter, c.Status, c.Error, c.Requested, c.Progress, c.Result);

    /// <summary>This manager's captures over the sensors' own, unless the sensor has already seen one end that this
    /// manager still shows open (its report is on the way).</summary>
    private static List<CaptureView> Merge(IEnumerable<CaptureView> here, IEnumerable<CaptureView> onSensors)
    {
        var merged = onSensors.ToDictionary(v => v.Id, StringComparer.Ordinal);
        foreach (var view in here)
        {
            if (merged.TryGetValue(view.Id, out var sensor) && Ended(sensor) && !Ended(view)) continue;
            merged[view.Id] = view;
        }

        return merged.Values.OrderBy(v => v.Requested).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
    }

    private static bool Ended(CaptureView view) => view.Status is CaptureStatus.Finished or CaptureStatus.Failed;

    private void SensorGone(IActorRef sensor)
    {
        if (!sensors.Remove(sensor, out var info)) return;
        foreach (var c in captures.Values.Where(c => c.Sensor.Equals(sensor) && c.Status is CaptureStatus.Starting or CaptureStatus.Running))
        {
            Fail(c, $"sensor {info.Name} ({info.Address}) left the cluster or died during the capture (its files, if any, stay on that node)");
        }
    }

    private static void Fail(Capture c, string reason)
    {
        c.Status = CaptureStatus.Failed;
        c.Error = reason;
        c.Waiting?.Tell(new CaptureRefused(reason));
        c.Waiting = null;
    }

    private void Update(string id, Action<Capture> change)
    {
        if (captures.TryGetValue(id, out var c) && c.Status is CaptureStatus.Starting or CaptureStatus.Running) change(c);
    }

    private int Running(SensorInfo sensor) =>
        captures.Values.Count(c => c.SensorInfo.Address == sensor.Address && c.Status is CaptureStatus.Starting or CaptureStatus.Running);

    private sealed class Capture(string id, IActorRef sensor, SensorInfo sensorInfo, RequestCapture request, DateTimeOffset requested)
    {
        public string Id => id;
        public IActorRef Sensor => sensor;
        public SensorInfo SensorInfo => sensorInfo;
        public DateTimeOffset Requested => requested;
        public string Status { get; set; } = CaptureStatus.Starting;
        public string? Error { get; set; }
        public NetFleet.Capture.CaptureProgress? Progress { get; set; }
        public NetFleet.Capture.CaptureResult? Result { get; set; }
        public IActorRef? Waiting { get; set; }

        /// <summary>Who gets the capture's progress reports while it runs.</summary>
        public List<IActorRef> Followers { get; } = [];

        public CaptureView View => new(id, sensorInfo.Name, sensorInfo.Address, request.Interface, request.Filter, Status, Error, requested, Progress, Result);
    }

    private sealed record StartTimedOut(string CaptureId);

    private sealed record Discover
    {
        public static readonly Discover Instance = new();
    }
}

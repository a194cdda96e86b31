using Akka.Actor;
using Akka.Cluster;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Actors.Capture;

/// <summary>
/// The captures asked for through one orchestrator node. Every second it looks for the <see cref="SensorActor"/> at
/// <c>/user/sensor</c> of each cluster member with the <c>sensor</c> role it does not know yet, and watches it; a
/// sensor that leaves or dies fails its captures at once (they never hang). A request is placed on one of the sensors
/// it selects, the one with the fewest running captures, so captures spread across the pool.
/// </summary>
public sealed class CaptureManager : ReceiveActor, IWithTimers
{
    public const string Name = "captures";
    private static readonly TimeSpan DiscoverEvery = TimeSpan.FromSeconds(1);

    /// <summary>Opening an interface takes milliseconds; a sensor that has not answered by then has lost the request.</summary>
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(10);

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
        Receive<CaptureProgressed>(progressed => Update(progressed.CaptureId, c => c.Progress = progressed.Progress));
        Receive<CaptureFinished>(finished => Update(finished.CaptureId, c =>
        {
            c.Result = finished.Result;
            c.Error = finished.Result.Error;
            c.Status = finished.Result.Reason == NetFleet.Capture.CaptureStopReason.Failed ? CaptureStatus.Failed : CaptureStatus.Finished;
        }));
        Receive<CaptureFailed>(failed => Update(failed.CaptureId, c => Fail(c, failed.Reason)));
        Receive<ListCaptures>(_ => Sender.Tell(captures.Values.OrderBy(c => c.Requested).Select(c => c.View).ToList()));
        Receive<ListSensors>(_ => Sender.Tell(sensors.Values.OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new SensorView(s.Name, s.Tags, s.Interfaces, s.Address, Running(s))).ToList()));
        Receive<GetCapture>(get => Sender.Tell(captures.TryGetValue(get.CaptureId, out var c) ? c.View : new CaptureRefused($"no capture {get.CaptureId}")));
        Receive<StopCapture>(stop =>
        {
            if (!captures.TryGetValue(stop.CaptureId, out var c))
            {
                Sender.Tell(new CaptureRefused($"no capture {stop.CaptureId}"));
                return;
            }

            c.Sensor.Tell(stop);
            Sender.Tell(c.View);
        });
        Receive<LocateCapture>(locate => Sender.Tell(captures.TryGetValue(locate.CaptureId, out var c)
            ? sensors.ContainsKey(c.Sensor) ? new CaptureLocated(c.Id, c.Sensor) : new CaptureRefused($"the sensor {c.SensorInfo.Name} of capture {c.Id} is gone")
            : new CaptureRefused($"no capture {locate.CaptureId}")));
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

        public CaptureView View => new(id, sensorInfo.Name, sensorInfo.Address, request.Interface, request.Filter, Status, Error, requested, Progress, Result);
    }

    private sealed record StartTimedOut(string CaptureId);

    private sealed record Discover
    {
        public static readonly Discover Instance = new();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Snmp;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Devices;

/// <summary>
/// A device's SNMP session, beside its SSH one: the <see cref="SnmpTarget"/> (with the v3 user's keys, derived once)
/// and the requests in flight, over the actor system's shared <see cref="SnmpManager"/>. SNMP is datagrams, so
/// requests run side by side and never open an SSH session. Get, walk and set are piped straight back to the
/// asker; a poll's samples are scheduled here and piped back to this actor. Timeouts reply
/// <see cref="FailureKind.Unreachable"/>; an agent's error or a USM refusal replies <see cref="FailureKind.Rejected"/>
/// (not retried).
/// </summary>
public sealed class DeviceSnmpActor : ReceiveActor, IWithTimers
{
    private sealed record Poll(RunDeviceRequest Run, SnmpPoll Request, SnmpTarget Target, IActorRef ReplyTo, long StartedAt, int Planned)
    {
        public List<PollSample> Samples { get; } = [];
        public List<string> Errors { get; } = [];
    }

    private sealed record SampleDue(long RequestId);
    private sealed record Sampled(long RequestId, PollSample? Sample, string? Error);

    private readonly string device;
    private readonly ISnmpManager manager;
    private readonly Dictionary<long, Poll> polls = [];
    private (SnmpEndpoint Endpoint, string Version, SnmpTarget Target)? cached;

    public DeviceSnmpActor(string device, ISnmpManager manager)
    {
        this.device = device;
        this.manager = manager;
        Receive<RunDeviceRequest>(Run);
        Receive<SampleDue>(due =>
        {
            if (polls.TryGetValue(due.RequestId, out var poll)) TakeSample(poll);
        });
        Receive<Sampled>(SampleArrived);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string device, ISnmpManager manager) => Akka.Actor.Props.Create(() => new DeviceSnmpActor(device, manager));

    private void Run(RunDeviceRequest run)
    {
        var replyTo = Sender;
        var started = Stopwatch.GetTimestamp();
        var request = (SnmpRequest)run.Request;
        SnmpTarget target;
        try
        {
            target = TargetFor(request);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            replyTo.Tell(new DeviceRequestFailed(device, run.RequestId, FailureKind.Rejected, e.Message, TimeSpan.Zero, 0));
            return;
        }

        if (request is SnmpPoll pollRequest)
        {
            var planned = (int)Math.Floor(pollRequest.For.Ticks / (double)pollRequest.Every.Ticks) + 1;
            var poll = new Poll(run, pollRequest, target, replyTo, started, planned);
            polls[run.RequestId] = poll;
            TakeSample(poll);
            return;
        }

        var work = DeviceOperations.For(request) is DeviceOperations.SnmpOperation { Run: { } operation }
            ? operation(manager, target, run)
            : Task.FromException<(IReadOnlyList<Variable> Variables, bool Changed)>(new InvalidOperationException($"unknown SNMP request {request.GetType().Name}"));
        work.PipeTo(replyTo,
            success: result => Completed(run, started, result.Variables, result.Changed),
            failure: e => Failed(run, started, e));
    }

    private void TakeSample(Poll poll)
    {
        var id = poll.Run.RequestId;
        var at = Stopwatch.GetElapsedTime(poll.StartedAt);
        manager.GetAsync(poll.Target, poll.Request.Oids.Select(Oid.Parse).ToList()).PipeTo(Self,
            success: variables => new Sampled(id, new PollSample(at, variables), null),
            failure: e => new Sampled(id, null, Unwrap(e).Message));
    }

    private void SampleArrived(Sampled sampled)
    {
        if (!polls.TryGetValue(sampled.RequestId, out var poll)) return;
        if (sampled.Sample is { } sample) poll.Samples.Add(sample);
        else poll.Errors.Add(sampled.Error ?? "no answer");
        var taken = poll.Samples.Count + poll.Errors.Count;
        if (taken < poll.Planned)
        {
            var due = poll.Request.Every * taken - Stopwatch.GetElapsedTime(poll.StartedAt);
            Timers.StartSingleTimer(sampled.RequestId, new SampleDue(sampled.RequestId), due > TimeSpan.Zero ? due : TimeSpan.Zero);
            return;
        }

        polls.Remove(sampled.RequestId);
        if (poll.Samples.Count == 0)
        {
            poll.ReplyTo.Tell(new DeviceRequestFailed(device, poll.Run.RequestId, FailureKind.Unreachable,
                $"no poll sample answered: {poll.Errors[^1]}", Stopwatch.GetElapsedTime(poll.StartedAt), 1));
            return;
        }

        poll.ReplyTo.Tell(PollCompleted(poll));
    }

    private DeviceRequestCompleted PollCompleted(Poll poll)
    {
        var rates = CounterRates.Of(poll.Samples);
        var lines = rates.Select(r => r.BitsPerSecond is { } bits
            ? string.Create(CultureInfo.InvariantCulture, $"{r.Name} = {r.PerSecond:0.###}/s ({bits:0.###} bit/s)")
            : string.Create(CultureInfo.InvariantCulture, $"{r.Name} = {r.PerSecond:0.###}/s")).ToList();
        if (poll.Errors.Count > 0) lines.Add($"{poll.Errors.Count} of {poll.Planned} samples unanswered: {poll.Errors[^1]}");
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["samples"] = poll.Samples.Select(s => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["at"] = Math.Round(s.At.TotalSeconds, 3),
                ["values"] = VariableMap(s.Variables),
            }).ToList(),
            ["rates"] = rates.ToDictionary(r => r.Name, r => (object?)RateMap(r), StringComparer.Ordinal),
            ["variables"] = VariableMap(poll.Samples[^1].Variables),
            ["missed"] = poll.Errors.Count,
        };
        return new DeviceRequestCompleted(device, poll.Run.RequestId, string.Join('\n', lines), false, null,
            Stopwatch.GetElapsedTime(poll.StartedAt), TimeSpan.Zero) { Data = data };
    }

    private static Dictionary<string, object?> RateMap(CounterRate rate)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["per_second"] = rate.PerSecond,
            ["intervals"] = rate.Intervals.Select(i => (object?)i).ToList(),
            ["wraps"] = rate.Wraps,
        };
        if (rate.BitsPerSecond is { } bits) map["bits_per_second"] = bits;
        return map;
    }

    private SnmpTarget TargetFor(SnmpRequest request)
    {
        var endpoint = request.Endpoint ?? throw new InvalidOperationException("the SNMP request has no endpoint (inventory data.snmp)");
        if (endpoint.Problem is { } problem) throw new InvalidOperationException(problem);
        var version = request.Version ?? (endpoint.V3 is not null ? "v3" : "v2c");
        if (cached is { } c && c.Endpoint == endpoint && c.Version == version) return c.Target;
        // Resolving a name here would block the actor; inventories give the lab and most fleets as addresses.
        if (!IPAddress.TryParse(endpoint.Address, out var address))
            throw new FormatException($"{device}: SNMP needs the host's IP address, not the name '{endpoint.Address}'");

        var ip = new IPEndPoint(address, endpoint.Port);
        var target = version == "v3"
            ? new SnmpTarget(ip, SnmpVersion.V3, "", UserOf(endpoint.V3 ?? throw new InvalidOperationException(
                $"{device}: v3 asked for but the inventory's data.snmp has no v3 user")))
            : new SnmpTarget(ip, SnmpVersion.V2c, endpoint.Community ?? "public");
        target = target with { Timeout = TimeSpan.FromSeconds(endpoint.Timeout), Retries = endpoint.Retries };
        cached = (endpoint, version, target);
        return target;
    }

    private static UsmUser UserOf(SnmpV3Credentials v3) => new(v3.User,
        v3.AuthProtocol switch
        {
            "sha" or "sha1" => AuthProtocol.HmacSha96,
            "sha256" => AuthProtocol.HmacSha256,
            _ => AuthProtocol.None,
        },
        v3.AuthPassword,
        v3.PrivProtocol is "aes" or "aes128" ? PrivProtocol.Aes128 : PrivProtocol.None,
        v3.PrivPassword);

    private DeviceRequestCompleted Completed(RunDeviceRequest run, long started, IReadOnlyList<Variable> variables, bool changed) =>
        new(device, run.RequestId, string.Join('\n', variables.Select(v => $"{MibNames.Format(v.Oid)} = {v.Value}")), changed, null,
            Stopwatch.GetElapsedTime(started), TimeSpan.Zero)
        {
            Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["variables"] = VariableMap(variables) },
        };

    private DeviceRequestFailed Failed(RunDeviceRequest run, long started, Exception error)
    {
        error = Unwrap(error);
        var kind = error is SnmpTimeoutException or SocketException ? FailureKind.Unreachable : FailureKind.Rejected;
        return new DeviceRequestFailed(device, run.RequestId, kind, error.Message, Stopwatch.GetElapsedTime(started), 1);
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerExceptions[0]) : e;

    /// <summary>Name → value, numbers as numbers so templates can compare and add them.</summary>
    private static Dictionary<string, object?> VariableMap(IReadOnlyList<Variable> variables)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var v in variables)
        {
            map[MibNames.Format(v.Oid)] = v.Value switch
            {
                Integer32 i => i.Value,
                Counter32 c => (long)c.Value,
                Gauge32 g => (long)g.Value,
                TimeTicks t => (long)t.Value,
                Counter64 c => c.Value,
                _ => v.Value.ToString(),
            };
        }

        return map;
    }

    protected override void PostStop()
    {
        foreach (var poll in polls.Values)
        {
            poll.ReplyTo.Tell(new DeviceRequestFailed(device, poll.Run.RequestId, FailureKind.Dropped, "the device's SNMP session stopped",
                Stopwatch.GetElapsedTime(poll.StartedAt), 1));
        }

        polls.Clear();
    }
}

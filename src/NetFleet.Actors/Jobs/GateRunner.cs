using System.Diagnostics;
using NetFleet.Actors.Devices;
using NetFleet.Capture.Probes;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Snmp;

namespace NetFleet.Actors.Jobs;

/// <summary>One gate probe's numbers in one measurement.</summary>
/// <param name="Error">Why no probe could be sent at all (unresolvable, not permitted); loss is 100% then.</param>
public sealed record GateProbeResult(string Probe, string? From, string? Namespace, string Target, string Kind, int Sent, int Received,
    double LossPercent, double? AvgMs, string? Error);

/// <summary>One device's SNMP interface errors and discards (ifInErrors, ifOutErrors, ifInDiscards, ifOutDiscards over
/// every interface) per second across a measurement; <paramref name="Error"/> says why they could not be read.</summary>
public sealed record GateDeviceRate(string Device, double? ErrorsPerSecond, string? Error);

/// <summary>What a gate saw once (the baseline before a batch, or after it).</summary>
/// <param name="RstPerSecond">TCP RSTs per second the play's captures counted across the measurement; null without them.</param>
public sealed record GateMeasurement(IReadOnlyList<GateProbeResult> Probes, IReadOnlyList<GateDeviceRate> Devices, double? RstPerSecond,
    double Seconds)
{
    /// <summary>TCP segments sent again per second the play's captures counted across the measurement; null without them
    /// (and in measurements journaled before they were counted).</summary>
    public double? RetransmissionsPerSecond { get; init; }
}

/// <summary>A probe of a gate, ready to send: <see cref="Namespace"/> is the <c>from</c> host's <c>netns</c>, if it has one.</summary>
public sealed record GateProbeRun(GateProbe Probe, string? Namespace);

/// <summary>
/// Measures a play's <see cref="Gate"/> from the orchestrator's process (as the TCP and SNMP post-checks are): SNMP error
/// counters of the batch's devices are read, the probes run side by side, and after at least the gate's window the
/// counters are read again; their growth over the time between the two reads is the rate.
/// </summary>
public static class GateRunner
{
    /// <summary>ifInDiscards, ifInErrors, ifOutDiscards, ifOutErrors (IF-MIB ifTable columns 13, 14, 19, 20).</summary>
    private static readonly Oid[] ErrorColumns = [.. new[] { 13u, 14u, 19u, 20u }.Select(c => Oid.Parse("1.3.6.1.2.1.2.2.1").Append(c))];

    /// <summary>For the four column walks of one device together.</summary>
    private static readonly TimeSpan SnmpTimeout = TimeSpan.FromSeconds(5);

    public static IReadOnlyList<GateProbeRun> Resolve(Gate gate, Inventory inventory) => gate.Probes.Select(p =>
    {
        var host = p.From is { } from ? inventory.FindHost(from) : null;
        var ns = host is not null && host.Data.TryGetValue(GateProbe.NamespaceVariable, out var value) && value is not null
            ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
        return new GateProbeRun(p, string.IsNullOrWhiteSpace(ns) ? null : ns);
    }).ToList();

    public static async Task<GateMeasurement> MeasureAsync(Gate gate, IReadOnlyList<GateProbeRun> probes, IReadOnlyList<Host> devices,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var manager = new SnmpManager();
        var firstAt = Stopwatch.GetTimestamp();
        var first = await Task.WhenAll(devices.Select(d => CountersAsync(manager, d, cancellationToken)));
        var results = await Task.WhenAll(probes.Select(p => ProbeAsync(p, cancellationToken)));
        var wait = gate.Window - Stopwatch.GetElapsedTime(started);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
        var secondAt = Stopwatch.GetTimestamp();
        var second = await Task.WhenAll(devices.Select(d => CountersAsync(manager, d, cancellationToken)));
        var seconds = Stopwatch.GetElapsedTime(firstAt, secondAt).TotalSeconds;
        var rates = devices.Select((d, i) => Rate(d.Name, first[i], second[i], seconds)).ToList();
        return new GateMeasurement(results, rates, null, Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3));
    }

    private static async Task<GateProbeResult> ProbeAsync(GateProbeRun run, CancellationToken cancellationToken)
    {
        var probe = run.Probe;
        var kind = probe.Kind switch
        {
            ProbeModule.Tcp => ProbeKind.Tcp,
            ProbeModule.Udp => ProbeKind.Udp,
            _ => ProbeKind.Icmp,
        };
        try
        {
            var result = await Prober.RunAsync(new ProbeRequest
            {
                Kind = kind, Host = probe.Target.Host, Port = probe.Target.Port, Count = probe.Count, Interval = probe.Interval,
                Timeout = probe.Timeout, Namespace = run.Namespace,
            }, cancellationToken).ConfigureAwait(false);
            return new GateProbeResult(probe.Describe(), probe.From, run.Namespace, probe.Target.Text, probe.Kind, result.Sent, result.Received,
                result.LossPercent, result.Latency is { } latency ? Math.Round(latency.AvgMs, 3) : null, result.Error);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new GateProbeResult(probe.Describe(), probe.From, run.Namespace, probe.Target.Text, probe.Kind, 0, 0, 100, null, e.Message);
        }
    }

    private sealed record Counters(Dictionary<Oid, SnmpValue>? Values, string? Error);

    private static async Task<Counters> CountersAsync(SnmpManager manager, Host device, CancellationToken cancellationToken)
    {
        var endpoint = SnmpEndpoint.For(device);
        if (endpoint.Problem is { } problem) return new Counters(null, problem);
        if (endpoint.Community is not { } community) return new Counters(null, "gates read SNMP v2c; the host has no community in data.snmp");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(SnmpTimeout);
        var target = SnmpTarget.V2c(endpoint.Address, endpoint.Port, community);
        var values = new Dictionary<Oid, SnmpValue>();
        try
        {
            foreach (var column in ErrorColumns)
            {
                await foreach (var variable in manager.WalkAsync(target, column, cts.Token)) values[variable.Oid] = variable.Value;
            }

            return new Counters(values, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            return new Counters(null, $"snmp {endpoint.Address}:{endpoint.Port}: {(e is OperationCanceledException ? "no answer" : e.Message)}");
        }
    }

    private static GateDeviceRate Rate(string device, Counters before, Counters after, double seconds)
    {
        if ((before.Error ?? after.Error) is { } error) return new GateDeviceRate(device, null, error);
        var total = 0.0;
        foreach (var (oid, value) in after.Values!)
        {
            if (before.Values!.TryGetValue(oid, out var earlier) && CounterRates.Increase(earlier, value) is { } increase) total += increase.Delta;
        }

        return new GateDeviceRate(device, seconds > 0 ? Math.Round(total / seconds, 3) : null, null);
    }
}

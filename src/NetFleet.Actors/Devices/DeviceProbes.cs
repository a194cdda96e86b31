using System.Diagnostics;
using System.Globalization;
using NetFleet.Capture.Probes;
using NetFleet.Core.Playbooks.Modules;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Devices;

/// <summary>
/// Carries out a <see cref="ProbeTargets"/> request with the <see cref="Prober"/>, from this node: each target in turn,
/// and the per-target and overall sent, received, loss and round-trip times as the task's data. Loss is data; only a
/// probe that cannot be sent at all (ICMP without a raw socket, a network namespace that is not there or may not be
/// entered) fails the request.
/// </summary>
internal static class DeviceProbes
{
    public static async Task<object> RunAsync(RunDeviceRequest run, ProbeTargets request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var kind = request.Protocol switch
        {
            ProbeModule.Udp => ProbeKind.Udp,
            ProbeModule.Icmp => ProbeKind.Icmp,
            _ => ProbeKind.Tcp,
        };
        var results = new List<ProbeResult>();
        foreach (var target in request.Targets)
        {
            results.Add(await Prober.RunAsync(new ProbeRequest
            {
                Kind = kind,
                Host = target.Host,
                Port = target.Port,
                Count = request.Count,
                Interval = request.Interval,
                Timeout = request.Timeout,
                ExpectEcho = request.ExpectEcho,
                Namespace = request.Namespace,
            }, cancellationToken).ConfigureAwait(false));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (results.FirstOrDefault(r => r.Failure is ProbeOutcome.NotPermitted or ProbeOutcome.NoNamespace) is { } refused)
        {
            return new DeviceRequestFailed(run.Device, run.RequestId, FailureKind.Rejected, refused.Error!, elapsed, 0);
        }

        var rtts = results.SelectMany(r => r.Attempts).Where(a => a is { Outcome: ProbeOutcome.Ok, LatencyMs: not null })
            .Select(a => a.LatencyMs!.Value).ToList();
        var sent = results.Sum(r => r.Sent);
        var received = results.Sum(r => r.Received);
        // Built from plain lists and dictionaries: the data crosses the cluster and is read by templates.
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["protocol"] = request.Protocol,
            ["sent"] = sent,
            ["received"] = received,
            ["loss_percent"] = sent == 0 ? 100.0 : Math.Round(100.0 * (sent - received) / sent, 2),
            ["rtt_min_ms"] = rtts.Count == 0 ? null : Math.Round(rtts.Min(), 3),
            ["rtt_avg_ms"] = rtts.Count == 0 ? null : Math.Round(rtts.Average(), 3),
            ["rtt_max_ms"] = rtts.Count == 0 ? null : Math.Round(rtts.Max(), 3),
            ["targets"] = results.Select(r => (object?)TargetData(r)).ToList(),
        };
        var output = string.Join('\n', results.Select(Line));
        return new DeviceRequestCompleted(run.Device, run.RequestId, output, false, null, elapsed, TimeSpan.Zero) { Data = data };
    }

    private static Dictionary<string, object?> TargetData(ProbeResult r) => new(StringComparer.Ordinal)
    {
        ["target"] = r.Target,
        ["address"] = r.Address,
        ["sent"] = r.Sent,
        ["received"] = r.Received,
        ["loss_percent"] = r.LossPercent,
        ["rtt_min_ms"] = r.Latency is { } l ? Math.Round(l.MinMs, 3) : null,
        ["rtt_avg_ms"] = r.Latency is { } a ? Math.Round(a.AvgMs, 3) : null,
        ["rtt_max_ms"] = r.Latency is { } m ? Math.Round(m.MaxMs, 3) : null,
        ["reason"] = Reason(r),
    };

    /// <summary>Why probes went unanswered, e.g. "4 refused (Connection refused)"; null when every one was answered.</summary>
    private static string? Reason(ProbeResult r)
    {
        if (r.Error is { } error) return error;
        var failed = r.Attempts.Where(a => a.Outcome != ProbeOutcome.Ok).GroupBy(a => a.Outcome).ToList();
        if (failed.Count == 0) return null;
        return string.Join("; ", failed.Select(g =>
            $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}{(g.First().Detail is { } detail ? $" ({detail})" : "")}"));
    }

    private static string Line(ProbeResult r)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{r.Kind.ToString().ToLowerInvariant()} {r.Target}: {r.Sent} sent, {r.Received} received, {r.LossPercent:0.##}% loss");
        if (r.Latency is { } l) line += string.Create(CultureInfo.InvariantCulture, $", rtt min/avg/max {l.MinMs:0.###}/{l.AvgMs:0.###}/{l.MaxMs:0.###} ms");
        return Reason(r) is { } reason ? $"{line} ({reason})" : line;
    }
}

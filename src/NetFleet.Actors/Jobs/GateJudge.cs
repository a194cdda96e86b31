using System.Globalization;
using NetFleet.Core.Playbooks;

namespace NetFleet.Actors.Jobs;

/// <summary>A gate's verdict: every limit that was broken (none when it passed), and what could not be judged.</summary>
public sealed record GateVerdict(bool Passed, IReadOnlyList<string> Failures, IReadOnlyList<string> Notes)
{
    /// <summary>One line for logs, halts and <c>jobs show</c>.</summary>
    public string Summary => Passed
        ? "passed" + (Notes.Count > 0 ? " (" + string.Join("; ", Notes) + ")" : "")
        : "failed: " + string.Join("; ", Failures);
}

/// <summary>Compares a measurement after a batch with the gate's limits and with the baseline taken before the batch.
/// Probes are compared one by one (the n-th probe after with the n-th before), so one dead path is not averaged away.</summary>
public static class GateJudge
{
    public static GateVerdict Judge(Gate gate, GateMeasurement baseline, GateMeasurement after)
    {
        var failures = new List<string>();
        var notes = new List<string>();
        for (var i = 0; i < after.Probes.Count; i++)
        {
            var now = after.Probes[i];
            var before = i < baseline.Probes.Count ? baseline.Probes[i] : null;
            var what = $"probe {now.Probe}";
            if (now.Error is { } error) notes.Add($"{what}: {error}");
            if (gate.MaxLossPercent is { } maxLoss && now.LossPercent > maxLoss)
                failures.Add($"{what}: loss {Number(now.LossPercent)}% > max_loss {Number(maxLoss)}%");
            if (gate.MaxLossIncrease is { } maxRise && before is not null && now.LossPercent - before.LossPercent > maxRise)
                failures.Add($"{what}: loss rose from {Number(before.LossPercent)}% to {Number(now.LossPercent)}% (> max_loss_increase {Number(maxRise)}%)");
            if (gate.MaxLatency is { } maxLatency && now.AvgMs is { } avg && avg > maxLatency.TotalMilliseconds)
                failures.Add($"{what}: latency {Number(avg)} ms > max_latency {Number(maxLatency.TotalMilliseconds)} ms");
            if (gate.MaxLatencyIncrease is { } maxLatencyRise && now.AvgMs is { } nowAvg && before?.AvgMs is { } beforeAvg
                && nowAvg - beforeAvg > maxLatencyRise.TotalMilliseconds)
                failures.Add($"{what}: latency rose from {Number(beforeAvg)} ms to {Number(nowAvg)} ms (> max_latency_increase "
                    + $"{Number(maxLatencyRise.TotalMilliseconds)} ms)");
            if ((gate.MaxLatency ?? gate.MaxLatencyIncrease) is not null && now.AvgMs is null && gate.MaxLossPercent is null && gate.MaxLossIncrease is null)
                failures.Add($"{what}: no probe answered, so there is no latency to judge");
        }

        if (gate.MaxIfErrorRate is { } maxErrors)
        {
            foreach (var device in after.Devices)
            {
                if (device.Error is { } error)
                    failures.Add($"{device.Device}: interface errors could not be read after the batch ({error})");
                else if (device.ErrorsPerSecond > maxErrors)
                    failures.Add($"{device.Device}: {Number(device.ErrorsPerSecond!.Value)} interface errors+discards/s > max_if_error_rate {Number(maxErrors)}/s");
            }
        }

        if (gate.MaxRstRate is { } maxRst)
        {
            if (after.RstPerSecond is not { } rst) notes.Add("no capture progress during the measurement: the RST rate was not judged");
            else if (rst > maxRst) failures.Add($"capture: {Number(rst)} RST/s > max_rst_rate {Number(maxRst)}/s");
        }

        if (gate.MaxRetransmissionRate is { } maxRetransmissions)
        {
            if (after.RetransmissionsPerSecond is not { } sent) notes.Add("no capture progress during the measurement: the retransmission rate was not judged");
            else if (sent > maxRetransmissions)
                failures.Add($"capture: {Number(sent)} retransmissions/s > max_retransmission_rate {Number(maxRetransmissions)}/s");
        }

        return new GateVerdict(failures.Count == 0, failures, notes);
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

using Akka.Actor;
using NetFleet.Actors.Capture;
using NetFleet.Core.Playbooks;
using static NetFleet.Actors.Jobs.JobProtocol;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// A play's <c>gate:</c>: before a batch's first task (after its captures started) the gate measures a baseline and
/// journals it; after the batch's tasks (their changes post-checked and confirmed, before the captures stop) it waits
/// <see cref="Gate.Settle"/>, measures again, judges and journals both. A failed gate halts the job, and the halt rolls the
/// batch back (or the whole job under <c>rollback: job</c>). A resumed job takes a journaled baseline as it is and
/// never judges a batch twice: a journaled failure halts it again, so the rollback still happens.
/// </summary>
public sealed partial class JobOrchestrator
{
    private const string Baseline = "baseline";
    private const string After = "after";

    private (int Play, int Batch, string Phase)? gateMeasuring;
    /// <summary>Each capture's latest cumulative RST and retransmission counts and when (in capture time) they were counted.</summary>
    private readonly Dictionary<string, CaptureCounts> captureCounts = new(StringComparer.Ordinal);
    private Dictionary<string, CaptureCounts> countsAtGateStart = [];

    private void GateCommands()
    {
        Command<GateSettled>(settled =>
        {
            if (gateMeasuring is { } m && m == (settled.Play, settled.Batch, After)) MeasureGate();
        });
        Command<GateMeasuredHere>(measured =>
        {
            if (finished || gateMeasuring != (measured.Play, measured.Batch, measured.Phase)) return;
            gateMeasuring = null;
            if (measured.Measurement is not { } measurement)
            {
                if (!Stopping) Halt($"play '{Play.Name}': the gate could not measure the traffic: {measured.Error}");
                FinishIfIdle();
                return;
            }

            measurement = measurement with
            {
                RstPerSecond = RateSinceGateStart(c => c.Rst), RetransmissionsPerSecond = RateSinceGateStart(c => c.Retransmissions),
            };
            var e = new JobJournal.GateMeasured(spec.JobId, DateTimeOffset.UtcNow, measured.Play, measured.Batch, measured.Phase, measurement);
            if (measured.Phase == Baseline)
            {
                Record(e, StartBatch);
                return;
            }

            Record(e);
            var baseline = journal.GateMeasurements[(measured.Play, measured.Batch, Baseline)].Measurement;
            var verdict = GateJudge.Judge(Play.Gate!, baseline, measurement);
            log.Information("Job {JobId}: gate after batch {Batch} of play '{Play}' {Verdict}", spec.JobId, measured.Batch + 1, Play.Name, verdict.Summary);
            Record(new JobJournal.GateJudged(spec.JobId, DateTimeOffset.UtcNow, measured.Play, measured.Batch, verdict.Passed, verdict.Failures,
                verdict.Notes), BatchMayBeDone);
        });
    }

    /// <summary>Before the batch's tasks: true while its baseline is being measured.</summary>
    private bool MeasureBaselineFirst()
    {
        if (Play.Gate is null || journal.GateMeasurements.ContainsKey((playIndex, batchIndex, Baseline))) return false;
        if (gateMeasuring is null)
        {
            gateMeasuring = (playIndex, batchIndex, Baseline);
            MeasureGate();
        }

        return true;
    }

    /// <summary>After the batch's tasks: true while the gate measures or, having failed, halts the job.</summary>
    private bool JudgeGateAfterBatch()
    {
        if (Play.Gate is not { } gate) return false;
        if (journal.GateVerdicts.TryGetValue((playIndex, batchIndex), out var verdict))
        {
            if (verdict.Passed) return false;
            Halt($"gate after batch {batchIndex + 1} of play '{Play.Name}' failed: {string.Join("; ", verdict.Failures)}");
            FinishIfIdle();
            return true;
        }

        if (gateMeasuring is not null) return true;
        gateMeasuring = (playIndex, batchIndex, After);
        if (gate.Settle > TimeSpan.Zero) Timers.StartSingleTimer(nameof(GateSettled), new GateSettled(playIndex, batchIndex), gate.Settle);
        else MeasureGate();
        return true;
    }

    /// <summary>A halt after a failed gate takes back at least the whole batch: the gate judged the batch, not one device.</summary>
    private RollbackScope HaltScope =>
        journal.GateVerdicts.TryGetValue((playIndex, batchIndex), out var verdict) && !verdict.Passed && Play.Rollback == RollbackScope.Device
            ? RollbackScope.Batch
            : Play.Rollback;

    private void MeasureGate()
    {
        var (play, batch, phase) = gateMeasuring!.Value;
        var gate = Play.Gate!;
        // The batch's devices (before it, those still in the job; after it, every one it ran on, failed ones too), read
        // over SNMP only when the gate has a limit on their error rate.
        var devices = gate.MaxIfErrorRate is null ? []
            : phase == Baseline ? batches[batch].Where(h => !removed.Contains(h.Name)).ToList() : runs.Select(r => r.Host).ToList();
        countsAtGateStart = new Dictionary<string, CaptureCounts>(captureCounts, StringComparer.Ordinal);
        log.Information("Job {JobId}: gate of play '{Play}' measuring the {Phase} of batch {Batch}", spec.JobId, Play.Name, phase, batch + 1);
        GateRunner.MeasureAsync(gate, GateRunner.Resolve(gate, spec.Inventory), devices, localModules.Token).PipeTo(Self,
            success: m => new GateMeasuredHere(play, batch, phase, m, null),
            failure: e => new GateMeasuredHere(play, batch, phase, null, e.Message));
    }

    private void NoteCaptureProgress(JobCaptureWindow.WindowProgress progress)
    {
        var tcp = progress.Progress.Total.Tcp;
        captureCounts[progress.Capture.Id] = new CaptureCounts(progress.Progress.Elapsed, tcp.Rst, tcp.Retransmissions);
    }

    /// <summary>A counter's growth per second in the play's captures since the measurement began (summed over captures);
    /// null when no capture reported progress across it.</summary>
    private double? RateSinceGateStart(Func<CaptureCounts, long> counter)
    {
        double? rate = null;
        foreach (var (id, now) in captureCounts)
        {
            if (!countsAtGateStart.TryGetValue(id, out var then) || now.Elapsed <= then.Elapsed) continue;
            rate = (rate ?? 0) + (counter(now) - counter(then)) / (now.Elapsed - then.Elapsed).TotalSeconds;
        }

        return rate is { } r ? Math.Round(r, 3) : null;
    }

    private sealed record CaptureCounts(TimeSpan Elapsed, long Rst, long Retransmissions);
}

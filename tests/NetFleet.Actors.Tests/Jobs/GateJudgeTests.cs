using NetFleet.Actors.Jobs;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using Xunit;

namespace NetFleet.Actors.Tests.Jobs;

/// <summary>The gate's verdict from two measurements, and its place in the job's recovered state.</summary>
public sealed class GateJudgeTests
{
    private static readonly SourceLocation At = new("play.yaml", 3, 5);

    private static Gate GateWith(double? maxLoss = null, double? maxLossIncrease = null, TimeSpan? maxLatencyIncrease = null,
        double? maxIfErrorRate = null, double? maxRstRate = null) =>
        new([new GateProbe("r1", ProbeTarget.Parse("198.18.255.3", "icmp", out _)!, "icmp", 10, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), At)],
            maxLoss, maxLossIncrease, null, maxLatencyIncrease, maxIfErrorRate, maxRstRate, TimeSpan.Zero, Gate.DefaultWindow, At);

    private static GateMeasurement Measured(double loss, double? avgMs, double? errorsPerSecond = 0.1, double? rst = null) =>
        new([new GateProbeResult("r1 → 198.18.255.3 (icmp)", "r1", "nfr1", "198.18.255.3", "icmp", 10, (int)(10 - loss / 10), loss, avgMs, null)],
            [new GateDeviceRate("r2", errorsPerSecond, errorsPerSecond is null ? "snmp 127.0.0.1:161: no answer" : null)], rst, 2.1);

    [Fact]
    public void Traffic_as_good_as_before_passes()
    {
        var verdict = GateJudge.Judge(GateWith(maxLoss: 5, maxLossIncrease: 2, maxLatencyIncrease: TimeSpan.FromMilliseconds(20), maxIfErrorRate: 1),
            Measured(0, 0.4), Measured(0, 0.6));

        Assert.True(verdict.Passed);
        Assert.Equal("passed", verdict.Summary);
    }

    [Fact]
    public void Each_broken_limit_is_named_with_its_numbers()
    {
        var verdict = GateJudge.Judge(GateWith(maxLoss: 5, maxLossIncrease: 2, maxLatencyIncrease: TimeSpan.FromMilliseconds(20), maxIfErrorRate: 1),
            Measured(0, 0.4), Measured(30, 45.5, errorsPerSecond: 12.25));

        Assert.False(verdict.Passed);
        Assert.Equal(
        [
            "probe r1 → 198.18.255.3 (icmp): loss 30% > max_loss 5%",
            "probe r1 → 198.18.255.3 (icmp): loss rose from 0% to 30% (> max_loss_increase 2%)",
            "probe r1 → 198.18.255.3 (icmp): latency rose from 0.4 ms to 45.5 ms (> max_latency_increase 20 ms)",
            "r2: 12.25 interface errors+discards/s > max_if_error_rate 1/s",
        ], verdict.Failures);
    }

    [Fact]
    public void Loss_that_was_there_before_the_batch_is_not_blamed_on_it_by_the_increase_limit()
    {
        Assert.True(GateJudge.Judge(GateWith(maxLossIncrease: 2), Measured(20, 1), Measured(20, 1)).Passed);
        Assert.False(GateJudge.Judge(GateWith(maxLossIncrease: 2), Measured(20, 1), Measured(30, 1)).Passed);
    }

    [Fact]
    public void A_device_that_stops_answering_snmp_fails_an_error_rate_limit_and_a_missing_rst_rate_is_a_note()
    {
        var verdict = GateJudge.Judge(GateWith(maxIfErrorRate: 1, maxRstRate: 10), Measured(0, 1), Measured(0, 1, errorsPerSecond: null));

        Assert.Equal(["r2: interface errors could not be read after the batch (snmp 127.0.0.1:161: no answer)"], verdict.Failures);
        Assert.Equal(["no capture progress during the measurement: the RST rate was not judged"], verdict.Notes);
        Assert.False(GateJudge.Judge(GateWith(maxRstRate: 10), Measured(0, 1, rst: 0), Measured(0, 1, rst: 10.5)).Passed);
    }

    [Fact]
    public void A_retransmission_rate_over_its_limit_fails_the_gate_and_an_unmeasured_one_is_a_note()
    {
        var gate = GateWith() with { MaxRetransmissionRate = 5 };
        GateMeasurement Sent(double? perSecond) => Measured(0, 1) with { RetransmissionsPerSecond = perSecond };

        Assert.True(GateJudge.Judge(gate, Sent(0), Sent(4.5)).Passed);
        Assert.Equal(["capture: 12 retransmissions/s > max_retransmission_rate 5/s"], GateJudge.Judge(gate, Sent(0), Sent(12)).Failures);
        var unmeasured = GateJudge.Judge(gate, Sent(0), Sent(null));
        Assert.True(unmeasured.Passed);
        Assert.Equal(["no capture progress during the measurement: the retransmission rate was not judged"], unmeasured.Notes);
    }

    [Fact]
    public void A_resumed_job_knows_its_baselines_and_verdicts_from_events_and_from_a_snapshot()
    {
        var state = new JobJournal.State();
        state.Apply(new JobJournal.GateMeasured("j1", DateTimeOffset.UtcNow, 0, 1, "baseline", Measured(0, 1)));
        state.Apply(new JobJournal.GateMeasured("j1", DateTimeOffset.UtcNow, 0, 1, "after", Measured(100, null)));
        state.Apply(new JobJournal.GateJudged("j1", DateTimeOffset.UtcNow, 0, 1, false, ["probe r1: loss 100% > max_loss 5%"], []));

        var recovered = JobJournal.State.From(state.ToSnapshot());

        Assert.Equal(0, recovered.GateMeasurements[(0, 1, "baseline")].Measurement.Probes[0].LossPercent);
        Assert.Equal(100, recovered.GateMeasurements[(0, 1, "after")].Measurement.Probes[0].LossPercent);
        Assert.False(recovered.GateVerdicts[(0, 1)].Passed);
    }
}

using System.Text.Json;
using NetFleet.Actors.Jobs;
using NetFleet.Node;
using NetFleet.Node.History;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>A job's gates in the history read model, the same on SQLite and on a real PostgreSQL 15.</summary>
public abstract class GateHistoryTests
{
    protected abstract Task<JobStore> NewStoreAsync();

    private static GateMeasurement Measured(double loss, double? avgMs, double? errors, double? rst) =>
        new([new GateProbeResult("r1 → 198.18.255.3 (icmp)", "r1", "nfr1", "198.18.255.3", "icmp", 20, (int)(20 - loss / 5), loss, avgMs, null),
            new GateProbeResult("127.0.0.1:8080 (tcp)", null, null, "127.0.0.1:8080", "tcp", 20, 20, 0, 0.2, null)],
            [new GateDeviceRate("r2", errors, errors is null ? "no answer" : null), new GateDeviceRate("r3", 0.05, null)], rst, 2.05);

    [Fact]
    public async Task Baseline_measurement_and_verdict_fill_one_row_per_batch_once_each()
    {
        var history = new HistoryStore(await NewStoreAsync());
        await history.EnsureSchemaAsync();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var events = new (long, JobJournal.IEvent)[]
        {
            (1, new JobJournal.JobSubmitted("j1", at, "alice", "/p/gated.yaml", "abc", "text", "/inv", "h", new Dictionary<string, string>(),
                ["r2", "r3"], 1, null, false, null, false, null)),
            (2, new JobJournal.GateMeasured("j1", at.AddSeconds(1), 0, 0, "baseline", Measured(0, 0.5, 0.1, null))),
            (3, new JobJournal.GateMeasured("j1", at.AddSeconds(5), 0, 0, "after", Measured(100, null, 0.2, 3.5))),
            (4, new JobJournal.GateJudged("j1", at.AddSeconds(6), 0, 0, false, ["probe r1 → 198.18.255.3 (icmp): loss 100% > max_loss 5%"],
                ["no capture progress"])),
            (5, new JobJournal.GateMeasured("j1", at.AddSeconds(7), 0, 1, "baseline", Measured(0, 0.4, null, null))),
        };
        await history.ApplyAsync(events[..3]);
        await history.ApplyAsync(events);

        var rows = await history.GatesAsync("j1");
        Assert.Equal([(0, 0), (0, 1)], rows.Select(r => (r.PlayIndex, r.BatchIndex)));
        var judged = rows[0];
        Assert.Equal((at.AddSeconds(1), 0.0, 0.5, 0.1, (double?)null), (judged.BaselineAt!.Value, judged.BaselineLoss, judged.BaselineLatencyMs,
            judged.BaselineIfErrorRate, judged.BaselineRstRate));
        // The worst probe's loss, the slowest probe that answered, the highest device rate.
        Assert.Equal((100.0, 0.2, 0.2, 3.5), (judged.MeasuredLoss, judged.MeasuredLatencyMs, judged.MeasuredIfErrorRate, judged.MeasuredRstRate));
        Assert.Equal(("failed", at.AddSeconds(6)), (judged.Verdict, judged.JudgedAt!.Value));
        Assert.Equal(["probe r1 → 198.18.255.3 (icmp): loss 100% > max_loss 5%"], judged.Failures);
        Assert.Equal(["no capture progress"], judged.Notes);
        var detail = JsonDocument.Parse(judged.MeasuredJson!).RootElement;
        Assert.Equal("nfr1", detail.GetProperty("probes")[0].GetProperty("namespace").GetString());
        Assert.Equal("no answer", JsonDocument.Parse(rows[1].BaselineJson!).RootElement.GetProperty("devices")[0].GetProperty("error").GetString());

        var running = rows[1];
        Assert.Equal(((double?)0.05, (string?)null, (DateTimeOffset?)null), (running.BaselineIfErrorRate, running.Verdict, running.MeasuredAt));
        Assert.Empty(running.Failures);
        Assert.Empty(await history.GatesAsync("j2"));
    }
}

public sealed class SqliteGateHistoryTests : GateHistoryTests, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-gate-history-").FullName;

    protected override Task<JobStore> NewStoreAsync()
    {
        var store = JobStore.Parse("sqlite:" + Path.Combine(folder, "netfleet.db"));
        store.EnsureLocation();
        return Task.FromResult(store);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

public sealed class PostgresGateHistoryTests(PostgresFixture postgres) : GateHistoryTests, IClassFixture<PostgresFixture>
{
    protected override async Task<JobStore> NewStoreAsync() => JobStore.Parse(await postgres.NewStoreAsync());
}

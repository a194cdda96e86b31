using System.Text.Json;
using NetFleet.Actors.Jobs;
using NetFleet.Node.History;
using NetFleet.Testing;

namespace NetFleet.Node.Tests.History;

/// <summary>The compliance table, projected from the compliance tasks' results, the same on SQLite and PostgreSQL 15.</summary>
public abstract class ComplianceHistoryTests
{
    protected abstract Task<JobStore> NewStoreAsync();

    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private static JobJournal.TaskFinished Checked(string job, DateTimeOffset at, string device, int play, params (string Rule, bool Passed)[] rules) =>
        new(job, at, device, play, 0, 0, "compliance", "compliance", "ok", false, false, null, null, null, null, false,
            JsonSerializer.SerializeToElement(new Dictionary<string, object>
            {
                ["parsed"] = rules.Select(r => new Dictionary<string, object>
                {
                    ["rule"] = r.Rule, ["severity"] = r.Rule == "desc" ? "warning" : "error", ["passed"] = r.Passed,
                    ["message"] = r.Passed ? "ok" : $"{r.Rule} broken",
                    ["remediation"] = r.Passed ? Array.Empty<string>() : [$"fix {r.Rule}", "and more"],
                }).ToList(),
                ["failed_rules"] = rules.Count(r => !r.Passed),
            }), null, at, 10, false);

    [Fact]
    public async Task Each_verdict_is_stored_once_and_the_latest_and_the_trend_per_run_come_back()
    {
        var history = new HistoryStore(await NewStoreAsync());
        await history.EnsureSchemaAsync();
        var events = new (long, JobJournal.IEvent)[]
        {
            (1, Checked("j1", At, "r1", 0, ("pw", false), ("desc", false))),
            (2, Checked("j1", At, "r2", 0, ("pw", true), ("desc", false))),
            // A remediation job: the check after the fix is its second play.
            (3, Checked("j2", At.AddMinutes(5), "r1", 1, ("pw", true), ("desc", true))),
            (4, new JobJournal.TaskFinished("j2", At.AddMinutes(5), "r1", 0, 0, 0, "remediate", "config", "changed", false, true, null, null,
                "+ fix", null, false, null, null, At, 10, false)),
        };
        await history.ApplyAsync(events[..2]);
        await history.ApplyAsync(events);

        var latest = await history.LatestComplianceAsync();
        Assert.Equal(["r1 desc True j2", "r1 pw True j2", "r2 desc False j1", "r2 pw True j1"],
            latest.Select(r => $"{r.Device} {r.Rule} {r.Passed} {r.JobId}"));
        var r2 = latest.Single(r => r is { Device: "r2", Rule: "desc" });
        Assert.Equal(("warning", "desc broken", 0), (r2.Severity, r2.Message, r2.PlayIndex));
        Assert.Equal(["fix desc", "and more"], r2.Remediation);

        var trend = await history.ComplianceTrendAsync();
        Assert.Equal(["j1/0 desc 0/2", "j1/0 pw 1/2", "j2/1 desc 1/1", "j2/1 pw 1/1"],
            trend.Select(t => $"{t.JobId}/{t.PlayIndex} {t.Rule} {t.Passed}/{t.Checked}"));
        Assert.Equal(["j2"], (await history.ComplianceTrendAsync(At.AddMinutes(1))).Select(t => t.JobId).Distinct());
        Assert.Equal((4, 2), ((await history.ComplianceOfJobAsync("j1")).Count, (await history.ComplianceOfJobAsync("j2")).Count));
        Assert.All(await history.LatestComplianceAsync(At.AddMinutes(1)), r => Assert.Equal("j2", r.JobId));
    }
}

public sealed class SqliteComplianceHistoryTests : ComplianceHistoryTests, IDisposable
{
    private readonly SqliteStores stores = new("netfleet-compliance-");

    protected override Task<JobStore> NewStoreAsync() => stores.NewAsync();

    public void Dispose() => stores.Dispose();
}

public sealed class PostgresComplianceHistoryTests(PostgresFixture postgres) : ComplianceHistoryTests, IClassFixture<PostgresFixture>
{
    protected override async Task<JobStore> NewStoreAsync() => JobStore.Parse(await postgres.NewStoreAsync());
}

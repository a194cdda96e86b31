using System.Diagnostics;
using NetFleet.Actors.Jobs;
using NetFleet.Node.History;
using NetFleet.Testing;
using Xunit.Abstractions;

namespace NetFleet.Node.Tests.History;

/// <summary>The history's tables and queries, the same on SQLite and on a real PostgreSQL 15.</summary>
public abstract class HistoryStoreTests(ITestOutputHelper output)
{
    protected abstract Task<JobStore> NewStoreAsync();

    [Fact]
    public async Task Listing_among_100000_jobs_answers_well_under_a_second()
    {
        var history = new HistoryStore(await NewStoreAsync());
        await history.EnsureSchemaAsync();
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        string[] statuses = ["succeeded", "failed", "halted", "cancelled"];
        await history.InsertJobsAsync(Enumerable.Range(0, 100_000).Select(i => new JobRow($"job{i:D6}", statuses[i % 4],
            $"playbooks/p{i % 20}.yaml", $"user{i % 7}", "hash", start.AddMinutes(i), start.AddMinutes(i + 1), 10, 8, 2, i % 4 == 1 ? 1 : 0, 0, 0, 0, null)));

        var filters = new (string Name, JobFilter Filter)[]
        {
            ("newest 50", new JobFilter()),
            ("status failed", new JobFilter { Status = "failed" }),
            ("user + since/until", new JobFilter { User = "user3", Since = start.AddDays(10), Until = start.AddDays(20) }),
            ("playbook, page 100", new JobFilter { Playbook = "p7.yaml", Skip = 1000, Limit = 50 }),
        };
        foreach (var (name, filter) in filters)
        {
            var watch = Stopwatch.StartNew();
            var rows = await history.ListJobsAsync(filter);
            watch.Stop();
            output.WriteLine($"{history.Store.Kind} 100k jobs, {name}: {rows.Count} rows in {watch.Elapsed.TotalMilliseconds:0.0} ms");
            Assert.NotEmpty(rows);
            Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(500), $"{name}: {watch.Elapsed.TotalMilliseconds} ms");
        }

        var newest = await history.ListJobsAsync(new JobFilter { Limit = 1 });
        Assert.Equal("job099999", newest.Single().JobId);
    }

    [Fact]
    public async Task A_reader_catches_the_history_up_with_a_job_the_journal_holds_and_then_finds_it_caught_up()
    {
        var store = await NewStoreAsync();
        Assert.False(await new HistoryStore(store).CaughtUpAsync());
        var folder = Directory.CreateTempSubdirectory("netfleet-caught-up-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "inventory"));
            await File.WriteAllTextAsync(Path.Combine(folder, "inventory", "hosts.yaml"), "r1:\n  hostname: 127.0.0.1\n  platform: cisco_ios\n");
            var playbook = Path.Combine(folder, "play.yaml");
            await File.WriteAllTextAsync(playbook, "- name: Local\n  hosts: all\n  tasks:\n    - name: Fact\n      set_fact:\n        site: lon\n");
            var options = new Actors.JobOptions("alice") { JobId = JobLauncher.NewJobId(), InventoryPath = Path.Combine(folder, "inventory") };
            var (job, _) = await JobLauncher.PrepareAsync(new JobRequest(playbook, options), CancellationToken.None);
            await using (var node = await NetFleetNode.StartAsync(store, Serilog.Core.Logger.None))
            {
                await node.Runner.RunAsync(job!, options, _ => { }, CancellationToken.None);
            }

            // The run does not project; the journal now holds events the history has not applied.
            Assert.False(await new HistoryStore(store).CaughtUpAsync());
            var history = await NetFleetNode.CaughtUpHistoryAsync(store, Serilog.Core.Logger.None);
            Assert.Equal("succeeded", (await history.GetJobAsync(options.JobId!))!.Status);
            Assert.True(await history.CaughtUpAsync());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Projection_applies_each_event_once_and_answers_show_and_device_history()
    {
        var history = new HistoryStore(await NewStoreAsync());
        await history.EnsureSchemaAsync();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var events = new (long, JobJournal.IEvent)[]
        {
            (1, new JobJournal.JobSubmitted("j1", at, "alice", "/p/ntp.yaml", "abc", "text", "/inv", "h", new Dictionary<string, string>(),
                ["r1", "r2"], 1, null, false, null, false, null)),
            (2, new JobJournal.TaskFinished("j1", at, "r1", 0, 0, 0, "Push", "config", "changed", false, true, null, null, "+ ntp", null,
                false, null, null, at, 12.5, false)),
            (3, new JobJournal.DeviceChanged("j1", at, "r1", 0, 0, 0, "Push", "hostname r1", "hostname r1\nntp", "+ ntp")),
            (4, new JobJournal.TaskFinished("j1", at, "r2", 0, 0, 0, "Push", "config", "failed", true, false, null, "rejected", null, null,
                false, null, null, at, 3, false)),
            (5, new JobJournal.JobFinished("j1", at.AddSeconds(1), "failed", null, 0, 1, 1, 0, 0)),
        };
        await history.ApplyAsync(events[..3]);
        await history.ApplyAsync(events); // overlapping batch: 1–3 are skipped by the stored offset
        Assert.Equal(5, await history.OffsetAsync());

        var job = Assert.Single(await history.ListJobsAsync(new JobFilter { Device = "r2", User = "alice" }));
        Assert.Equal(("failed", 1, 1, 2), (job.Status, job.Changed, job.Failed, job.Devices));
        Assert.Empty(await history.ListJobsAsync(new JobFilter { Status = "succeeded" }));
        Assert.Empty(await history.ListJobsAsync(new JobFilter { Since = at.AddDays(1) }));
        var tasks = await history.TaskResultsAsync("j1");
        Assert.Equal(["changed", "failed"], tasks.Select(t => t.Status));
        var change = Assert.Single(await history.ChangesAsync("r1", null));
        Assert.Equal(("hostname r1", "+ ntp"), (change.Before, change.Diff));
        Assert.Empty(await history.ChangesAsync("r2", null));
    }

    [Fact]
    public async Task Drift_is_kept_once_per_job_device_and_source_and_listed_newest_first()
    {
        var history = new HistoryStore(await NewStoreAsync());
        await history.EnsureSchemaAsync();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var events = new (long, JobJournal.IEvent)[]
        {
            (1, new JobJournal.ConfigDrifted("j1", at, "r1", "+ntp server 192.0.2.9", "bob", at.AddMinutes(-5), "archive 0123456789", "backup")),
            (2, new JobJournal.ConfigDrifted("j2", at.AddHours(1), "r1", "-ntp server 192.0.2.9", null, null, "archive abcdef0123", "pre-change")),
            (3, new JobJournal.ConfigDrifted("j2", at.AddHours(1), "r2", "+x", null, null, "archive abcdef0123", "backup")),
        };
        await history.ApplyAsync(events);

        var r1 = await history.DriftAsync("r1");
        Assert.Equal(["j2", "j1"], r1.Select(d => d.JobId));
        Assert.Equal(("bob", at.AddMinutes(-5), "backup"), (r1[1].ChangedBy, r1[1].ChangedAt, r1[1].Source));
        Assert.Null(r1[0].ChangedAt);
        Assert.Equal(3, (await history.DriftAsync()).Count);
    }
}

public sealed class SqliteHistoryStoreTests(ITestOutputHelper output) : HistoryStoreTests(output), IDisposable
{
    private readonly SqliteStores stores = new("netfleet-history-");

    protected override Task<JobStore> NewStoreAsync() => stores.NewAsync();

    public void Dispose() => stores.Dispose();
}

public sealed class PostgresHistoryStoreTests(PostgresFixture postgres, ITestOutputHelper output)
    : HistoryStoreTests(output), IClassFixture<PostgresFixture>
{
    protected override async Task<JobStore> NewStoreAsync() => JobStore.Parse(await postgres.NewStoreAsync());
}

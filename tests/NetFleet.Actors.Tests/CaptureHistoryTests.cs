using System.Text.Json;
using NetFleet.Actors.Jobs;
using NetFleet.Node;
using NetFleet.Node.History;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>A job's captures in the history read model, the same on SQLite and on a real PostgreSQL 15.</summary>
public abstract class CaptureHistoryTests
{
    protected abstract Task<JobStore> NewStoreAsync();

    [Fact]
    public async Task Captures_are_projected_once_each_with_their_numbers_files_and_summary()
    {
        var history = new HistoryStore(await NewStoreAsync());
        await history.EnsureSchemaAsync();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var summary = JsonSerializer.SerializeToElement(new { packets = 42, tcp = new { syn = 3 } });
        var events = new (long, JobJournal.IEvent)[]
        {
            (1, new JobJournal.JobSubmitted("j1", at, "alice", "/p/capture.yaml", "abc", "text", "/inv", "h", new Dictionary<string, string>(),
                ["r1", "r2"], 1, null, false, null, false, null)),
            (2, new JobJournal.CaptureFinished("j1", at.AddSeconds(2), 0, null, "cap-a", "lon-1", "akka.tcp://netfleet@127.0.0.1:4056", "lo",
                "tcp port 22", "finished", null, at, at.AddSeconds(2), "stopped", 2000, 42, 4200, 21, 16800, 3, 1, 0, 0,
                ["cap-a-1.pcap", "cap-a-2.pcap"], summary)),
            (3, new JobJournal.CaptureFinished("j1", at.AddSeconds(3), 0, 1, "cap-b", "par-1", "akka.tcp://netfleet@127.0.0.1:4057", "lo",
                null, "failed", "sensor par-1 left the cluster or died during the capture", at.AddSeconds(1), at.AddSeconds(3), null, 500, 0, 0,
                0, 0, 0, 0, 0, 0, [], null)),
        };
        await history.ApplyAsync(events[..2]);
        await history.ApplyAsync(events);

        var rows = await history.CapturesAsync("j1");
        Assert.Equal(["cap-a", "cap-b"], rows.Select(r => r.CaptureId));
        var a = rows[0];
        Assert.Equal(((int?)null, "lon-1", "tcp port 22", "finished", "stopped"), (a.BatchIndex, a.Sensor, a.Filter, a.Status, a.StopReason));
        Assert.Equal((42L, 4200L, 21.0, 16800.0, 3L, 1L), (a.Packets, a.Bytes, a.PacketsPerSecond, a.BytesPerSecond, a.Syn, a.Rst));
        Assert.Equal(["cap-a-1.pcap", "cap-a-2.pcap"], a.Files);
        Assert.Equal(3, JsonDocument.Parse(a.SummaryJson!).RootElement.GetProperty("tcp").GetProperty("syn").GetInt32());
        var b = rows[1];
        Assert.Equal((1, (string?)null, "failed", (string?)null), (b.BatchIndex, b.Filter, b.Status, b.SummaryJson));
        Assert.Contains("died during the capture", b.Error, StringComparison.Ordinal);
        Assert.Empty(b.Files);
        Assert.Empty(await history.CapturesAsync("j2"));
    }
}

public sealed class SqliteCaptureHistoryTests : CaptureHistoryTests, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-capture-history-").FullName;

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

public sealed class PostgresCaptureHistoryTests(PostgresFixture postgres) : CaptureHistoryTests, IClassFixture<PostgresFixture>
{
    protected override async Task<JobStore> NewStoreAsync() => JobStore.Parse(await postgres.NewStoreAsync());
}

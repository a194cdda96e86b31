using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using NetFleet.Actors.Scheduling;
using NetFleet.Api;
using NetFleet.Node;
using NetFleet.Node.History;
using NetFleet.Testing;
using Xunit.Abstractions;

namespace NetFleet.Cluster.Tests;

/// <summary>
/// The bar for schedules, with real <c>netfleet node</c> processes: a schedule firing every 20 s in a 3-node cluster,
/// the node holding the schedule keeper (and job manager) SIGKILLed just before a slot. The slot's job then exists exactly
/// once (fired by the survivor as its missed slot, or submitted again under the same id), and the next slot runs once.
/// The playbook runs only a local task, so no device is needed.
/// </summary>
[Collection("cluster")]
public sealed class ScheduleFailoverTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(20);
    private readonly List<NetfleetProcess> processes = [];
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-schedule-failover-").FullName;
    private string store = "";
    private string token = "";

    public async Task InitializeAsync()
    {
        store = await postgres.NewStoreAsync();
        token = await NetfleetProcess.AddOperatorTokenAsync(store);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        Directory.CreateDirectory(Path.Combine(folder, "inventory"));
        await File.WriteAllTextAsync(Path.Combine(folder, "inventory", "hosts.yaml"), "r1:\n  hostname: 127.0.0.1\n  platform: cisco_ios\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "beat.yaml"), """
            - name: Heartbeat
              hosts: all
              tasks:
                - name: Wait a moment
                  pause:
                    seconds: 1
            """);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in processes) await process.DisposeAsync();
        http.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Killing_the_schedule_keepers_node_just_before_a_slot_runs_that_slot_once_and_the_next_one_once()
    {
        var (a, _) = await StartNodeAsync("a", "orchestrator", seed: null);
        var (_, apiB) = await StartNodeAsync("b", "orchestrator,worker", seed: a);
        await StartNodeAsync("c", "orchestrator,worker", seed: a);
        await WaitForMembersAsync(apiB, 3);
        Assert.True((await ClusterAsync(apiB)).Members.Single(m => m.Address.EndsWith(":" + a.Port, StringComparison.Ordinal)).Orchestrating,
            "a, the oldest orchestrator, should hold the singletons");

        await using (var add = NetfleetProcess.Start("schedule add", "schedule", "add", "beat", "--cron", "*/20 * * * * *", "--catch-up", "once",
            Path.Combine(folder, "beat.yaml"), "-i", Path.Combine(folder, "inventory"), "--api", apiB.ToString(), "--token", token))
        {
            Assert.True(await add.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, add.Stderr);
        }

        // The first slot runs on a, the keeper's node.
        var first = await WaitForSlotJobAsync(apiB, after: DateTimeOffset.UtcNow - Every, TimeSpan.FromSeconds(45));
        var slot = SlotOf(first) + Every;
        var wait = slot - TimeSpan.FromSeconds(1.5) - DateTimeOffset.UtcNow;
        Assert.True(wait > TimeSpan.Zero, $"slot {slot:u} came before the kill could");
        await Task.Delay(wait);
        await a.Process.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        output.WriteLine($"first slot job {first}; a killed at {killedAt:HH:mm:ss.fff}, {(slot - killedAt).TotalSeconds:0.0} s before slot {slot:HH:mm:ss}");

        var missed = CronSchedule.JobId("beat", slot);
        var next = CronSchedule.JobId("beat", slot + Every);
        await WaitForFinishedAsync(apiB, next, TimeSpan.FromSeconds(60));
        output.WriteLine($"slot {slot:HH:mm:ss} job finished {(await JobAsync(apiB, missed))!.Finished - slot:g} after the slot");

        var history = new HistoryStore(JobStore.Resolve(store));
        var beats = (await history.ListJobsAsync(new JobFilter { Playbook = "beat.yaml", Limit = 100 })).Where(j => j.JobId.StartsWith("s-beat-", StringComparison.Ordinal)
            && SlotOf(j.JobId) <= slot + Every).ToList();
        Assert.Equal([first, missed, next], beats.Select(j => j.JobId).Order(StringComparer.Ordinal));
        foreach (var job in beats)
        {
            Assert.Equal("succeeded", job.Status);
            Assert.Equal(0, job.Resumes);
            // One device, one task: a second run under the same id would add a result.
            Assert.Single(await history.TaskResultsAsync(job.JobId));
        }

        var schedules = await http.GetFromJsonAsync<List<ScheduleProtocol.ScheduleView>>(new Uri(apiB, "/api/schedules"), NetFleetApi.Json);
        var recent = schedules!.Single(s => s.Name == "beat").Recent;
        Assert.Single(recent, s => s.JobId == missed);
        Assert.Equal("submitted", recent.Single(s => s.JobId == missed).State);
    }

    private static DateTimeOffset SlotOf(string jobId) =>
        DateTimeOffset.ParseExact(jobId[(jobId.LastIndexOf('-') + 1)..], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>The first job of the schedule whose slot is after <paramref name="after"/>, once it has finished.</summary>
    private async Task<string> WaitForSlotJobAsync(Uri api, DateTimeOffset after, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            var jobs = await http.GetFromJsonAsync<List<JobListItem>>(new Uri(api, "/api/jobs?limit=100"), NetFleetApi.Json);
            if (jobs!.Where(j => j.JobId.StartsWith("s-beat-", StringComparison.Ordinal) && SlotOf(j.JobId) > after && j.Status != "running")
                .OrderBy(j => j.JobId, StringComparer.Ordinal).FirstOrDefault() is { } job)
            {
                return job.JobId;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"no slot job after {after:u} within {within}\n{Logs()}");
        return "";
    }

    private async Task WaitForFinishedAsync(Uri api, string jobId, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (await JobAsync(api, jobId) is { Status: not "running" }) return;
            await Task.Delay(250);
        }

        Assert.Fail($"job {jobId} did not finish within {within}\n{Logs()}");
    }

    private async Task<JobDetail?> JobAsync(Uri api, string jobId)
    {
        using var response = await http.GetAsync(new Uri(api, $"/api/jobs/{jobId}"));
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JobDetail>(NetFleetApi.Json) : null;
    }

    private string Logs() => string.Join("\n", processes.Select(p => p.Name + ":\n" + string.Join("\n",
        p.Stderr.Split('\n').Where(l => l.Contains("chedule", StringComparison.Ordinal) || l.Contains("rror", StringComparison.Ordinal)).TakeLast(30))));

    private async Task<(NodeInfo Node, Uri Api)> StartNodeAsync(string name, string roles, NodeInfo? seed)
    {
        var port = Loopback.FreePort();
        var apiPort = Loopback.FreePort();
        var args = new List<string> { "node", "--roles", roles, "--port", port.ToString(CultureInfo.InvariantCulture),
            "--api-port", apiPort.ToString(CultureInfo.InvariantCulture), "--store", store, "--verbose" };
        if (seed is not null) args.AddRange(["--seed-nodes", $"akka.tcp://{NodeSettings.SystemName}@127.0.0.1:{seed.Port}"]);
        var process = NetfleetProcess.Start(name, [.. args]);
        processes.Add(process);
        await process.WaitUpAsync();
        return (new NodeInfo(process, port), new Uri($"http://127.0.0.1:{apiPort}"));
    }

    private async Task WaitForMembersAsync(Uri api, int count)
    {
        var deadline = Stopwatch.StartNew();
        while ((await ClusterAsync(api)).Members.Count(m => m.Status == "up") < count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the cluster did not form");
            await Task.Delay(100);
        }
    }

    private async Task<ClusterStatus> ClusterAsync(Uri api) => (await http.GetFromJsonAsync<ClusterStatus>(new Uri(api, "/api/cluster"), NetFleetApi.Json))!;

    private sealed record NodeInfo(NetfleetProcess Process, int Port);
}

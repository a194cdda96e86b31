using System.Diagnostics;
using Akka.Actor;
using Akka.Streams;
using NetFleet.Actors.Jobs;
using NetFleet.Node;
using NetFleet.Node.History;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests.Jobs;

/// <summary>The job manager singleton of a one-node cluster (orchestrator and worker) on a SQLite store of its own,
/// running jobs on the actor tests' lab.</summary>
[Collection(ActorLabCollection.Name)]
public sealed class JobManagerTests(ActorLab lab) : IAsyncLifetime
{
    private const string Device = "ios-4";
    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-job-manager-").FullName;
    private ClusterNode node = null!;

    public async Task InitializeAsync()
    {
        var settings = NodeSettings.Resolve(new NodeOptions
        {
            Roles = "orchestrator,worker", Hostname = "127.0.0.1", Port = Loopback.FreePort(), Store = $"sqlite:{Path.Combine(folder, "netfleet.db")}",
        }, _ => null);
        node = await ClusterNode.StartAsync(settings, Serilog.Core.Logger.None);
    }

    /// <summary>A new job (not yet submitted) running <c>show clock</c> on the lab device, from a playbook file named <paramref name="file"/>.</summary>
    private async Task<PreparedJob> ShowClockJobAsync(string file)
    {
        var playbook = Path.Combine(folder, file);
        await File.WriteAllTextAsync(playbook, $"""
            - hosts: {Device}
              tasks:
                - command: show clock
            """);
        var options = new JobOptions("tester")
        {
            JobId = JobLauncher.NewJobId(), InventoryPath = Path.Combine(lab.Scratch, "inventory"), KnownHostsPath = lab.KnownHosts,
        };
        var (job, check) = await JobLauncher.PrepareAsync(new JobRequest(playbook, options), CancellationToken.None);
        Assert.True(job is not null, check.Report);
        return job;
    }

    public async Task DisposeAsync()
    {
        await node.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_job_submitted_again_while_its_first_submission_is_being_written_is_accepted_twice_and_runs_once()
    {
        var job = await ShowClockJobAsync("clock.yaml");
        var clocksBefore = Clocks();

        // Both are in the mailbox before the first is written: the second finds it being persisted (a client retrying).
        var first = node.JobManager!.Ask<object>(job.Submission, TimeSpan.FromSeconds(30));
        var second = node.JobManager!.Ask<object>(job.Submission, TimeSpan.FromSeconds(30));
        var answers = await Task.WhenAll(first, second);

        Assert.All(answers, a => Assert.Equal(new JobManagerProtocol.JobAccepted(job.JobId), a));
        var history = new HistoryStore(node.Store);
        using var projector = new HistoryProjector(node.System, history, Serilog.Core.Logger.None);
        var clock = Stopwatch.StartNew();
        JobRow? row;
        while ((row = await WaitedAsync()) is null or { Status: "running" })
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"job {job.JobId} did not finish");
            await Task.Delay(100);
        }

        Assert.Equal("succeeded", row.Status);
        Assert.Single(await history.TaskResultsAsync(job.JobId));
        Assert.Equal(clocksBefore + 1, Clocks());

        async Task<JobRow?> WaitedAsync()
        {
            await projector.CatchUpAsync();
            return await history.GetJobAsync(job.JobId);
        }
    }

    [Fact]
    public async Task A_finished_job_submitted_again_is_accepted_and_neither_reopened_nor_run_again()
    {
        var job = await ShowClockJobAsync("clock-again.yaml");
        Assert.Equal(new JobManagerProtocol.JobAccepted(job.JobId), await node.JobManager!.Ask<object>(job.Submission, TimeSpan.FromSeconds(30)));
        var clock = Stopwatch.StartNew();
        while ((await node.JobManager!.Ask<JobManagerProtocol.JobStatus>(new JobManagerProtocol.GetJobStatus(job.JobId), TimeSpan.FromSeconds(10))).Running)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"job {job.JobId} did not finish");
            await Task.Delay(100);
        }

        var clocksAfterFirst = Clocks();
        var history = new HistoryStore(node.Store);
        using var projector = new HistoryProjector(node.System, history, Serilog.Core.Logger.None);
        await projector.CatchUpAsync();
        var recorded = await history.GetJobAsync(job.JobId);
        Assert.Equal("succeeded", recorded?.Status);
        var managerEvents = await ManagerEventsAsync();

        // As a schedule keeper does after a failover: the same job id again, with a later submission time.
        var again = await node.JobManager!.Ask<object>(job.Submission with { At = DateTimeOffset.UtcNow }, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(new JobManagerProtocol.JobAccepted(job.JobId), again);
        Assert.False((await node.JobManager!.Ask<JobManagerProtocol.JobStatus>(new JobManagerProtocol.GetJobStatus(job.JobId), TimeSpan.FromSeconds(10))).Running);
        Assert.Equal(clocksAfterFirst, Clocks());
        await projector.CatchUpAsync();
        // Not even opened again: the job manager records nothing, and the history shows the same job.
        Assert.Equal(managerEvents, await ManagerEventsAsync());
        Assert.Equal(recorded, await history.GetJobAsync(job.JobId));
        Assert.Single(await history.TaskResultsAsync(job.JobId));
    }

    private async Task<int> ManagerEventsAsync()
    {
        var journal = await JournalStartup.ReadJournalAsync(node.System);
        return await journal.CurrentEventsByPersistenceId(JobManager.PersistenceIdValue, 0, long.MaxValue)
            .RunWith(Akka.Streams.Dsl.Sink.Aggregate<Akka.Persistence.Query.EventEnvelope, int>(0, (n, _) => n + 1), node.System.Materializer());
    }

    private int Clocks() => lab.Host.CommandLog(Device).Count(e => e.Line == "show clock");
}

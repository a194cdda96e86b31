using System.Diagnostics;
using Akka.Actor;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Jobs;
using NetFleet.Node;
using NetFleet.Node.History;
using NetFleet.Testing;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Actors.Tests;

/// <summary>What the job history holds of one finished job, as <c>netfleet jobs show</c> reads it.</summary>
public sealed record RecordedJob(JobRow Job, IReadOnlyList<TaskRow> Tasks, IReadOnlyList<GateRow> Gates, IReadOnlyList<CaptureRow> Captures);

/// <summary>
/// A single-process cluster node (orchestrator and worker, plus a sensor when <see cref="NodeOptions.SensorName"/> is
/// set) with a SQLite history of its own in a scratch folder: jobs are submitted to its job manager as <c>submit</c>
/// does, and read back from the history once they end.
/// </summary>
public sealed class JobNode : IAsyncDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);
    private readonly string folder;
    private readonly ClusterNode node;
    private readonly HistoryStore history;
    private readonly HistoryProjector projector;

    private JobNode(string folder, ClusterNode node)
    {
        this.folder = folder;
        this.node = node;
        history = new HistoryStore(node.Store);
        projector = new HistoryProjector(node.System, history, Serilog.Core.Logger.None);
    }

    public static async Task<JobNode> StartAsync(NodeOptions? sensor = null)
    {
        var folder = Directory.CreateTempSubdirectory("netfleet-job-node-").FullName;
        var options = (sensor ?? new NodeOptions()) with
        {
            Roles = sensor?.SensorName is null ? "orchestrator,worker" : "orchestrator,worker,sensor",
            Hostname = "127.0.0.1", Port = Loopback.FreePort(), Store = $"sqlite:{Path.Combine(folder, "netfleet.db")}",
        };
        var node = await ClusterNode.StartAsync(NodeSettings.Resolve(options, _ => null), Serilog.Core.Logger.None);
        return new JobNode(folder, node);
    }

    /// <summary>Submits the playbook (its text) against the inventory and waits until the history shows the job ended.</summary>
    /// <param name="check">Check mode (<c>--check</c>): configuration is compared, not applied.</param>
    public async Task<RecordedJob> RunAsync(string playbook, string inventoryPath, string knownHostsPath, bool check = false)
    {
        var path = Path.Combine(folder, $"play-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, playbook);
        var options = new JobOptions("test")
        {
            JobId = JobLauncher.NewJobId(), InventoryPath = inventoryPath, KnownHostsPath = knownHostsPath, Check = check,
        };
        var (prepared, validation) = await JobLauncher.PrepareAsync(new JobRequest(path, options), CancellationToken.None);
        Assert.True(prepared is not null, validation.Report);
        var answer = await node.JobManager!.Ask<object>(prepared.Submission, TimeSpan.FromSeconds(30));
        Assert.True(answer is JobManagerProtocol.JobAccepted, (answer as JobManagerProtocol.JobRejected)?.Reason);

        var clock = Stopwatch.StartNew();
        while (true)
        {
            await projector.CatchUpAsync();
            if (await history.GetJobAsync(options.JobId) is { Status: not "running" } job)
            {
                return new RecordedJob(job, await history.TaskResultsAsync(job.JobId), await history.GatesAsync(job.JobId),
                    await history.CapturesAsync(job.JobId));
            }

            Assert.True(clock.Elapsed < JobTimeout, $"job {options.JobId} did not finish within {JobTimeout}");
            await Task.Delay(250);
        }
    }

    /// <summary>The configuration changes the history holds for a job (before, after, diff), as <c>netfleet history</c> shows them.</summary>
    public async Task<IReadOnlyList<ChangeRow>> ChangesAsync(string jobId)
    {
        await projector.CatchUpAsync();
        return await history.ChangesAsync(null, jobId);
    }

    public async ValueTask DisposeAsync()
    {
        var captures = node.Captures is { } manager
            ? await manager.Ask<List<CaptureView>>(ListCaptures.Instance, TimeSpan.FromSeconds(10))
            : [];
        projector.Dispose();
        await node.DisposeAsync();
        foreach (var dir in captures.Select(c => Path.Combine(ClusterNode.CaptureDirectory, c.Id)).Where(Directory.Exists))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.Delete(folder, recursive: true);
    }
}

using NetFleet.Actors.Jobs;
using NetFleet.Node;

namespace NetFleet.Cli.Commands;

/// <summary>What a command that goes on from a recorded job (<c>jobs resume</c>, <c>rollback</c>) opens first: its log
/// file, the process's node on the store, and the job's recorded submission (null when the store has no such job).</summary>
internal sealed class RecordedJob : IAsyncDisposable
{
    private readonly Serilog.Core.Logger log;

    private RecordedJob(string logPath, Serilog.Core.Logger log, NetFleetNode node, JobJournal.JobSubmitted? submitted)
    {
        LogPath = logPath;
        this.log = log;
        Node = node;
        Submitted = submitted;
    }

    public string LogPath { get; }
    public NetFleetNode Node { get; }
    public JobJournal.JobSubmitted? Submitted { get; }

    /// <param name="action">What the command does, for the log's name (<c>resume-JOB-TIME.json</c>).</param>
    public static async Task<RecordedJob> OpenAsync(string action, string jobId, bool verbose, string? store, CancellationToken ct)
    {
        var logPath = Path.Combine(".netfleet", "logs", $"{action}-{jobId}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var log = (Serilog.Core.Logger)Logging.ForJob(verbose, logPath);
        var node = await NetFleetNode.StartAsync(JobStore.Resolve(store), log, cancellationToken: ct);
        return new RecordedJob(logPath, log, node, await node.FindSubmissionAsync(jobId, ct));
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await log.DisposeAsync();
    }
}

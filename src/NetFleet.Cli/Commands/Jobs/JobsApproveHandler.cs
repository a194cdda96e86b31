using System.CommandLine;
using NetFleet.Actors.Jobs;
using NetFleet.Node;
using NetFleet.Node.History;
using Serilog.Events;

namespace NetFleet.Cli.Commands;

internal sealed record JobsApproveOptions(string Id, string? Store);

/// <summary><c>netfleet jobs approve ID</c>: lets a job waiting at an approval gate go on.</summary>
internal sealed class JobsApproveHandler
{
    public static Command Command()
    {
        var id = new Argument<string>("id") { Description = "The job waiting at an approval gate" };
        var store = StoreOption.Create();
        var command = new Command("approve", """
            Let a job waiting at an 'approval: true' gate go on with its next batch. The approval is stored in the job
            store, so it can come from any machine that shares it; the waiting job sees it within a second.
            """)
        {
            id, store,
        };
        command.SetAction((parse, ct) => new JobsApproveHandler().RunAsync(new JobsApproveOptions(parse.GetValue(id)!, parse.GetValue(store)), ct));
        return command;
    }

    public async Task<int> RunAsync(JobsApproveOptions options, CancellationToken ct)
    {
        var jobId = options.Id;
        await using var node = await NetFleetNode.StartAsync(JobStore.Resolve(options.Store), Logging.Create(LogEventLevel.Warning),
            cancellationToken: ct);
        if (await node.FindSubmissionAsync(jobId, ct) is null)
        {
            await Console.Error.WriteLineAsync($"no job {jobId} in {node.Store.Display}");
            return 1;
        }

        var approved = await node.ApproveAsync(jobId, Environment.UserName, ct);
        await node.History.RecordAuditAsync(new AuditRow(jobId, DateTimeOffset.UtcNow, approved.User, "approve", $"approval {approved.Count}"), ct);
        await Console.Error.WriteLineAsync($"job {jobId}: approval {approved.Count} recorded by {approved.User}");
        return 0;
    }
}

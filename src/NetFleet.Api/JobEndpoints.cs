using System.Security.Claims;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetFleet.Actors;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;
using NetFleet.Node;
using NetFleet.Node.History;

namespace NetFleet.Api;

public sealed record WhoAmI(string Name, string Role);

public sealed record PlaybookView(string Name, string Path);

public sealed record InventoryHostView(string Name, string Hostname, string? Platform, IReadOnlyList<string> Groups, string? Site);

public sealed record JobListItem(string JobId, string Playbook, string User, string Status, DateTimeOffset Started, DateTimeOffset? Finished,
    double? DurationSeconds, int Devices, int Ok, int Changed, int Failed, int Unreachable);

/// <param name="Status">ok, changed, failed, unreachable, skipped, pending or running.</param>
/// <param name="Batch">The number (from 1) of the first batch the device was in; null before it is planned.</param>
public sealed record DeviceStatusView(string Device, string Status, int? Batch, int Changed, int Failed, string? Message);

public sealed record BatchView(int Number, int Play, IReadOnlyList<string> Devices, DateTimeOffset Started, DateTimeOffset? Finished);

public sealed record AuditView(DateTimeOffset At, string User, string Action, string? Detail);

/// <param name="WaitingForApproval">The job waits at an <c>approval: true</c> gate (POST .../approve lets it go on).</param>
public sealed record JobDetail(string JobId, string Playbook, string User, string Status, DateTimeOffset Started, DateTimeOffset? Finished,
    bool Check, string? Limit, string? HaltReason, IReadOnlyList<DeviceStatusView> Devices, IReadOnlyList<BatchView> Batches,
    IReadOnlyList<AuditView> Audit, bool WaitingForApproval)
{
    /// <summary>Each batch's traffic gate (a play's <c>gate:</c>), in order.</summary>
    public IReadOnlyList<GateView> Gates { get; init; } = [];
}

/// <summary>A batch's gate: the worst probe loss and latency, the highest device error rate and the capture RST rate before and
/// after the batch, and the verdict (null until judged) with the limits broken.</summary>
public sealed record GateView(int Play, int Batch, GateNumbers? Before, GateNumbers? After, string? Verdict, IReadOnlyList<string> Failures,
    IReadOnlyList<string> Notes);

public sealed record GateNumbers(DateTimeOffset At, double? LossPercent, double? LatencyMs, double? IfErrorsPerSecond, double? RstPerSecond);

public sealed record DiffView(string Device, string Diff);

public sealed record DeviceHistoryItem(string JobId, DateTimeOffset At, string Playbook, string User, string Task, string Diff);

public sealed record JobStat(string JobId, DateTimeOffset Started, double? DurationSeconds, string Status);

public sealed record JobAccepted(string JobId);

/// <summary>
/// The job endpoints of the API: read-side from the job history (caught up with the journal first), writes through the
/// job manager singleton or the store; every write is recorded in the job's audit trail with the token's name.
/// </summary>
internal sealed class JobEndpoints(NodeSettings settings, ActorSystem system, IRequiredActor<JobManager> jobManager, HistoryStore history,
    HistoryProjector projector)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] PlaybookExtensions = [".yaml", ".yml"];

    public void Map(RouteGroupBuilder viewer)
    {
        viewer.MapGet("/api/whoami", (ClaimsPrincipal user) =>
            Results.Json(new WhoAmI(user.Identity!.Name!, user.FindFirstValue(ClaimTypes.Role)!), NetFleetApi.Json)).Produces<WhoAmI>();
        viewer.MapGet("/api/playbooks", Playbooks).Produces<List<PlaybookView>>();
        viewer.MapGet("/api/inventory", Inventory).Produces<List<InventoryHostView>>();
        viewer.MapGet("/api/jobs", ListAsync).Produces<List<JobListItem>>();
        viewer.MapGet("/api/jobs/{jobId}", ShowAsync).Produces<JobDetail>();
        viewer.MapGet("/api/jobs/{jobId}/devices/{device}/diff", DiffAsync).Produces<DiffView>();
        viewer.MapGet("/api/devices/{device}/history", DeviceHistoryAsync).Produces<List<DeviceHistoryItem>>();
        viewer.MapGet("/api/stats/jobs", StatsAsync).Produces<List<JobStat>>();
        viewer.MapPost("/api/jobs", SubmitAsync).RequireAuthorization(BearerTokenHandler.OperatorPolicy)
            .Accepts<SubmitRequest>("application/json").Produces<SubmitResponse>(StatusCodes.Status202Accepted).Produces<ApiError>(400);
        viewer.MapPost("/api/jobs/{jobId}/cancel", CancelAsync).RequireAuthorization(BearerTokenHandler.OperatorPolicy)
            .Produces<JobAccepted>(StatusCodes.Status202Accepted);
        viewer.MapPost("/api/jobs/{jobId}/approve", ApproveAsync).RequireAuthorization(BearerTokenHandler.OperatorPolicy)
            .Produces<JobAccepted>(StatusCodes.Status202Accepted);
        viewer.MapPost("/api/jobs/{jobId}/rollback", RollbackAsync).RequireAuthorization(BearerTokenHandler.OperatorPolicy)
            .Produces<JobAccepted>(StatusCodes.Status202Accepted);
    }

    private IResult Playbooks()
    {
        var folder = Path.GetFullPath(settings.Playbooks);
        if (!Directory.Exists(folder)) return Results.Json(new List<PlaybookView>(), NetFleetApi.Json);
        return Results.Json(Directory.EnumerateFiles(folder)
            .Where(f => PlaybookExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(f => new PlaybookView(Path.GetFileNameWithoutExtension(f), f)).ToList(), NetFleetApi.Json);
    }

    private IResult Inventory()
    {
        var loaded = InventoryLoader.Load(Path.GetFullPath(settings.Inventory));
        if (loaded.Inventory is not { } inventory)
        {
            return Results.Json(new ApiError(DiagnosticFormatter.FormatAll(loaded.Diagnostics)), NetFleetApi.Json, statusCode: StatusCodes.Status500InternalServerError);
        }

        // Only what identifies a host: credentials stay out, even as references.
        return Results.Json(inventory.Hosts.Select(h => new InventoryHostView(h.Name, h.Hostname, h.Platform, h.AllGroups,
            h.Data.TryGetValue("site", out var site) ? site?.ToString() : null)).ToList(), NetFleetApi.Json);
    }

    private async Task<IResult> ListAsync(string? status, string? user, string? playbook, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 10_000) return Results.BadRequest(new ApiError("limit: 1 to 10000"));
        await projector.CatchUpAsync(ct);
        var jobs = await history.ListJobsAsync(new JobFilter { Status = Blank(status), User = Blank(user), Playbook = Blank(playbook), Limit = limit ?? 50 }, ct);
        return Results.Json(jobs.Select(j => new JobListItem(j.JobId, j.Playbook, j.User, j.Status, j.SubmittedAt, j.FinishedAt, Duration(j), j.Devices,
            j.Ok, j.Changed, j.Failed, j.Unreachable)).ToList(), NetFleetApi.Json);
    }

    private async Task<IResult> ShowAsync(string jobId, CancellationToken ct)
    {
        await projector.CatchUpAsync(ct);
        if (await history.GetJobAsync(jobId, ct) is not { } job) return NoJob(jobId);
        var details = await history.JobDetailsAsync(jobId, ct);
        var tasks = await history.TaskResultsAsync(jobId, ct);
        var batchRows = await history.BatchesAsync(jobId, ct);
        var audit = await history.AuditAsync(jobId, ct);
        var running = job.Status == "running";
        var waitingForApproval = running && await history.WaitsForApprovalAsync(jobId, ct);

        var batches = batchRows.Select((b, i) =>
        {
            var ran = tasks.Where(t => t.PlayIndex == b.PlayIndex && b.Devices.Contains(t.Device, StringComparer.Ordinal)).ToList();
            var done = ran.Count > 0 && !(running && ReferenceEquals(b, batchRows[^1]));
            return new BatchView(i + 1, b.PlayIndex + 1, b.Devices, b.StartedAt,
                done ? ran.Max(t => t.StartedAt + TimeSpan.FromMilliseconds(t.DurationMs)) : null);
        }).ToList();

        var deviceNames = (details?.Devices ?? []).Concat(tasks.Select(t => t.Device)).Distinct(StringComparer.Ordinal).ToList();
        var devices = deviceNames.Select(device =>
        {
            var own = tasks.Where(t => t.Device == device).ToList();
            var batch = batches.FirstOrDefault(b => b.Devices.Contains(device, StringComparer.Ordinal));
            return new DeviceStatusView(device, DeviceStatus(own, running, batch is not null), batch?.Number,
                own.Count(t => t.Status == "changed"), own.Count(t => t.Status is "failed" or "unreachable"),
                own.FirstOrDefault(t => t.Status is "failed" or "unreachable")?.Message);
        }).ToList();

        return Results.Json(new JobDetail(job.JobId, job.Playbook, job.User, job.Status, job.SubmittedAt, job.FinishedAt, details?.Check ?? false,
            details?.Limit, job.HaltReason, devices, batches, audit.Select(a => new AuditView(a.At, a.User, a.Action, a.Detail)).ToList(),
            waitingForApproval)
        {
            Gates = (await history.GatesAsync(jobId, ct)).Select(g => new GateView(g.PlayIndex + 1, g.BatchIndex + 1,
                g.BaselineAt is { } b ? new GateNumbers(b, g.BaselineLoss, g.BaselineLatencyMs, g.BaselineIfErrorRate, g.BaselineRstRate) : null,
                g.MeasuredAt is { } m ? new GateNumbers(m, g.MeasuredLoss, g.MeasuredLatencyMs, g.MeasuredIfErrorRate, g.MeasuredRstRate) : null,
                g.Verdict, g.Failures, g.Notes)).ToList(),
        }, NetFleetApi.Json);
    }

    /// <summary>The worst of the device's task outcomes; before it has any, pending or (its batch started) running.</summary>
    private static string DeviceStatus(IReadOnlyList<TaskRow> tasks, bool jobRunning, bool batchStarted)
    {
        if (tasks.Any(t => t.Status == "unreachable")) return "unreachable";
        if (tasks.Any(t => t.Status == "failed")) return "failed";
        if (jobRunning) return batchStarted ? "running" : "pending";
        if (tasks.Any(t => t.Status == "changed")) return "changed";
        if (tasks.Any(t => t.Status == "ok")) return "ok";
        return "skipped";
    }

    private async Task<IResult> DiffAsync(string jobId, string device, CancellationToken ct)
    {
        await projector.CatchUpAsync(ct);
        if (await history.GetJobAsync(jobId, ct) is null) return NoJob(jobId);
        var diffs = (await history.TaskResultsAsync(jobId, ct))
            .Where(t => t.Device == device && !string.IsNullOrEmpty(t.Diff)).Select(t => t.Diff!.TrimEnd('\n')).ToList();
        if (diffs.Count == 0)
        {
            // A rollback records what it restored only as device changes, not in its task results.
            diffs = (await history.ChangesAsync(device, jobId, ct)).Where(c => c.Diff.Length > 0).Select(c => c.Diff.TrimEnd('\n')).ToList();
        }

        return Results.Json(new DiffView(device, string.Join('\n', diffs)), NetFleetApi.Json);
    }

    private async Task<IResult> DeviceHistoryAsync(string device, CancellationToken ct)
    {
        await projector.CatchUpAsync(ct);
        var changes = await history.ChangesAsync(device, null, ct);
        var jobs = new Dictionary<string, JobRow?>(StringComparer.Ordinal);
        var items = new List<DeviceHistoryItem>();
        foreach (var change in changes.OrderByDescending(c => c.At))
        {
            if (!jobs.TryGetValue(change.JobId, out var job)) jobs[change.JobId] = job = await history.GetJobAsync(change.JobId, ct);
            items.Add(new DeviceHistoryItem(change.JobId, change.At, job?.Playbook ?? "", job?.User ?? "", change.Task, change.Diff));
        }

        return Results.Json(items, NetFleetApi.Json);
    }

    private async Task<IResult> StatsAsync(int? days, CancellationToken ct)
    {
        if (days is < 1 or > 3650) return Results.BadRequest(new ApiError("days: 1 to 3650"));
        await projector.CatchUpAsync(ct);
        var jobs = await history.ListJobsAsync(new JobFilter { Since = DateTimeOffset.UtcNow.AddDays(-(days ?? 30)), Limit = 10_000 }, ct);
        return Results.Json(jobs.OrderBy(j => j.SubmittedAt).Select(j => new JobStat(j.JobId, j.SubmittedAt, Duration(j), j.Status)).ToList(),
            NetFleetApi.Json);
    }

    private async Task<IResult> SubmitAsync(HttpContext context, ClaimsPrincipal user, CancellationToken ct)
    {
        SubmitRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<SubmitRequest>(NetFleetApi.Json, ct);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Results.BadRequest(new ApiError("bad job request: " + e.Message));
        }

        if (request is null || (string.IsNullOrWhiteSpace(request.Playbook) && string.IsNullOrWhiteSpace(request.PlaybookText)))
        {
            return Results.BadRequest(new ApiError("a job needs a playbook (a name under the playbooks folder, or a path) or playbookText"));
        }

        var jobId = JobLauncher.NewJobId();
        var inventory = Path.GetFullPath(Blank(request.Inventory) ?? settings.Inventory);
        if (!Directory.Exists(inventory)) return Results.BadRequest(new ApiError($"{inventory}: no such inventory folder"));
        string playbook;
        if (!string.IsNullOrWhiteSpace(request.PlaybookText))
        {
            // Posted text is the job's playbook as it is (the journal keeps it); the name only labels it.
            playbook = Blank(request.Playbook) ?? $"posted/{jobId}.yaml";
        }
        else if (ResolvePlaybook(request.Playbook!) is { } found)
        {
            playbook = found;
        }
        else
        {
            return Results.BadRequest(new ApiError($"{request.Playbook}: no such playbook (neither a file nor a playbook in {Path.GetFullPath(settings.Playbooks)})"));
        }

        var name = user.Identity!.Name!;
        var options = new JobOptions(name)
        {
            JobId = jobId,
            InventoryPath = inventory,
            Limit = Blank(request.Limit),
            Check = request.Check,
            Forks = request.Forks,
            TrustNewHostKeys = request.TrustNewHostKeys,
            KnownHostsPath = Blank(request.KnownHosts) ?? settings.KnownHosts,
        };
        var (job, check) = await JobLauncher.PrepareAsync(new JobRequest(playbook, options) { PlaybookText = Blank(request.PlaybookText) }, ct);
        if (job is null) return Results.BadRequest(new ApiError(check.Report));
        return await SubmitToManagerAsync(job, name, "submit", playbook, ct) is { } refused ? refused
            : Results.Json(new SubmitResponse(job.JobId, $"/api/jobs/{job.JobId}/events"), NetFleetApi.Json, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Hands a prepared job to the job manager singleton, which records it and runs it (and resumes it after a
    /// failover); null once accepted and audited, else the answer to give.</summary>
    private async Task<IResult?> SubmitToManagerAsync(PreparedJob job, string user, string action, string? detail, CancellationToken ct)
    {
        var answer = await jobManager.ActorRef.Ask<object>(job.Submission, AskTimeout, ct);
        if (answer is JobManagerProtocol.JobRejected rejected) return Results.BadRequest(new ApiError(rejected.Reason));
        if (answer is not JobManagerProtocol.JobAccepted) return Results.Problem("unexpected answer from the job manager");
        await Audit(job.Submission.RollbackOf ?? job.JobId, user, action, detail, ct);
        return null;
    }

    private string? ResolvePlaybook(string playbook)
    {
        if (File.Exists(playbook)) return Path.GetFullPath(playbook);
        var folder = Path.GetFullPath(settings.Playbooks);
        return new[] { playbook }.Concat(PlaybookExtensions.Select(e => playbook + e)).Select(n => Path.Combine(folder, n))
            .FirstOrDefault(File.Exists);
    }

    private async Task<IResult> CancelAsync(string jobId, ClaimsPrincipal user, CancellationToken ct)
    {
        var answer = await jobManager.ActorRef.Ask<object>(new JobManagerProtocol.CancelJob(jobId, user.Identity!.Name!), AskTimeout, ct);
        if (answer is JobManagerProtocol.CancelAccepted)
        {
            await Audit(jobId, user.Identity!.Name!, "cancel", null, ct);
            return Results.Json(new JobAccepted(jobId), NetFleetApi.Json, statusCode: StatusCodes.Status202Accepted);
        }

        await projector.CatchUpAsync(ct);
        return await history.GetJobAsync(jobId, ct) is null ? NoJob(jobId) : Conflict($"job {jobId} is not running");
    }

    private async Task<IResult> ApproveAsync(string jobId, ClaimsPrincipal user, CancellationToken ct)
    {
        await projector.CatchUpAsync(ct);
        if (await history.GetJobAsync(jobId, ct) is not { } job) return NoJob(jobId);
        if (job.Status != "running") return Conflict($"job {jobId} has finished ({job.Status}); there is nothing to approve");
        var name = user.Identity!.Name!;
        var approved = await Approvals.ApproveAsync(system, jobId, name, ct);
        await Audit(jobId, name, "approve", $"approval {approved.Count}", ct);
        return Results.Json(new JobAccepted(jobId), NetFleetApi.Json, statusCode: StatusCodes.Status202Accepted);
    }

    private async Task<IResult> RollbackAsync(string jobId, ClaimsPrincipal user, CancellationToken ct)
    {
        await projector.CatchUpAsync(ct);
        if (await history.GetJobAsync(jobId, ct) is not { } job) return NoJob(jobId);
        if (job.Status == "running") return Conflict($"job {jobId} is still running; roll it back once it has finished");
        if (await FindSubmissionAsync(jobId, ct) is not { } submitted) return NoJob(jobId);
        var name = user.Identity!.Name!;
        var (rollback, error) = JobLauncher.Rollback(submitted, new JobOptions(name));
        if (rollback is null) return Conflict(error!);
        // Through the job manager like any job: recorded there first, so a failover resumes it.
        return await SubmitToManagerAsync(rollback, name, "rollback", $"rollback job {rollback.JobId}", ct) is { } refused ? refused
            : Results.Json(new JobAccepted(rollback.JobId), NetFleetApi.Json, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>A job's recorded submission (its first event), or null when the journal has no such job.</summary>
    private async Task<JobJournal.JobSubmitted?> FindSubmissionAsync(string jobId, CancellationToken ct)
    {
        var journal = await JournalStartup.ReadJournalAsync(system, ct);
        var first = await journal.CurrentEventsByPersistenceId(JobJournal.PersistenceId(jobId), 0, long.MaxValue)
            .Select(e => e.Event)
            .Where(e => e is JobJournal.JobSubmitted)
            .Take(1)
            .RunWith(Sink.FirstOrDefault<object>(), system.Materializer()).WaitAsync(ct);
        return first as JobJournal.JobSubmitted;
    }

    private Task Audit(string jobId, string user, string action, string? detail, CancellationToken ct) =>
        history.RecordAuditAsync(new AuditRow(jobId, DateTimeOffset.UtcNow, user, action, detail), ct);

    private static IResult NoJob(string jobId) => Results.NotFound(new ApiError($"no job {jobId}"));

    private static IResult Conflict(string why) => Results.Conflict(new ApiError(why));

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static double? Duration(JobRow j) => j.FinishedAt is { } f ? (f - j.SubmittedAt).TotalSeconds : null;
}

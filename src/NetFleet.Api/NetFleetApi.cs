using System.Text.Json;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Results;
using NetFleet.Node;

namespace NetFleet.Api;

/// <summary>A job submission: paths as the orchestrator nodes see them (shared files, or the same mounts in every
/// container).</summary>
public sealed record SubmitRequest(string Playbook, string Inventory)
{
    public string? Limit { get; init; }
    public bool Check { get; init; }
    public int? Forks { get; init; }
    public string? User { get; init; }
    public string? KnownHosts { get; init; }
    public bool TrustNewHostKeys { get; init; }
}

public sealed record SubmitResponse(string JobId, string Events);

public sealed record ApiError(string Error);

/// <summary>
/// The HTTP API of an orchestrator node (bound to 127.0.0.1 unless configured otherwise):
/// <c>POST /api/jobs</c> submits a job to the job manager singleton; <c>GET /api/jobs/{id}/events</c> streams the
/// job's <see cref="JobEvent"/>s as Server-Sent Events (event name = <see cref="EventName"/>, data = JSON);
/// <c>GET /api/cluster</c> returns <see cref="ClusterStatus"/>; <c>GET /api/health</c>; captures on sensors as in
/// <see cref="CaptureEndpoints"/>.
/// </summary>
public sealed class NetFleetApi : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan SubmitTimeout = TimeSpan.FromSeconds(30);

    private readonly WebApplication app;

    private NetFleetApi(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<NetFleetApi> StartAsync(ClusterNode node, CancellationToken cancellationToken = default)
    {
        var jobManager = node.JobManager ?? throw new InvalidOperationException("the API runs on orchestrator nodes only");
        var url = new Uri($"http://{node.Settings.ApiHost}:{node.Settings.ApiPort}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url.ToString());
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var hub = new JobEventHub(node.System);

        app.MapGet("/api/health", () => Results.Ok(new { status = "ok", node = node.Settings.SelfAddress }));
        app.MapGet("/api/cluster", async (CancellationToken ct) => Results.Json(await node.StatusAsync(ct), Json));
        app.MapPost("/api/jobs", async (SubmitRequest request, CancellationToken ct) =>
        {
            if (!File.Exists(request.Playbook)) return Results.BadRequest(new ApiError($"{request.Playbook}: no such playbook file"));
            if (!Directory.Exists(request.Inventory)) return Results.BadRequest(new ApiError($"{request.Inventory}: no such inventory folder"));
            var options = new JobOptions(request.User ?? "api")
            {
                JobId = JobRunner.NewJobId(),
                InventoryPath = Path.GetFullPath(request.Inventory),
                Limit = request.Limit,
                Check = request.Check,
                Forks = request.Forks,
                TrustNewHostKeys = request.TrustNewHostKeys,
                KnownHostsPath = request.KnownHosts,
            };
            var submitted = await JobSubmission.CaptureAsync(options.JobId, Path.GetFullPath(request.Playbook), options, ct);
            var answer = await jobManager.Ask<object>(submitted, SubmitTimeout, ct);
            return answer switch
            {
                JobManagerProtocol.JobAccepted accepted => Results.Json(new SubmitResponse(accepted.JobId, $"/api/jobs/{accepted.JobId}/events"), Json,
                    statusCode: StatusCodes.Status202Accepted),
                JobManagerProtocol.JobRejected rejected => Results.BadRequest(new ApiError(rejected.Reason)),
                _ => Results.Problem("unexpected answer from the job manager"),
            };
        });
        CaptureEndpoints.Map(app, node.Captures!);
        app.MapGet("/api/jobs/{jobId}/events", async (string jobId, HttpContext context, CancellationToken ct) =>
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.FlushAsync(ct);
            var reader = hub.Follow(jobId);
            try
            {
                await foreach (var e in reader.ReadAllAsync(ct))
                {
                    await context.Response.WriteAsync($"event: {EventName(e)}\ndata: {JsonSerializer.Serialize(e, e.GetType(), Json)}\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                }
            }
            finally
            {
                hub.Unfollow(jobId, reader);
            }
        });

        await app.StartAsync(cancellationToken);
        return new NetFleetApi(app, url);
    }

    /// <summary>The SSE event name of a job event, and the type it is read back as.</summary>
    public static readonly IReadOnlyDictionary<string, Type> EventTypes = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["job-started"] = typeof(JobStarted),
        ["play-started"] = typeof(PlayStarted),
        ["batch-started"] = typeof(BatchStarted),
        ["task-started"] = typeof(TaskStarted),
        ["task-finished"] = typeof(TaskFinished),
        ["job-finished"] = typeof(JobFinished),
    };

    public static string EventName(JobEvent e) => EventTypes.First(t => t.Value == e.GetType()).Key;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

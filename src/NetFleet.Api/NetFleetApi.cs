using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Akka.Actor;
using Akka.Hosting;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Results;
using NetFleet.Node;
using NetFleet.Node.History;
using NetFleet.Node.Hosting;

namespace NetFleet.Api;

/// <summary>A job submission (<c>POST /api/jobs</c>). <see cref="Playbook"/> is a path as the orchestrator nodes see it
/// or a playbook's name in the node's playbooks folder; <see cref="PlaybookText"/> is the YAML itself instead;
/// <see cref="Inventory"/> defaults to the node's inventory. The job's user is the token's name.</summary>
public sealed record SubmitRequest(string? Playbook, string? Inventory)
{
    public string? PlaybookText { get; init; }
    public string? Limit { get; init; }
    public bool Check { get; init; }
    public int? Forks { get; init; }

    /// <summary>Ignored since the API needs a token: the job's user is the token's name.</summary>
    public string? User { get; init; }
    public string? KnownHosts { get; init; }
    public bool TrustNewHostKeys { get; init; }
}

public sealed record SubmitResponse(string JobId, string Events);

public sealed record ApiError(string Error);

/// <summary>
/// The HTTP API of an orchestrator node (bound to 127.0.0.1 unless configured otherwise; HTTPS when the node has a
/// certificate). Every <c>/api</c> route but <c>GET /api/health</c> needs a bearer token (<see cref="BearerTokenHandler"/>):
/// viewers read, operators also submit, cancel, approve and roll back (<see cref="JobEndpoints"/>).
/// <c>GET /api/jobs/{id}/events</c> streams the job's <see cref="JobEvent"/>s as Server-Sent Events (event name =
/// <see cref="EventName"/>, data = JSON); <c>GET /api/cluster</c> returns <see cref="ClusterStatus"/>; captures on
/// sensors as in <see cref="CaptureEndpoints"/>. <c>/openapi/v1.json</c> describes it all; the dashboard's static files
/// (wwwroot) are served at <c>/</c>.
/// </summary>
public sealed class NetFleetApi(Serilog.ILogger? log = null) : INodeApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Serilog.ILogger log = log ?? Serilog.Core.Logger.None;

    /// <summary>Kestrel on the node's API address (HTTPS with its certificate), bearer tokens, OpenAPI, and the read side
    /// (history, its projector, the job events hub) as services beside the actor system.</summary>
    public void Configure(WebApplicationBuilder builder, NodeSettings settings)
    {
        var certificate = LoadCertificate(settings);
        builder.WebHost.UseUrls($"{(certificate is null ? "http" : "https")}://{settings.ApiHost}:{settings.ApiPort}");
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }

        builder.Services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<BearerTokenOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, o => o.Store = JobStore.Resolve(settings.Store));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(BearerTokenHandler.ViewerPolicy, p => p.RequireRole(ApiTokens.RoleName(ApiRole.Viewer), ApiTokens.RoleName(ApiRole.Operator)))
            .AddPolicy(BearerTokenHandler.OperatorPolicy, p => p.RequireRole(ApiTokens.RoleName(ApiRole.Operator)));
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecurityTransformer>());
        builder.Services.AddSingleton(sp => new HistoryStore(sp.GetRequiredService<JobStore>()));
        builder.Services.AddSingleton(sp => new HistoryProjector(sp.GetRequiredService<ActorSystem>(), sp.GetRequiredService<HistoryStore>(), log));
        builder.Services.AddSingleton(sp => new JobEventHub(sp.GetRequiredService<ActorSystem>()));
        builder.Services.AddSingleton(_ => new Configs.ConfigArchive(settings.Configs));
        builder.Services.AddSingleton(sp => new JobEndpoints(sp.GetRequiredService<NodeSettings>(), sp.GetRequiredService<ActorSystem>(),
            sp.GetRequiredService<IRequiredActor<JobManager>>(), sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<HistoryProjector>()));
    }

    public void Map(WebApplication app)
    {
        var wwwroot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(wwwroot))
        {
            var files = new PhysicalFileProvider(wwwroot);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        app.UseAuthentication();
        app.UseAuthorization();

        var settings = app.Services.GetRequiredService<NodeSettings>();
        // Once the actor system runs: the projector follows the journal, the hub collects every job's events from now on
        // (so a follower that connects later still gets a running job from its start).
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            app.Services.GetRequiredService<HistoryProjector>().Start();
            app.Services.GetRequiredService<JobEventHub>();
        });

        app.MapOpenApi();
        app.MapGet("/api/health", () => Results.Ok(new { status = "ok", node = settings.SelfAddress })).AllowAnonymous();
        var viewer = app.MapGroup("").RequireAuthorization(BearerTokenHandler.ViewerPolicy);
        viewer.MapGet("/api/cluster", async (ActorSystem system, CancellationToken ct) => Results.Json(await ClusterStatus.ReadAsync(system, ct), Json))
            .Produces<ClusterStatus>();
        app.Services.GetRequiredService<JobEndpoints>().Map(viewer);
        CaptureEndpoints.Map(viewer);
        ScheduleEndpoints.Map(viewer);
        ComplianceEndpoints.Map(viewer);
        ConfigEndpoints.Map(viewer);
        viewer.MapGet("/api/jobs/{jobId}/events", async (string jobId, HttpContext context, JobEventHub hub, CancellationToken ct) =>
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
    }

    /// <summary>The node's API certificate (.pfx/.p12, or PEM with its key beside or in the same file), or null for
    /// plain HTTP. Errors name the file and the setting.</summary>
    public static X509Certificate2? LoadCertificate(NodeSettings settings)
    {
        if (settings.ApiCert is not { } path) return null;
        if (!File.Exists(path)) throw new ArgumentException($"{path}: no such certificate file (--api-cert / {NodeSettings.ApiCertVariable})");
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".pfx" or ".p12") return X509CertificateLoader.LoadPkcs12FromFile(path, settings.ApiCertPassword);
            var key = settings.ApiCertKey ?? path;
            return settings.ApiCertPassword is { } password
                ? X509Certificate2.CreateFromEncryptedPemFile(path, password, key)
                : X509Certificate2.CreateFromPemFile(path, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ArgumentException($"{path}: cannot load the API certificate (a .pfx/.p12, or PEM with its key in --api-cert-key / " +
                $"{NodeSettings.ApiCertKeyVariable}; password in {NodeSettings.ApiCertPasswordVariable}): {e.Message}", e);
        }
    }

    /// <summary>The SSE event name of a job event, and the type it is read back as.</summary>
    public static readonly IReadOnlyDictionary<string, Type> EventTypes = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["job-started"] = typeof(JobStarted),
        ["play-started"] = typeof(PlayStarted),
        ["batch-started"] = typeof(BatchStarted),
        ["task-started"] = typeof(TaskStarted),
        ["task-finished"] = typeof(TaskFinished),
        ["capture-progress"] = typeof(CaptureProgressReported),
        ["approval-requested"] = typeof(ApprovalRequested),
        ["approval-granted"] = typeof(ApprovalGranted),
        ["job-finished"] = typeof(JobFinished),
    };

    public static string EventName(JobEvent e) => EventTypes.First(t => t.Value == e.GetType()).Key;
}

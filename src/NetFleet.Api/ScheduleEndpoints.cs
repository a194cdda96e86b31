using System.Security.Claims;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NetFleet.Actors.Scheduling;
using NetFleet.Core.Playbooks;
using NetFleet.Node;
using static NetFleet.Actors.Scheduling.ScheduleProtocol;

namespace NetFleet.Api;

/// <summary>A schedule to add (<c>POST /api/schedules</c>): a cron expression (5 fields, or 6 with seconds first) in an IANA
/// zone (UTC by default), and the job each slot runs: <see cref="PlaybookText"/> (kept as it is now; <see cref="Playbook"/>
/// labels it) or a playbook path or name in the node's playbooks folder, read now.</summary>
public sealed record ScheduleRequest(string Name, string Cron)
{
    public string? TimeZone { get; init; }
    public string? Playbook { get; init; }
    public string? PlaybookText { get; init; }
    public string? Inventory { get; init; }
    public string? Limit { get; init; }
    public string? KnownHosts { get; init; }

    /// <summary>once (default) or skip.</summary>
    public string? CatchUp { get; init; }

    /// <summary>skip (default) or queue.</summary>
    public string? Overlap { get; init; }
}

/// <summary>
/// Schedules, kept by the <see cref="ScheduleKeeper"/> singleton: <c>GET /api/schedules</c> (each with its next slot, its
/// latest slots and their job ids, and its state), and for operators <c>POST /api/schedules</c>,
/// <c>POST /api/schedules/{name}/pause</c>, <c>…/resume</c>, <c>DELETE /api/schedules/{name}</c>. The schedule's user is
/// the token's name; its playbook is checked against the inventory before it is added.
/// </summary>
public static class ScheduleEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(15);

    public static void Map(RouteGroupBuilder viewer)
    {
        viewer.MapGet("/api/schedules", async (IRequiredActor<ScheduleKeeper> keeper, bool? removed, CancellationToken ct) =>
            Results.Json((await keeper.ActorRef.Ask<ScheduleList>(new ListSchedules(removed ?? false), AskTimeout, ct)).Schedules, NetFleetApi.Json))
            .Produces<List<ScheduleView>>();
        viewer.MapPost("/api/schedules", AddAsync).RequireAuthorization(BearerTokenHandler.OperatorPolicy)
            .Accepts<ScheduleRequest>("application/json").Produces<ScheduleDone>(StatusCodes.Status201Created).Produces<ApiError>(400);
        viewer.MapPost("/api/schedules/{name}/pause", (string name, ClaimsPrincipal user, IRequiredActor<ScheduleKeeper> keeper, CancellationToken ct) =>
            AskAsync(keeper, new PauseSchedule(name, user.Identity!.Name!), StatusCodes.Status200OK, ct)).RequireAuthorization(BearerTokenHandler.OperatorPolicy);
        viewer.MapPost("/api/schedules/{name}/resume", (string name, ClaimsPrincipal user, IRequiredActor<ScheduleKeeper> keeper, CancellationToken ct) =>
            AskAsync(keeper, new ResumeSchedule(name, user.Identity!.Name!), StatusCodes.Status200OK, ct)).RequireAuthorization(BearerTokenHandler.OperatorPolicy);
        viewer.MapDelete("/api/schedules/{name}", (string name, ClaimsPrincipal user, IRequiredActor<ScheduleKeeper> keeper, CancellationToken ct) =>
            AskAsync(keeper, new RemoveSchedule(name, user.Identity!.Name!), StatusCodes.Status200OK, ct)).RequireAuthorization(BearerTokenHandler.OperatorPolicy);
    }

    private static async Task<IResult> AddAsync(HttpContext context, ClaimsPrincipal user, IRequiredActor<ScheduleKeeper> keeper, CancellationToken ct)
    {
        ScheduleRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<ScheduleRequest>(NetFleetApi.Json, ct);
        }
        catch (JsonException e)
        {
            return Results.BadRequest(new ApiError("bad schedule request: " + e.Message));
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Name) || string.IsNullOrWhiteSpace(request.Cron))
        {
            return Results.BadRequest(new ApiError("a schedule needs a name and a cron expression"));
        }

        var settings = context.RequestServices.GetRequiredService<NodeSettings>();
        var inventory = Path.GetFullPath(Blank(request.Inventory) ?? settings.Inventory);
        if (!Directory.Exists(inventory)) return Results.BadRequest(new ApiError($"{inventory}: no such inventory folder"));
        var (label, text, error) = await PlaybookAsync(request, settings, ct);
        if (error is not null) return Results.BadRequest(new ApiError(error));

        // Checked now, so a schedule never fires a playbook that cannot run; the slot's job is checked again when it fires.
        var check = PlaybookValidator.Check(label!, text, inventory);
        if (check.HasErrors) return Results.BadRequest(new ApiError(check.Report));

        var job = new ScheduleJournal.ScheduledJob(label!, text!, inventory, Blank(request.Limit),
            Blank(request.KnownHosts) ?? settings.KnownHosts);
        var add = new AddSchedule(request.Name.Trim(), user.Identity!.Name!, request.Cron, Blank(request.TimeZone) ?? "UTC", job,
            Blank(request.CatchUp) ?? CatchUpOnce, Blank(request.Overlap) ?? OverlapSkip);
        return await AskAsync(keeper, add, StatusCodes.Status201Created, ct);
    }

    /// <summary>The playbook's label and text: posted text as it is, else a file (a path, or a name in the playbooks folder).</summary>
    private static async Task<(string? Label, string? Text, string? Error)> PlaybookAsync(ScheduleRequest request, NodeSettings settings, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(request.PlaybookText)) return (Blank(request.Playbook) ?? $"schedules/{request.Name}.yaml", request.PlaybookText, null);
        if (Blank(request.Playbook) is not { } playbook) return (null, null, "a schedule needs a playbook (a path or a name in the playbooks folder) or playbookText");
        var folder = Path.GetFullPath(settings.Playbooks);
        var path = new[] { playbook, Path.Combine(folder, playbook), Path.Combine(folder, playbook + ".yaml"), Path.Combine(folder, playbook + ".yml") }
            .FirstOrDefault(File.Exists);
        return path is null
            ? (null, null, $"{playbook}: no such playbook (neither a file nor a playbook in {folder})")
            : (Path.GetFullPath(path), await File.ReadAllTextAsync(path, ct), null);
    }

    private static async Task<IResult> AskAsync(IRequiredActor<ScheduleKeeper> keeper, object command, int status, CancellationToken ct) =>
        await keeper.ActorRef.Ask<object>(command, AskTimeout, ct) switch
        {
            ScheduleDone done => Results.Json(done, NetFleetApi.Json, statusCode: status),
            ScheduleRefused { Unknown: true } unknown => Results.NotFound(new ApiError(unknown.Reason)),
            ScheduleRefused refused => Results.BadRequest(new ApiError(refused.Reason)),
            _ => Results.Problem("unexpected answer from the schedule keeper"),
        };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

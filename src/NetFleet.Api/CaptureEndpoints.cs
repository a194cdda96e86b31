using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetFleet.Actors.Capture;
using static NetFleet.Actors.Capture.CaptureProtocol;

namespace NetFleet.Api;

/// <summary>
/// Captures on sensor nodes: <c>POST /api/captures</c> (a <see cref="RequestCapture"/>: sensor or tags, interface,
/// filter, limits; 201 with the <see cref="CaptureView"/> once it runs, 400 with the reason when refused),
/// <c>GET /api/captures</c>, <c>GET /api/captures/{id}</c>, <c>POST /api/captures/{id}/stop</c>,
/// <c>GET /api/captures/{id}/files/{name}</c> (the pcap file, read from its sensor in chunks through the actor
/// system) and <c>GET /api/sensors</c>.
/// </summary>
public static class CaptureEndpoints
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(15);
    private const int ChunkBytes = 512 * 1024;

    /// <summary>Every handler asks the orchestrator's <see cref="CaptureManager"/>, injected from the actor registry.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sensors", async (IRequiredActor<CaptureManager> captures, CancellationToken ct) =>
            Results.Json(await captures.ActorRef.Ask<List<SensorView>>(ListSensors.Instance, AskTimeout, ct), Json));
        app.MapGet("/api/captures", async (IRequiredActor<CaptureManager> captures, CancellationToken ct) =>
            Results.Json(await captures.ActorRef.Ask<List<CaptureView>>(ListCaptures.Instance, AskTimeout, ct), Json));
        app.MapPost("/api/captures", async (HttpContext context, IRequiredActor<CaptureManager> captures, CancellationToken ct) =>
        {
            RequestCapture? request;
            try
            {
                request = await context.Request.ReadFromJsonAsync<RequestCapture>(Json, ct);
            }
            catch (JsonException e)
            {
                return Results.BadRequest(new ApiError("bad capture request: " + e.Message));
            }

            if (request is null || string.IsNullOrWhiteSpace(request.Interface)) return Results.BadRequest(new ApiError("a capture needs an interface"));
            return await captures.ActorRef.Ask<object>(request with { Tags = request.Tags ?? [] }, AskTimeout, ct) switch
            {
                CaptureAccepted accepted => Results.Json(accepted.Capture, Json, statusCode: StatusCodes.Status201Created),
                CaptureRefused refused => Results.BadRequest(new ApiError(refused.Reason)),
                _ => Results.Problem("unexpected answer from the capture manager"),
            };
        }).RequireAuthorization(BearerTokenHandler.OperatorPolicy);
        app.MapGet("/api/captures/{id}", async (string id, IRequiredActor<CaptureManager> captures, CancellationToken ct) =>
            Answer(await captures.ActorRef.Ask<object>(new GetCapture(id), AskTimeout, ct)));
        app.MapPost("/api/captures/{id}/stop", async (string id, IRequiredActor<CaptureManager> captures, CancellationToken ct) =>
                Answer(await captures.ActorRef.Ask<object>(new StopCapture(id), AskTimeout, ct)))
            .RequireAuthorization(BearerTokenHandler.OperatorPolicy);
        app.MapGet("/api/captures/{id}/files/{name}", async (string id, string name, HttpContext context, IRequiredActor<CaptureManager> captures,
            CancellationToken ct) =>
        {
            if (await captures.ActorRef.Ask<object>(new LocateCapture(id), AskTimeout, ct) is not CaptureLocated located)
            {
                return Results.NotFound(new ApiError($"no capture {id}, or its sensor is gone"));
            }

            var first = await located.Sensor.Ask<object>(new ReadFileChunk(id, name, 0, ChunkBytes), AskTimeout, ct);
            if (first is not FileChunk chunk) return Results.NotFound(new ApiError(first is CaptureRefused r ? r.Reason : "no such file"));
            context.Response.ContentType = "application/vnd.tcpdump.pcap";
            long offset = 0;
            while (true)
            {
                await context.Response.Body.WriteAsync(chunk.Data, ct);
                offset += chunk.Data.Length;
                if (chunk.End || chunk.Data.Length == 0) break;
                var next = await located.Sensor.Ask<object>(new ReadFileChunk(id, name, offset, ChunkBytes), AskTimeout, ct);
                // Headers are sent: a failure now can only cut the body short, which the client sees as a short read.
                if (next is not FileChunk more) throw new InvalidOperationException($"{name}: {(next as CaptureRefused)?.Reason}");
                chunk = more;
            }

            return Results.Empty;
        });
    }

    private static IResult Answer(object answer) => answer switch
    {
        CaptureView view => Results.Json(view, Json),
        CaptureRefused refused => Results.NotFound(new ApiError(refused.Reason)),
        _ => Results.Problem("unexpected answer from the capture manager"),
    };
}

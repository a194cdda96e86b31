using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetFleet.Configs;
using NetFleet.Node.History;

namespace NetFleet.Api;

/// <summary>One version of a device's configuration in the archive: the commit, the job and user that made it, whether that
/// job found the device drifted, and the unified diff from the version before (the whole file for the first).</summary>
public sealed record ConfigVersionView(string Commit, string? JobId, string User, DateTimeOffset At, string Message, bool Drift,
    string? ChangedBy, string Diff);

public sealed record DriftView(string JobId, string Device, DateTimeOffset At, string Source, string? ChangedBy, DateTimeOffset? ChangedAt,
    string Expected, string Diff);

/// <summary><c>GET /api/devices/{device}/configs</c> (the configuration timeline, newest first) and <c>GET /api/drift</c>
/// (optionally <c>?device=</c>), read from the node's configuration archive and the history.</summary>
internal static class ConfigEndpoints
{
    public static void Map(RouteGroupBuilder viewer)
    {
        viewer.MapGet("/api/devices/{device}/configs", TimelineAsync).Produces<List<ConfigVersionView>>().Produces<ApiError>(404);
        viewer.MapGet("/api/drift", DriftAsync).Produces<List<DriftView>>();
    }

    private static async Task<IResult> TimelineAsync(string device, ConfigArchive archive, HistoryStore history, HistoryProjector projector,
        CancellationToken ct)
    {
        var log = archive.Log(device);
        if (log.Count == 0) return Results.NotFound(new ApiError($"{device}: no configuration in the archive {archive.Path}; back it up first (netfleet backup)"));
        await projector.CatchUpAsync(ct);
        var drift = (await history.DriftAsync(device, 1000, ct)).GroupBy(d => d.JobId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var versions = new List<ConfigVersionView>();
        for (var i = 0; i < log.Count; i++)
        {
            var c = log[i];
            var diff = i + 1 < log.Count
                ? archive.Diff(device, log[i + 1].Id, c.Id)
                : UnifiedDiff.Create("", archive.Show(device, c.Id).Text, "/dev/null", device + ".cfg");
            var found = c.JobId is { } job ? drift.GetValueOrDefault(job) : null;
            versions.Add(new ConfigVersionView(c.Id, c.JobId, c.User, c.At, c.Message, found is not null, found?.ChangedBy, diff));
        }

        return Results.Json(versions, NetFleetApi.Json);
    }

    private static async Task<IResult> DriftAsync(string? device, HistoryStore history, HistoryProjector projector, CancellationToken ct)
    {
        await projector.CatchUpAsync(ct);
        var rows = await history.DriftAsync(string.IsNullOrWhiteSpace(device) ? null : device, 500, ct);
        return Results.Json(rows.Select(d => new DriftView(d.JobId, d.Device, d.At, d.Source, d.ChangedBy, d.ChangedAt, d.Expected, d.Diff)).ToList(),
            NetFleetApi.Json);
    }
}

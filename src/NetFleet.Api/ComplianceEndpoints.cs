using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetFleet.Node.History;

namespace NetFleet.Api;

/// <summary>One rule's latest verdict on one device.</summary>
public sealed record ComplianceVerdictView(string JobId, string Device, string Rule, string Severity, bool Passed, string Message,
    IReadOnlyList<string> Remediation, DateTimeOffset At);

/// <summary>One compliance run of a rule: devices passing out of devices checked.</summary>
public sealed record ComplianceRunView(string JobId, DateTimeOffset At, int Passed, int Checked);

public sealed record ComplianceTrendView(string Rule, IReadOnlyList<ComplianceRunView> Runs);

/// <summary>The compliance grid (each device's latest verdict per rule) and every rule's trend over runs, oldest first.</summary>
public sealed record ComplianceView(IReadOnlyList<ComplianceVerdictView> Latest, IReadOnlyList<ComplianceTrendView> Trend);

/// <summary><c>GET /api/compliance[?since=ISO-8601]</c>: from the job history, caught up with the journal first.</summary>
public static class ComplianceEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/compliance", async (DateTimeOffset? since, HistoryStore history, HistoryProjector projector, CancellationToken ct) =>
        {
            await projector.CatchUpAsync(ct);
            var latest = await history.LatestComplianceAsync(since, ct);
            var trend = await history.ComplianceTrendAsync(since, ct);
            return Results.Json(new ComplianceView(
                latest.Select(r => new ComplianceVerdictView(r.JobId, r.Device, r.Rule, r.Severity, r.Passed, r.Message, r.Remediation, r.At)).ToList(),
                trend.GroupBy(t => t.Rule).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new ComplianceTrendView(g.Key, g.Select(t => new ComplianceRunView(t.JobId, t.At, t.Passed, t.Checked)).ToList())).ToList()),
                NetFleetApi.Json);
        }).Produces<ComplianceView>();
}

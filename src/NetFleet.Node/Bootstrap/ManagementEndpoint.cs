using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Akka.Management.Dsl;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;

namespace NetFleet.Node.Bootstrap;

/// <summary>
/// A node's management endpoint for Akka.Management's Cluster Bootstrap: <c>GET /bootstrap/seed-nodes</c>, which other
/// nodes' bootstrap probes, plus <c>/health/alive</c> and <c>/health/ready</c> (Up in the cluster) for orchestrators
/// such as Kubernetes.
/// </summary>
/// <remarks>
/// Akka.Management's own HTTP server cannot start here: it is built on Ceen.Httpd 0.9.9, the registry serves only
/// 0.9.10, and that throws MissingMethodException on bind. So the bootstrap logic (discovery, probing, the join decision)
/// is Akka.Management's, and only the one route it probes is served by Kestrel: the answer is the library's own
/// <see cref="HttpBootstrapJsonProtocol.SeedNodes"/> serialised the way its prober reads it (Newtonsoft.Json).
/// </remarks>
public sealed class ManagementEndpoint : IAsyncDisposable
{
    private const int MaxSeedNodesToExpose = 5;
    private readonly WebApplication app;

    private ManagementEndpoint(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Serves the routes on the node's host and management port, then starts Cluster Bootstrap.</summary>
    public static async Task<ManagementEndpoint> StartAsync(ActorSystem system, string hostname, DiscoverySettings settings,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // A name (a container's or pod's host name) binds every interface; an address binds just that one.
            if (IPAddress.TryParse(hostname, out var address)) kestrel.Listen(address, settings.ManagementPort);
            else kestrel.ListenAnyIP(settings.ManagementPort);
        });
        var app = builder.Build();
        var cluster = Cluster.Get(system);
        app.MapGet("/bootstrap/seed-nodes", () => SeedNodes(cluster));
        app.MapGet("/health/alive", () => Results.Text("alive"));
        app.MapGet("/health/ready", () => cluster.SelfMember.Status == MemberStatus.Up
            ? Results.Text("ready")
            : Results.Text($"not ready: {cluster.SelfMember.Status}", statusCode: StatusCodes.Status503ServiceUnavailable));
        await app.StartAsync(cancellationToken);

        var url = new Uri($"http://{hostname}:{settings.ManagementPort}/");
        var bootstrap = ClusterBootstrap.Get(system);
        // Route registration is how the library learns its own contact point (it compares it with the discovered ones
        // to decide who forms a new cluster); the routes it returns need Ceen, so they are not served.
        _ = bootstrap.Routes(ManagementRouteProviderSettings.Create(url, readOnly: true));
        await bootstrap.Start();
        return new ManagementEndpoint(app, url);
    }

    private static IResult SeedNodes(Cluster cluster)
    {
        // A node that has not joined yet reports itself Removed; it answers with no members, which is what lets the
        // lowest contact point form the cluster. One that is going away answers 503.
        var self = cluster.SelfMember;
        if (self.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var state = cluster.State;
        var members = state.Members
            .Where(m => !state.Unreachable.Contains(m) && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Take(MaxSeedNodesToExpose)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.UniqueAddress.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();
        var answer = new HttpBootstrapJsonProtocol.SeedNodes(self.UniqueAddress.Address, members);
        return Results.Text(JsonConvert.SerializeObject(answer), "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetFleet.Actors.Devices;
using NetFleet.Node.Bootstrap;
using NetFleet.Node.History;

namespace NetFleet.Node.Hosting;

/// <summary>What an orchestrator serves over HTTP beside its actors (the API project supplies it, so that hosting knows
/// no endpoints): it configures the web host and maps its routes; its handlers take their actors from the registry.</summary>
public interface INodeApi
{
    void Configure(WebApplicationBuilder builder, NodeSettings settings);

    void Map(WebApplication app);
}

/// <summary>
/// One running NetFleet process: a host over <see cref="NetFleetHosting"/>'s actor system. An orchestrator given an
/// <see cref="INodeApi"/> is a web host (Kestrel, the API); every other node, and the single-process run, is an empty
/// generic host: no configuration files, no logging providers, nothing listening but Akka (and Cluster Bootstrap's
/// endpoint when discovery asks for it).
/// </summary>
public sealed class NetFleetHost : IAsyncDisposable
{
    private readonly IHost host;
    private ManagementEndpoint? management;

    private NetFleetHost(IHost host, NodeSettings settings, JobStore store, Uri? apiUrl)
    {
        this.host = host;
        Settings = settings;
        Store = store;
        ApiUrl = apiUrl;
    }

    public NodeSettings Settings { get; }
    public JobStore Store { get; }
    public IServiceProvider Services => host.Services;
    public ActorSystem System => host.Services.GetRequiredService<ActorSystem>();
    public ActorRegistry Registry => host.Services.GetRequiredService<ActorRegistry>();

    /// <summary>Where the API listens (the real port when the settings asked for port 0); null without one.</summary>
    public Uri? ApiUrl { get; }

    /// <param name="config">HOCON over everything the composition sets (tests: stricter serializer bindings, a cluster key).</param>
    public static async Task<NetFleetHost> StartAsync(NodeSettings settings, Serilog.ILogger log, DeviceActorSettings? devices = null,
        INodeApi? api = null, CancellationToken cancellationToken = default, Akka.Configuration.Config? config = null)
    {
        var store = JobStore.Resolve(settings.Store);
        if (!settings.IsClusterMember || settings.Has(NodeSettings.Orchestrator))
        {
            store.EnsureLocation();
            await new HistoryStore(store).EnsureSchemaAsync(cancellationToken);
        }

        IHost host;
        if (api is not null && settings.Has(NodeSettings.Orchestrator))
        {
            var web = WebApplication.CreateSlimBuilder();
            web.Logging.ClearProviders();
            web.Services.AddNetFleet(settings, store, log, devices ?? DeviceActorSettings.Default, config);
            api.Configure(web, settings);
            var app = web.Build();
            api.Map(app);
            host = app;
        }
        else
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddNetFleet(settings, store, log, devices ?? DeviceActorSettings.Default, config);
            host = builder.Build();
        }

        await host.StartAsync(cancellationToken);
        var node = new NetFleetHost(host, settings, store, (host as WebApplication)?.Urls.Select(u => new Uri(u)).First());
        if (settings.Discovery.UsesBootstrap)
        {
            node.management = await ManagementEndpoint.StartAsync(node.System, settings.Hostname, settings.Discovery, cancellationToken);
        }

        return node;
    }

    /// <summary>Stops the host: coordinated shutdown, so a cluster member leaves first (its shards and, if here, the
    /// singleton move), then the actor system stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        if (management is not null) await management.DisposeAsync();
        if (host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else host.Dispose();
    }
}

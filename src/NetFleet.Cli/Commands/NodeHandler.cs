using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Cluster;
using NetFleet.Api;
using NetFleet.Node;
using NetFleet.Node.Bootstrap;
using Serilog.Events;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet node</c>: one member of a NetFleet cluster, until it is stopped (Ctrl-C, SIGTERM). Its options
/// are bound to <see cref="NodeOptions"/>; <see cref="NodeSettings.Resolve"/> adds the environment and the defaults.</summary>
internal sealed class NodeHandler
{
    public static Command Command()
    {
        var roles = new Option<string?>("--roles")
        {
            Description = $"Comma-separated roles: {string.Join(", ", NodeSettings.KnownRoles)} (default ${NodeSettings.RolesVariable}, else all)",
        };
        var seedNodes = new Option<string?>("--seed-nodes")
        {
            Description = $"Comma-separated seed node addresses, e.g. akka.tcp://netfleet@127.0.0.1:{NodeSettings.DefaultPort} " +
                $"(default ${NodeSettings.SeedNodesVariable}, else this node alone)",
        };
        var hostname = new Option<string?>("--hostname")
        {
            Description = $"Address other nodes reach this one at (default ${NodeSettings.HostnameVariable}, else {NodeSettings.DefaultHostname})",
        };
        var port = new Option<int?>("--port") { Description = $"Cluster port (default ${NodeSettings.PortVariable}, else {NodeSettings.DefaultPort})" };
        var apiHost = new Option<string?>("--api-host")
        {
            Description = $"Address the HTTP API listens on (default ${NodeSettings.ApiHostVariable}, else {NodeSettings.DefaultApiHost})",
        };
        var apiPort = new Option<int?>("--api-port")
        {
            Description = $"HTTP API port on orchestrator nodes (default ${NodeSettings.ApiPortVariable}, else {NodeSettings.DefaultApiPort})",
        };
        var affinity = new Option<string[]>("--affinity")
        {
            Description = $"Workers: host only devices whose inventory data matches KEY=VALUE, e.g. site=lon (default ${NodeSettings.AffinityVariable})",
            AllowMultipleArgumentsPerToken = false,
        };
        var sensorName = new Option<string?>("--sensor-name")
        {
            Description = $"Sensors: the name captures are placed by (default ${NodeSettings.SensorNameVariable}, else the host name)",
        };
        var sensorTags = new Option<string?>("--sensor-tags")
        {
            Description = $"Sensors: comma-separated KEY=VALUE tags that select sensors, e.g. site=lon (default ${NodeSettings.SensorTagsVariable}, else none)",
        };
        var sensorInterfaces = new Option<string?>("--sensor-interfaces")
        {
            Description = $"Sensors: comma-separated interfaces captures may use, NETNS/INTERFACE for one inside a network namespace (default ${NodeSettings.SensorInterfacesVariable}, else {NodeSettings.DefaultSensorInterface})",
        };
        var discovery = new Option<string?>("--discovery")
        {
            Description = $"How to find the cluster: seed-nodes, config (Cluster Bootstrap over --contact-points) or dns (Cluster Bootstrap " +
                $"over the addresses --discovery-service resolves to, e.g. a Kubernetes headless service) (default ${DiscoverySettings.MethodVariable}, else seed-nodes)",
        };
        var contactPoints = new Option<string?>("--contact-points")
        {
            Description = $"Discovery config: comma-separated HOST:PORT management endpoints of the nodes that form the cluster (default ${DiscoverySettings.ContactPointsVariable})",
        };
        var discoveryService = new Option<string?>("--discovery-service")
        {
            Description = $"Discovery dns: the DNS name listing the nodes (default ${DiscoverySettings.ServiceVariable}, else {DiscoverySettings.DefaultServiceName})",
        };
        var managementPort = new Option<int?>("--management-port")
        {
            Description = $"Port of this node's bootstrap and health endpoint (default ${DiscoverySettings.ManagementPortVariable}, else {DiscoverySettings.DefaultManagementPort})",
        };
        var requiredContactPoints = new Option<int?>("--required-contact-points")
        {
            Description = $"Nodes that must be discovered before a new cluster forms (default ${DiscoverySettings.RequiredContactPointsVariable}, else the number of contact points)",
        };
        var remoteTlsCert = new Option<string?>("--remote-tls-cert")
        {
            Description = $"Cluster traffic over TLS with this certificate (.pfx/.p12 with its key; password in ${RemoteTls.PasswordVariable}); " +
                $"every node of the cluster needs one (default ${RemoteTls.CertVariable}, else plain TCP)",
        };
        var playbooks = new Option<string?>("--playbooks")
        {
            Description = $"Orchestrators: the playbooks the API lists and runs by name (default ${NodeSettings.PlaybooksVariable}, else {NodeSettings.DefaultPlaybooks})",
        };
        var inventory = new Option<string?>("--inventory")
        {
            Description = $"Orchestrators: the inventory of API jobs that name none (default ${NodeSettings.InventoryVariable}, else {NodeSettings.DefaultInventory})",
        };
        var knownHosts = new Option<string?>("--known-hosts")
        {
            Description = $"Orchestrators: known_hosts for API jobs that name none (default ${NodeSettings.KnownHostsVariable}, else ~/.ssh/known_hosts)",
        };
        var apiCert = new Option<string?>("--api-cert")
        {
            Description = $"Serve the API over HTTPS with this certificate: .pfx/.p12, or PEM (default ${NodeSettings.ApiCertVariable}; " +
                $"password in ${NodeSettings.ApiCertPasswordVariable})",
        };
        var apiCertKey = new Option<string?>("--api-cert-key")
        {
            Description = $"The PEM private key of --api-cert when it is in a file of its own (default ${NodeSettings.ApiCertKeyVariable})",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log details to the console too" };
        var store = StoreOption.Create();
        var command = new Command("node", """
            Run one member of a NetFleet cluster: orchestrator nodes hold the job manager (a cluster
            singleton) and serve the HTTP API, workers host the device actors (sharded by device name),
            sensors run packet captures (on the interfaces they allow). Runs until stopped; leaves the cluster on Ctrl-C or SIGTERM.
            """)
        {
            roles, seedNodes, hostname, port, apiHost, apiPort, affinity, sensorName, sensorTags, sensorInterfaces, verbose, store,
            discovery, contactPoints, discoveryService, managementPort, requiredContactPoints, remoteTlsCert, playbooks, inventory, knownHosts, apiCert,
            apiCertKey,
        };
        command.SetAction((parse, cancellationToken) => new NodeHandler().RunAsync(new NodeOptions
        {
            Roles = parse.GetValue(roles),
            Hostname = parse.GetValue(hostname),
            Port = parse.GetValue(port),
            SeedNodes = parse.GetValue(seedNodes),
            ApiHost = parse.GetValue(apiHost),
            ApiPort = parse.GetValue(apiPort),
            Store = parse.GetValue(store),
            Affinity = parse.GetValue(affinity),
            SensorName = parse.GetValue(sensorName),
            SensorTags = parse.GetValue(sensorTags),
            SensorInterfaces = parse.GetValue(sensorInterfaces),
            Discovery = parse.GetValue(discovery),
            ContactPoints = parse.GetValue(contactPoints),
            DiscoveryService = parse.GetValue(discoveryService),
            ManagementPort = parse.GetValue(managementPort),
            RequiredContactPoints = parse.GetValue(requiredContactPoints),
            RemoteTlsCert = parse.GetValue(remoteTlsCert),
            Playbooks = parse.GetValue(playbooks),
            Inventory = parse.GetValue(inventory),
            KnownHosts = parse.GetValue(knownHosts),
            ApiCert = parse.GetValue(apiCert),
            ApiCertKey = parse.GetValue(apiCertKey),
        }, parse.GetValue(verbose), cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(NodeOptions options, bool verbose, CancellationToken cancellationToken)
    {
        NodeSettings settings;
        try
        {
            settings = NodeSettings.Resolve(options, Environment.GetEnvironmentVariable);
            // A certificate that does not load is a setting error, said before anything starts.
            if (settings.Has(NodeSettings.Orchestrator)) NetFleetApi.LoadCertificate(settings)?.Dispose();
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync("netfleet node: " + e.Message);
            return 2;
        }

        var logPath = Path.Combine(".netfleet", "logs", $"node-{settings.Port}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        await using var log = (Serilog.Core.Logger)Logging.Create(verbose ? LogEventLevel.Information : LogEventLevel.Warning, logPath);
        await using var node = await ClusterNode.StartAsync(settings, log, api: new NetFleetApi(log), cancellationToken: cancellationToken);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(node.System).RegisterOnMemberUp(() => up.TrySetResult());
        if (node.ApiUrl is { } url) await Console.Error.WriteLineAsync($"api: {url}");
        // SIGTERM (docker stop, Kubernetes) leaves the cluster like Ctrl-C does. Without this handler the runtime's
        // ProcessExit path runs Akka's own shutdown hook and the command never sees the stop, so the process hung.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stopping.Cancel();
        });
        try
        {
            await up.Task.WaitAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("stopped before joining a cluster");
            return 0;
        }

        await Console.Error.WriteLineAsync($"node {settings.SelfAddress} up: roles {string.Join(',', settings.Roles)}" +
            (settings.Affinities.Count > 0 ? $", affinity {string.Join(',', settings.Affinities)}" : "") +
            (settings.Has(NodeSettings.Sensor) ? $", sensor {settings.SensorName} [{string.Join(',', settings.SensorTags)}] on {string.Join(',', settings.SensorInterfaces)}" : ""));
        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("leaving the cluster");
        }

        return 0;
    }
}

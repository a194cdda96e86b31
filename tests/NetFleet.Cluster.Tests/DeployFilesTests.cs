using System.Diagnostics;
using NetFleet.Node;
using NetFleet.Node.Bootstrap;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using NetFleet.Testing;

namespace NetFleet.Cluster.Tests;

/// <summary>
/// No Docker engine runs here, so the deploy files are checked against the node's own settings: the variables it
/// reads (<see cref="NodeSettings"/>), their defaults, the ports it listens on and the roles it knows.
/// </summary>
public sealed class DeployFilesTests
{
    private static readonly string Root = RepositoryPaths.Root();
    private static readonly string ComposeFile = Path.Combine(Root, "docker-compose.yml");

    [Fact]
    public void Compose_file_has_postgres_one_orchestrator_two_workers_one_sensor_and_the_lab()
    {
        var services = Services();
        Assert.Contains("postgres", services.Keys);
        Assert.Contains("lab", services.Keys);
        var roles = Nodes(services).Select(n => Settings(n.Value)).SelectMany(s => s.Roles).ToList();
        Assert.Equal(1, roles.Count(r => r == NodeSettings.Orchestrator));
        Assert.Equal(2, roles.Count(r => r == NodeSettings.Worker));
        Assert.Equal(1, roles.Count(r => r == NodeSettings.Sensor));
    }

    [Fact]
    public void Compose_nodes_use_only_variables_the_node_reads_and_agree_on_hosts_ports_contact_points_and_store()
    {
        var services = Services();
        var nodes = Nodes(services).ToList();
        Assert.NotEmpty(nodes);
        var endpoints = new List<string>();
        foreach (var (name, service) in nodes)
        {
            Assert.Equal("netfleet:latest", service["image"]);
            var environment = Environment(service);
            Assert.All(environment.Keys, key => Assert.Contains(key, NodeSettings.AllVariables));
            var settings = Settings(service);

            // Other nodes reach this one by the hostname of the container whose network it is in, on the ports it binds.
            var host = NetworkHost(name, service);
            Assert.Equal(host, settings.Hostname);
            Assert.True(services.ContainsKey(host), $"{name}: {host} is not a service");
            endpoints.Add($"{host}:{settings.Port}");
            endpoints.Add($"{host}:{settings.Discovery.ManagementPort}");

            Assert.Equal(DiscoveryMethod.Config, settings.Discovery.Method);
            Assert.Empty(settings.SeedNodes);
            Assert.Equal(nodes.Count, settings.Discovery.RequiredContactPoints);
            // Every node's management endpoint is a contact point, and every contact point is a node's.
            Assert.Equal(nodes.Select(n => $"{NetworkHost(n.Key, n.Value)}:{Settings(n.Value).Discovery.ManagementPort}").Order(),
                settings.Discovery.ContactPoints.Order());

            var store = JobStore.Parse(settings.Store!);
            Assert.Equal(StoreKind.Postgres, store.Kind);
            Assert.Contains("Host=postgres;", store.ConnectionString, StringComparison.Ordinal);
            if (settings.Has(NodeSettings.Orchestrator))
            {
                // The API must listen beyond the container's loopback, on the port that is published.
                Assert.Equal("0.0.0.0", settings.ApiHost);
                var ports = ((List<object>)service["ports"]).Cast<string>().ToList();
                Assert.Contains(ports, p => p.EndsWith($":{settings.ApiPort}", StringComparison.Ordinal));
            }
        }

        // Nodes sharing a network namespace must not share a port.
        Assert.Equal(endpoints.Count, endpoints.Distinct().Count());
    }

    [Fact]
    public void Compose_workers_and_sensor_share_the_lab_network_so_they_reach_its_loopback_devices()
    {
        var services = Services();
        foreach (var (name, service) in Nodes(services).Where(n => !Settings(n.Value).Has(NodeSettings.Orchestrator)))
        {
            Assert.Equal("service:lab", service.GetValueOrDefault("network_mode"));
            Assert.Contains("lab", ((List<object>)service["depends_on"]).Cast<string>());
        }
    }

    [Fact]
    public void Dockerfile_exposes_the_node_default_ports_and_runs_the_netfleet_command()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "deploy", "Dockerfile"));
        Assert.Contains($"EXPOSE {NodeSettings.DefaultPort} {NodeSettings.DefaultApiPort} {DiscoverySettings.DefaultManagementPort}", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/opt/netfleet/netfleet.dll\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM runtime AS lab", dockerfile, StringComparison.Ordinal);
        Assert.Contains("openssh-server", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_manifests_set_only_variables_the_node_reads_and_known_roles()
    {
        var deserializer = new DeserializerBuilder().Build();
        var names = new List<string>();
        var roles = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "deploy", "k8s"), "*.yaml"))
        {
            using var reader = new StringReader(File.ReadAllText(file));
            var parser = new Parser(reader);
            parser.Consume<YamlDotNet.Core.Events.StreamStart>();
            while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
            {
                var document = deserializer.Deserialize<Dictionary<object, object>>(parser);
                Walk(document, names, roles);
            }
        }

        Assert.NotEmpty(names);
        Assert.All(names.Where(n => n.StartsWith("NETFLEET_", StringComparison.Ordinal)), n => Assert.Contains(n, NodeSettings.AllVariables));
        Assert.Equal(NodeSettings.KnownRoles.Order(), roles.Distinct().Order());
    }

    [Fact]
    public async Task Docker_compose_v1_accepts_the_file_when_installed()
    {
        if (!File.Exists("/usr/bin/docker-compose")) return;
        var start = new ProcessStartInfo("/usr/bin/docker-compose") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Root };
        // The file refuses to start without the cluster key, as an operator must give one.
        start.Environment[NetFleet.Actors.Wire.WireFormat.ClusterKeyVariable] = NetFleet.Actors.Wire.SecretSeal.NewKey();
        foreach (var arg in new[] { "-f", ComposeFile, "config", "--quiet" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stderr);
    }

    /// <summary>Collects env var names (from <c>env</c> entries and ConfigMap/Secret data) and NETFLEET_ROLES values.</summary>
    private static void Walk(object? node, List<string> names, List<string> roles)
    {
        switch (node)
        {
            case Dictionary<object, object> map:
                if (map.TryGetValue("name", out var n) && n is string name && map.ContainsKey("value"))
                {
                    names.Add(name);
                    if (name == NodeSettings.RolesVariable) roles.AddRange(((string)map["value"]).Split(','));
                }

                foreach (var key in new[] { "data", "stringData" })
                {
                    if (map.TryGetValue(key, out var data) && data is Dictionary<object, object> entries) names.AddRange(entries.Keys.Cast<string>());
                }

                foreach (var value in map.Values) Walk(value, names, roles);
                break;
            case List<object> list:
                foreach (var item in list) Walk(item, names, roles);
                break;
        }
    }

    private static Dictionary<string, Dictionary<object, object>> Services()
    {
        using var reader = new StringReader(File.ReadAllText(ComposeFile));
        var compose = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
        return ((Dictionary<object, object>)compose["services"]).ToDictionary(s => (string)s.Key, s => (Dictionary<object, object>)s.Value);
    }

    private static IEnumerable<KeyValuePair<string, Dictionary<object, object>>> Nodes(Dictionary<string, Dictionary<object, object>> services) =>
        services.Where(s => s.Value.GetValueOrDefault("command") is List<object> command && command.FirstOrDefault() as string == "node");

    private static Dictionary<string, string> Environment(Dictionary<object, object> service) =>
        ((Dictionary<object, object>)service["environment"]).ToDictionary(e => (string)e.Key, e => (string)e.Value);

    private static NodeSettings Settings(Dictionary<object, object> service)
    {
        var environment = Environment(service);
        return NodeSettings.Resolve(new NodeOptions(), name => environment.GetValueOrDefault(name));
    }

    /// <summary>The service whose network a node is in: its own, or the one named by <c>network_mode: service:X</c>.</summary>
    private static string NetworkHost(string name, Dictionary<object, object> service) =>
        service.GetValueOrDefault("network_mode") is string mode && mode.StartsWith("service:", StringComparison.Ordinal)
            ? mode["service:".Length..]
            : (string)service["hostname"];
}

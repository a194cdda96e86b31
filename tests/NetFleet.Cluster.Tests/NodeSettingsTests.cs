using NetFleet.Actors.Devices;
using NetFleet.Node;
using NetFleet.Node.Bootstrap;

namespace NetFleet.Cluster.Tests;

public sealed class NodeSettingsTests
{
    private static NodeSettings Resolve(Dictionary<string, string> environment, string? roles = null, int? port = null,
        IReadOnlyList<string>? affinity = null) =>
        NodeSettings.Resolve(new NodeOptions { Roles = roles, Port = port, Affinity = affinity }, name => environment.GetValueOrDefault(name));

    [Fact]
    public void Defaults_make_one_node_with_every_role_on_loopback()
    {
        var settings = Resolve([]);
        Assert.Equal(NodeSettings.KnownRoles, settings.Roles);
        Assert.Equal("127.0.0.1", settings.Hostname);
        Assert.Equal("127.0.0.1", settings.ApiHost);
        Assert.Equal(NodeSettings.DefaultPort, settings.Port);
        Assert.Empty(settings.SeedNodes);
        Assert.Contains(DeviceSharding.GeneralType, settings.ClusterRoles);
    }

    [Fact]
    public void Command_line_wins_over_environment_which_wins_over_defaults()
    {
        var environment = new Dictionary<string, string> { [NodeSettings.RolesVariable] = "worker", [NodeSettings.PortVariable] = "4060" };
        Assert.Equal(["worker"], Resolve(environment).Roles);
        Assert.Equal(4060, Resolve(environment).Port);
        Assert.Equal(["orchestrator"], Resolve(environment, roles: "orchestrator").Roles);
        Assert.Equal(4070, Resolve(environment, port: 4070).Port);
    }

    [Fact]
    public void Affinity_workers_host_only_their_affinity_region()
    {
        var settings = Resolve([], roles: "worker,sensor", affinity: ["site=lon"]);
        Assert.Contains("devices@site=lon", settings.ClusterRoles);
        Assert.DoesNotContain(DeviceSharding.GeneralType, settings.ClusterRoles);
        Assert.Equal(new Affinity("site", "lon"), DeviceSharding.AffinityOfRole("devices@site=lon"));
    }

    [Fact]
    public void Unknown_roles_and_malformed_values_are_refused_by_name()
    {
        Assert.Contains("unknown role 'wroker'", Assert.Throws<ArgumentException>(() => Resolve([], roles: "wroker")).Message);
        Assert.Contains(NodeSettings.PortVariable, Assert.Throws<ArgumentException>(() => Resolve(new() { [NodeSettings.PortVariable] = "x" })).Message);
        Assert.Contains("KEY=VALUE", Assert.Throws<ArgumentException>(() => Resolve([], affinity: ["lon"])).Message);
    }

    [Fact]
    public void Sensor_name_tags_and_interfaces_come_from_option_then_environment_then_defaults()
    {
        var defaults = Resolve([]);
        Assert.Equal((Environment.MachineName, 0, "lo"), (defaults.SensorName, defaults.SensorTags.Count, string.Join(",", defaults.SensorInterfaces)));

        var environment = new Dictionary<string, string>
        {
            [NodeSettings.SensorNameVariable] = "env-sensor",
            [NodeSettings.SensorTagsVariable] = "site=par",
            [NodeSettings.SensorInterfacesVariable] = "eth0, eth1",
        };
        var fromEnvironment = NodeSettings.Resolve(new NodeOptions(), n => environment.GetValueOrDefault(n));
        Assert.Equal(("env-sensor", "site=par"), (fromEnvironment.SensorName, string.Join(",", fromEnvironment.SensorTags)));
        Assert.Equal(["eth0", "eth1"], fromEnvironment.SensorInterfaces);

        var fromOptions = NodeSettings.Resolve(new NodeOptions { SensorName = "lon-1", SensorTags = "site=lon,rack=a", SensorInterfaces = "lo" },
            n => environment.GetValueOrDefault(n));
        Assert.Equal(("lon-1", "site=lon,rack=a", "lo"), (fromOptions.SensorName, string.Join(",", fromOptions.SensorTags), string.Join(",", fromOptions.SensorInterfaces)));
        Assert.Contains("sensor tag 'lon'", Assert.Throws<ArgumentException>(() =>
            NodeSettings.Resolve(new NodeOptions { SensorTags = "lon" }, _ => null)).Message);
    }
}

public sealed class DiscoverySettingsTests
{
    private static DiscoverySettings Resolve(Dictionary<string, string> environment, string? method = null, string? contactPoints = null,
        bool hasSeedNodes = false) =>
        DiscoverySettings.Resolve(method, contactPoints, null, null, null, hasSeedNodes, name => environment.GetValueOrDefault(name));

    [Fact]
    public void Seed_nodes_are_the_default_and_add_no_bootstrap_config()
    {
        var settings = Resolve([]);
        Assert.False(settings.UsesBootstrap);
        Assert.True(settings.ToConfig().IsEmpty);
    }

    [Fact]
    public void Config_discovery_needs_every_node_by_default_and_lists_the_contact_points()
    {
        var settings = Resolve(new() { [DiscoverySettings.MethodVariable] = "config", [DiscoverySettings.ContactPointsVariable] = "a:8558, b:8559" });
        Assert.Equal(2, settings.RequiredContactPoints);
        var config = settings.ToConfig();
        Assert.Equal(["a:8558", "b:8559"], config.GetStringList("akka.discovery.config.services.netfleet.endpoints"));
        Assert.Equal(2, config.GetInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
        Assert.False(config.GetBoolean("akka.management.cluster.bootstrap.contact-point.filter-on-fallback-port"));
    }

    [Fact]
    public void Bad_discovery_input_is_refused_with_what_was_expected()
    {
        Assert.Contains("seed-nodes, config, dns", Assert.Throws<ArgumentException>(() => Resolve([], method: "consul")).Message);
        Assert.Contains("'a' is not HOST:PORT", Assert.Throws<ArgumentException>(() => Resolve([], "config", "a")).Message);
        Assert.Contains("needs contact points", Assert.Throws<ArgumentException>(() => Resolve([], "config")).Message);
        Assert.Contains("exclude each other", Assert.Throws<ArgumentException>(() => Resolve([], "dns", hasSeedNodes: true)).Message);
    }
}

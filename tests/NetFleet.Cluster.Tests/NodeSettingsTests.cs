using NetFleet.Actors.Devices;
using NetFleet.Node;

namespace NetFleet.Cluster.Tests;

public sealed class NodeSettingsTests
{
    private static NodeSettings Resolve(Dictionary<string, string> environment, string? roles = null, int? port = null,
        IReadOnlyList<string>? affinity = null) =>
        NodeSettings.Resolve(roles, null, port, null, null, null, null, affinity, name => environment.GetValueOrDefault(name));

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
        var fromEnvironment = NodeSettings.Resolve(null, null, null, null, null, null, null, null, n => environment.GetValueOrDefault(n));
        Assert.Equal(("env-sensor", "site=par"), (fromEnvironment.SensorName, string.Join(",", fromEnvironment.SensorTags)));
        Assert.Equal(["eth0", "eth1"], fromEnvironment.SensorInterfaces);

        var fromOptions = NodeSettings.Resolve(null, null, null, null, null, null, null, null, n => environment.GetValueOrDefault(n),
            sensorName: "lon-1", sensorTags: "site=lon,rack=a", sensorInterfaces: "lo");
        Assert.Equal(("lon-1", "site=lon,rack=a", "lo"), (fromOptions.SensorName, string.Join(",", fromOptions.SensorTags), string.Join(",", fromOptions.SensorInterfaces)));
        Assert.Contains("sensor tag 'lon'", Assert.Throws<ArgumentException>(() =>
            NodeSettings.Resolve(null, null, null, null, null, null, null, null, _ => null, sensorTags: "lon")).Message);
    }
}

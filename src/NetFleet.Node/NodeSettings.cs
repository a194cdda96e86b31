using System.Globalization;
using NetFleet.Actors.Devices;

namespace NetFleet.Node;

/// <summary>
/// How a cluster node is set up. Each setting has one source of truth: the command-line option, else its environment
/// variable (the names below, which deploy/ and docker-compose.yml use), else the default, which suits one laptop.
/// </summary>
public sealed record NodeSettings(
    IReadOnlyList<string> Roles,
    string Hostname,
    int Port,
    IReadOnlyList<string> SeedNodes,
    string ApiHost,
    int ApiPort,
    string? Store,
    IReadOnlyList<Affinity> Affinities)
{
    /// <summary>Sensors: the name captures are placed by (default the machine's host name).</summary>
    public string SensorName { get; init; } = Environment.MachineName;

    /// <summary>Sensors: KEY=VALUE tags that select sensors for a capture (e.g. site=lon); none by default.</summary>
    public IReadOnlyList<Affinity> SensorTags { get; init; } = [];

    /// <summary>Sensors: the interfaces captures may use (default lo).</summary>
    public IReadOnlyList<string> SensorInterfaces { get; init; } = [DefaultSensorInterface];

    /// <summary>Cluster remoting over TLS with this certificate (<see cref="Node.RemoteTls"/>); plain TCP when null (the default).</summary>
    public RemoteTls? RemoteTls { get; init; }

    /// <summary>How the node finds its cluster: seed nodes (the default), or Cluster Bootstrap over discovery.</summary>
    public Bootstrap.DiscoverySettings Discovery { get; init; } = Bootstrap.DiscoverySettings.SeedNodesOnly;

    /// <summary>Orchestrators: the folder of playbooks the API lists and submits by name (default playbooks).</summary>
    public string Playbooks { get; init; } = DefaultPlaybooks;

    /// <summary>Orchestrators: the inventory the API shows and runs jobs against when a submission names none (default inventory).</summary>
    public string Inventory { get; init; } = DefaultInventory;

    /// <summary>Orchestrators: the known_hosts file for API submissions that name none (default: the user's ~/.ssh/known_hosts).</summary>
    public string? KnownHosts { get; init; }

    /// <summary>Orchestrators: the configuration archive jobs commit to and the API reads (<c>NETFLEET_CONFIGS</c>,
    /// <c>NETFLEET_CONFIGS_REMOTE</c>; default <c>.netfleet/configs</c>, no remote).</summary>
    public Configs.ConfigArchiveSettings Configs { get; init; } = new(Path.GetFullPath(NetFleet.Configs.ConfigArchiveSettings.DefaultPath), null);

    /// <summary>Orchestrators: the API's certificate (.pfx/.p12, or PEM); the API serves HTTPS when set, HTTP otherwise.</summary>
    public string? ApiCert { get; init; }

    /// <summary>The PEM private key of <see cref="ApiCert"/> when it is not in the certificate's file.</summary>
    public string? ApiCertKey { get; init; }

    /// <summary>The password of a .pfx <see cref="ApiCert"/> (or an encrypted PEM key); only from the environment.</summary>
    public string? ApiCertPassword { get; init; }

    public const string SystemName = "netfleet";
    public const string Orchestrator = "orchestrator";
    public const string Worker = "worker";
    public const string Sensor = "sensor";
    public static readonly IReadOnlyList<string> KnownRoles = [Orchestrator, Worker, Sensor];

    public const string RolesVariable = "NETFLEET_ROLES";
    public const string HostnameVariable = "NETFLEET_HOSTNAME";
    public const string PortVariable = "NETFLEET_PORT";
    public const string SeedNodesVariable = "NETFLEET_SEED_NODES";
    public const string ApiHostVariable = "NETFLEET_API_HOST";
    public const string ApiPortVariable = "NETFLEET_API_PORT";
    public const string AffinityVariable = "NETFLEET_AFFINITY";
    public const string StoreVariable = NetFleet.Node.JobStore.EnvironmentVariable;
    public const string SensorNameVariable = "NETFLEET_SENSOR_NAME";
    public const string SensorTagsVariable = "NETFLEET_SENSOR_TAGS";
    public const string SensorInterfacesVariable = "NETFLEET_SENSOR_INTERFACES";
    public const string PlaybooksVariable = "NETFLEET_PLAYBOOKS";
    public const string InventoryVariable = "NETFLEET_INVENTORY";
    public const string KnownHostsVariable = "NETFLEET_KNOWN_HOSTS";
    public const string ApiCertVariable = "NETFLEET_API_CERT";
    public const string ApiCertKeyVariable = "NETFLEET_API_CERT_KEY";
    public const string ApiCertPasswordVariable = "NETFLEET_API_CERT_PASSWORD";
    public const string DefaultPlaybooks = "playbooks";
    public const string DefaultInventory = "inventory";

    public const string DefaultHostname = "127.0.0.1";
    public const int DefaultPort = 4053;
    public const string DefaultApiHost = "127.0.0.1";
    public const int DefaultApiPort = 5080;
    public const string DefaultSensorInterface = "lo";

    public static IReadOnlyList<string> AllVariables =>
        [RolesVariable, HostnameVariable, PortVariable, SeedNodesVariable, ApiHostVariable, ApiPortVariable, AffinityVariable, StoreVariable,
         SensorNameVariable, SensorTagsVariable, SensorInterfacesVariable, PlaybooksVariable, InventoryVariable, KnownHostsVariable,
         ApiCertVariable, ApiCertKeyVariable, ApiCertPasswordVariable, .. Bootstrap.DiscoverySettings.AllVariables, .. Node.RemoteTls.AllVariables,
         Actors.Wire.WireFormat.ClusterKeyVariable];

    public bool Has(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>This node's own address; a node without seed nodes joins itself (a cluster of one).</summary>
    public string SelfAddress => $"{(RemoteTls is null ? "akka.tcp" : Node.RemoteTls.Protocol)}://{SystemName}@{Hostname}:{Port}";

    /// <summary>The cluster roles: the user's roles plus the device shard region each worker hosts (the general one,
    /// or one per affinity).</summary>
    public IReadOnlyList<string> ClusterRoles =>
        [.. Roles, .. Has(Worker) ? Affinities.Count == 0 ? [DeviceSharding.GeneralType] : Affinities.Select(DeviceSharding.TypeFor) : []];

    /// <summary>The single-process <c>netfleet run</c>: no roles, so no remoting and no cluster; the device actors live
    /// in this process (<c>/user/devices</c>) and the job journal in <paramref name="store"/>.</summary>
    public static NodeSettings SingleProcess(JobStore store) => new([], DefaultHostname, 0, [], DefaultApiHost, DefaultApiPort, store.Display, []);

    /// <summary>A member of a cluster (any role); the single-process run has none.</summary>
    public bool IsClusterMember => Roles.Count > 0;

    /// <summary>Every setting from its option (<paramref name="options"/>, null when absent), else its environment
    /// variable, else its default, discovery and remote TLS included. Errors name the option and the variable.</summary>
    public static NodeSettings Resolve(NodeOptions options, Func<string, string?> environment)
    {
        var source = new Source(environment);
        var roles = Split(source.Text(options.Roles, RolesVariable) ?? string.Join(',', KnownRoles));
        foreach (var role in roles.Where(r => !KnownRoles.Contains(r, StringComparer.Ordinal)))
        {
            throw new ArgumentException($"--roles / {RolesVariable}: unknown role '{role}' (roles: {string.Join(", ", KnownRoles)})");
        }

        var affinityTexts = options.Affinity is { Count: > 0 } given ? given : Split(source.Text(null, AffinityVariable) ?? "");
        var seedNodes = Split(source.Text(options.SeedNodes, SeedNodesVariable) ?? "");
        var settings = new NodeSettings(roles, source.Text(options.Hostname, HostnameVariable) ?? DefaultHostname,
            source.Port(options.Port, "--port", PortVariable) ?? DefaultPort, seedNodes,
            source.Text(options.ApiHost, ApiHostVariable) ?? DefaultApiHost, source.Port(options.ApiPort, "--api-port", ApiPortVariable) ?? DefaultApiPort,
            source.Text(options.Store, StoreVariable), affinityTexts.Select(a => KeyValue(a, "--affinity", AffinityVariable, "affinity")).ToList())
        {
            SensorName = source.Text(options.SensorName, SensorNameVariable) ?? Environment.MachineName,
            SensorTags = Split(source.Text(options.SensorTags, SensorTagsVariable) ?? "")
                .Select(t => KeyValue(t, "--sensor-tags", SensorTagsVariable, "sensor tag")).ToList(),
            SensorInterfaces = Split(source.Text(options.SensorInterfaces, SensorInterfacesVariable) ?? DefaultSensorInterface),
            Playbooks = source.Text(options.Playbooks, PlaybooksVariable) ?? DefaultPlaybooks,
            Inventory = source.Text(options.Inventory, InventoryVariable) ?? DefaultInventory,
            KnownHosts = source.Text(options.KnownHosts, KnownHostsVariable),
            Configs = new(Path.GetFullPath(source.Text(null, NetFleet.Configs.ConfigArchiveSettings.PathVariable) ?? NetFleet.Configs.ConfigArchiveSettings.DefaultPath),
                source.Text(null, NetFleet.Configs.ConfigArchiveSettings.RemoteVariable)),
            ApiCert = source.Text(options.ApiCert, ApiCertVariable),
            ApiCertKey = source.Text(options.ApiCertKey, ApiCertKeyVariable),
            ApiCertPassword = source.Text(null, ApiCertPasswordVariable),
            Discovery = Bootstrap.DiscoverySettings.Resolve(options.Discovery, options.ContactPoints, options.DiscoveryService, options.ManagementPort,
                options.RequiredContactPoints, seedNodes.Count > 0, environment),
        };
        return Node.RemoteTls.Apply(settings, Node.RemoteTls.Resolve(options.RemoteTlsCert, null, environment));
    }

    private static Affinity KeyValue(string text, string option, string variable, string what) =>
        Affinity.Parse(text) ?? throw new ArgumentException($"{option} / {variable}: {what} '{text}' is not KEY=VALUE (e.g. site=lon)");

    /// <summary>An option's value, else its variable's; blank counts as absent.</summary>
    private sealed class Source(Func<string, string?> environment)
    {
        public string? Text(string? option, string variable) =>
            !string.IsNullOrEmpty(option) ? option : environment(variable) is { Length: > 0 } value ? value : null;

        public int? Port(int? option, string name, string variable) =>
            option ?? (Text(null, variable) is not { } text ? null
                : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
                : throw new ArgumentException($"{name} / {variable}: '{text}' is not a port number"));
    }

    private static List<string> Split(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

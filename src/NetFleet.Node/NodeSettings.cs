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

    /// <summary>Options given on the command line (null when absent) over the environment over the defaults. Errors
    /// name the option or variable.</summary>
    public static NodeSettings Resolve(string? roles, string? hostname, int? port, string? seedNodes, string? apiHost, int? apiPort,
        string? store, IReadOnlyList<string>? affinity, Func<string, string?> environment,
        string? sensorName = null, string? sensorTags = null, string? sensorInterfaces = null, string? playbooks = null, string? inventory = null,
        string? knownHosts = null, string? apiCert = null, string? apiCertKey = null)
    {
        string? Env(string name) => environment(name) is { Length: > 0 } v ? v : null;
        var roleList = Split(roles ?? Env(RolesVariable) ?? string.Join(',', KnownRoles));
        foreach (var role in roleList.Where(r => !KnownRoles.Contains(r, StringComparer.Ordinal)))
        {
            throw new ArgumentException($"unknown role '{role}' (roles: {string.Join(", ", KnownRoles)})");
        }

        var affinityTexts = affinity is { Count: > 0 } ? affinity : Split(Env(AffinityVariable) ?? "");
        var affinities = affinityTexts.Select(a => Affinity.Parse(a) ?? throw new ArgumentException($"affinity '{a}' is not KEY=VALUE (e.g. site=lon)")).ToList();
        return new NodeSettings(roleList, hostname ?? Env(HostnameVariable) ?? DefaultHostname,
            port ?? Int(PortVariable, Env(PortVariable)) ?? DefaultPort, Split(seedNodes ?? Env(SeedNodesVariable) ?? ""),
            apiHost ?? Env(ApiHostVariable) ?? DefaultApiHost, apiPort ?? Int(ApiPortVariable, Env(ApiPortVariable)) ?? DefaultApiPort,
            store ?? Env(StoreVariable), affinities)
        {
            SensorName = sensorName ?? Env(SensorNameVariable) ?? Environment.MachineName,
            SensorTags = Split(sensorTags ?? Env(SensorTagsVariable) ?? "")
                .Select(t => Affinity.Parse(t) ?? throw new ArgumentException($"sensor tag '{t}' is not KEY=VALUE (e.g. site=lon)")).ToList(),
            SensorInterfaces = Split(sensorInterfaces ?? Env(SensorInterfacesVariable) ?? DefaultSensorInterface),
            Playbooks = playbooks ?? Env(PlaybooksVariable) ?? DefaultPlaybooks,
            Inventory = inventory ?? Env(InventoryVariable) ?? DefaultInventory,
            KnownHosts = knownHosts ?? Env(KnownHostsVariable),
            ApiCert = apiCert ?? Env(ApiCertVariable),
            ApiCertKey = apiCertKey ?? Env(ApiCertKeyVariable),
            ApiCertPassword = Env(ApiCertPasswordVariable),
        };
    }

    private static int? Int(string name, string? text) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"{name}: '{text}' is not a port number");

    private static List<string> Split(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

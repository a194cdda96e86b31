namespace NetFleet.Node;

/// <summary>
/// A node's settings as given on the command line: null (or empty) where an option is absent, so that
/// <see cref="NodeSettings.Resolve"/> takes its environment variable, else its default. The CLI binds its options to
/// this record and nothing else; tests and tools build it by name.
/// </summary>
public sealed record NodeOptions
{
    public string? Roles { get; init; }
    public string? Hostname { get; init; }
    public int? Port { get; init; }
    public string? SeedNodes { get; init; }
    public string? ApiHost { get; init; }
    public int? ApiPort { get; init; }
    public string? Store { get; init; }
    public IReadOnlyList<string>? Affinity { get; init; }
    public string? SensorName { get; init; }
    public string? SensorTags { get; init; }
    public string? SensorInterfaces { get; init; }
    public string? Discovery { get; init; }
    public string? ContactPoints { get; init; }
    public string? DiscoveryService { get; init; }
    public int? ManagementPort { get; init; }
    public int? RequiredContactPoints { get; init; }
    public string? RemoteTlsCert { get; init; }
    public string? Playbooks { get; init; }
    public string? Inventory { get; init; }
    public string? KnownHosts { get; init; }
    public string? ApiCert { get; init; }
    public string? ApiCertKey { get; init; }
}

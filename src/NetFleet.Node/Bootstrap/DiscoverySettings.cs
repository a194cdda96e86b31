using System.Globalization;
using Akka.Configuration;

namespace NetFleet.Node.Bootstrap;

/// <summary>How a node finds its cluster.</summary>
public enum DiscoveryMethod
{
    /// <summary>Join the listed seed nodes (or form a cluster of one without any).</summary>
    SeedNodes,

    /// <summary>Akka.Management Cluster Bootstrap over a fixed list of contact points (management endpoints).</summary>
    Config,

    /// <summary>Akka.Management Cluster Bootstrap over the addresses a DNS name resolves to: a Kubernetes headless
    /// service lists its ready pods that way.</summary>
    Dns,
}

/// <summary>
/// Cluster formation settings. With <see cref="DiscoveryMethod.Config"/> or <see cref="DiscoveryMethod.Dns"/> no node
/// is special: every node serves <c>/bootstrap/seed-nodes</c> on its management port, probes the discovered contact
/// points, joins a cluster one of them is already in, or, when none is and all <see cref="RequiredContactPoints"/>
/// answer, the node with the lowest contact point forms a new one and the others join it.
/// </summary>
public sealed record DiscoverySettings(DiscoveryMethod Method, IReadOnlyList<string> ContactPoints, string ServiceName, int ManagementPort,
    int RequiredContactPoints)
{
    public const string MethodVariable = "NETFLEET_DISCOVERY";
    public const string ContactPointsVariable = "NETFLEET_CONTACT_POINTS";
    public const string ServiceVariable = "NETFLEET_DISCOVERY_SERVICE";
    public const string ManagementPortVariable = "NETFLEET_MANAGEMENT_PORT";
    public const string RequiredContactPointsVariable = "NETFLEET_REQUIRED_CONTACT_POINTS";
    public const int DefaultManagementPort = 8558;
    public const string DefaultServiceName = "netfleet";

    public static IReadOnlyList<string> AllVariables =>
        [MethodVariable, ContactPointsVariable, ServiceVariable, ManagementPortVariable, RequiredContactPointsVariable];

    public static readonly DiscoverySettings SeedNodesOnly = new(DiscoveryMethod.SeedNodes, [], DefaultServiceName, DefaultManagementPort, 1);

    public bool UsesBootstrap => Method != DiscoveryMethod.SeedNodes;

    public static string MethodName(DiscoveryMethod method) => method switch
    {
        DiscoveryMethod.Config => "config",
        DiscoveryMethod.Dns => "dns",
        _ => "seed-nodes",
    };

    /// <summary>Options given on the command line (null when absent) over the environment over the defaults. Errors name
    /// the option or variable and what was expected.</summary>
    public static DiscoverySettings Resolve(string? method, string? contactPoints, string? service, int? managementPort, int? required,
        bool hasSeedNodes, Func<string, string?> environment)
    {
        string? Env(string name) => environment(name) is { Length: > 0 } v ? v : null;
        var methodText = method ?? Env(MethodVariable) ?? "seed-nodes";
        var parsed = methodText switch
        {
            "seed-nodes" => DiscoveryMethod.SeedNodes,
            "config" => DiscoveryMethod.Config,
            "dns" => DiscoveryMethod.Dns,
            _ => throw new ArgumentException($"{MethodVariable}/--discovery: '{methodText}' is not a discovery method (seed-nodes, config, dns)"),
        };
        var points = (contactPoints ?? Env(ContactPointsVariable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var point in points.Where(p => !IsHostAndPort(p)))
        {
            throw new ArgumentException($"{ContactPointsVariable}/--contact-points: '{point}' is not HOST:PORT (a node's management endpoint, e.g. 127.0.0.1:{DefaultManagementPort})");
        }

        var port = managementPort ?? Int(ManagementPortVariable, Env(ManagementPortVariable)) ?? DefaultManagementPort;
        var settings = new DiscoverySettings(parsed, points, service ?? Env(ServiceVariable) ?? DefaultServiceName, port,
            required ?? Int(RequiredContactPointsVariable, Env(RequiredContactPointsVariable)) ?? Math.Max(points.Count, 1));
        if (settings.UsesBootstrap && hasSeedNodes)
        {
            throw new ArgumentException($"seed nodes and --discovery {methodText} exclude each other: bootstrap decides who seeds the cluster");
        }

        if (parsed == DiscoveryMethod.Config && points.Count == 0)
        {
            throw new ArgumentException($"--discovery config needs contact points ({ContactPointsVariable}/--contact-points HOST:PORT,...)");
        }

        if (settings.RequiredContactPoints < 1)
        {
            throw new ArgumentException($"{RequiredContactPointsVariable}/--required-contact-points must be at least 1");
        }

        return settings;
    }

    /// <summary>The Akka.Discovery and Cluster Bootstrap configuration, or nothing for seed nodes.</summary>
    public Config ToConfig()
    {
        if (!UsesBootstrap) return Config.Empty;
        var discovery = Method == DiscoveryMethod.Config
            ? $$"""
                method = config
                config.services.{{ServiceName}}.endpoints = [{{string.Join(", ", ContactPoints.Select(p => "\"" + p + "\""))}}]
                """
            : $$"""
                method = {{DnsServiceDiscovery.ConfigPath}}
                {{DnsServiceDiscovery.ConfigPath}}.class = "{{typeof(DnsServiceDiscovery).AssemblyQualifiedName}}"
                """;
        return ConfigurationFactory.ParseString($$"""
            akka.discovery {
              {{discovery}}
            }
            akka.management.cluster.bootstrap {
              contact-point-discovery {
                service-name = "{{ServiceName}}"
                # Exactly the name given: a DNS name is looked up as it is written.
                effective-name = "{{ServiceName}}"
                discovery-method = akka.discovery
                required-contact-point-nr = {{RequiredContactPoints}}
                stable-margin = 3s
                interval = 1s
              }
              contact-point {
                fallback-port = {{ManagementPort}}
                # Several nodes on one machine have one host and different management ports.
                filter-on-fallback-port = false
                probe-interval = 1s
              }
            }
            """);
    }

    private static bool IsHostAndPort(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536;
    }

    private static int? Int(string name, string? text) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"{name}: '{text}' is not a number");
}

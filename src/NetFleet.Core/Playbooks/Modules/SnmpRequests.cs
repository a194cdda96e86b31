using System.Globalization;
using System.Text;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;
using NetFleet.Core.Yaml;
using NetFleet.Snmp;

namespace NetFleet.Core.Playbooks.Modules;

/// <summary>
/// What an SNMP module asks the device's SNMP session to do. OIDs are numeric (names were resolved when the
/// playbook loaded). The runner fills <see cref="Endpoint"/> from the host's inventory <c>data.snmp</c>.
/// </summary>
public abstract record SnmpRequest : DeviceRequest
{
    /// <summary>"v2c" or "v3" as the task asked; null picks v3 when the inventory has a v3 user, else v2c.</summary>
    public string? Version { get; init; }

    public SnmpEndpoint? Endpoint { get; init; }
}

public sealed record SnmpGet(IReadOnlyList<string> Oids) : SnmpRequest;

public sealed record SnmpWalk(string Oid, bool Bulk) : SnmpRequest;

/// <param name="Type">string, integer, ipaddress or oid.</param>
public sealed record SnmpSetValue(string Oid, string Type, string Value);

public sealed record SnmpSet(IReadOnlyList<SnmpSetValue> Values) : SnmpRequest;

/// <summary>Sample <paramref name="Oids"/> every <paramref name="Every"/> for <paramref name="For"/>.</summary>
public sealed record SnmpPoll(IReadOnlyList<string> Oids, TimeSpan Every, TimeSpan For) : SnmpRequest;

/// <summary>A v3 user as the inventory gives it; protocols are <c>none</c>, <c>sha</c>, <c>sha256</c> and <c>none</c>, <c>aes128</c>.</summary>
public sealed record SnmpV3Credentials(string User, string AuthProtocol, string? AuthPassword, string PrivProtocol, string? PrivPassword)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"User = {User}, AuthProtocol = {AuthProtocol}, PrivProtocol = {PrivProtocol}");
        return true;
    }
}

/// <summary>
/// How to reach one host's agent, read from inventory <c>data.snmp</c> with its secrets resolved (they are
/// never printed). <see cref="Problem"/> says why the settings are unusable; the request then fails with it.
/// </summary>
public sealed record SnmpEndpoint(string Address, int Port, string? Community, SnmpV3Credentials? V3)
{
    public const int DefaultPort = 161;

    public string? Problem { get; init; }

    /// <summary>Seconds per attempt.</summary>
    public double Timeout { get; init; } = 1;

    public int Retries { get; init; } = 2;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Address = {Address}, Port = {Port}, V3 = {V3}, Problem = {Problem}");
        return true;
    }

    public static SnmpEndpoint For(Host host)
    {
        var settings = host.Data.TryGetValue("snmp", out var raw) ? raw as IReadOnlyDictionary<string, object?> : null;
        var endpoint = new SnmpEndpoint(host.Hostname, DefaultPort, null, null);
        if (settings is null) return endpoint with { Community = "public" };
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(host.Location.File)) ?? ".";
        try
        {
            endpoint = endpoint with
            {
                Port = Int(settings, "port") ?? DefaultPort,
                Community = Text(settings, "community", baseDirectory, host),
                Timeout = settings.TryGetValue("timeout", out var t) && t is not null ? Convert.ToDouble(t, CultureInfo.InvariantCulture) : 1,
                Retries = Int(settings, "retries") ?? 2,
            };
            if (settings.TryGetValue("v3", out var v3Raw) && v3Raw is IReadOnlyDictionary<string, object?> v3)
            {
                var user = Text(v3, "user", baseDirectory, host) ?? throw new FormatException("data.snmp.v3 needs 'user'");
                var auth = (Text(v3, "auth_protocol", baseDirectory, host) ?? "none").ToLowerInvariant();
                var priv = (Text(v3, "priv_protocol", baseDirectory, host) ?? "none").ToLowerInvariant();
                if (auth is not ("none" or "sha" or "sha1" or "sha256"))
                    throw new FormatException($"data.snmp.v3.auth_protocol '{auth}': expected none, sha or sha256");
                if (priv is not ("none" or "aes" or "aes128"))
                    throw new FormatException($"data.snmp.v3.priv_protocol '{priv}': expected none or aes128");
                endpoint = endpoint with
                {
                    V3 = new SnmpV3Credentials(user, auth, Text(v3, "auth_password", baseDirectory, host), priv,
                        Text(v3, "priv_password", baseDirectory, host)),
                };
            }

            if (endpoint.Community is null && endpoint.V3 is null) endpoint = endpoint with { Community = "public" };
            return endpoint;
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or SecretUnavailableException)
        {
            return endpoint with { Problem = $"{host.Name}: inventory data.snmp: {e.Message}" };
        }
    }

    private static int? Int(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is not null ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;

    /// <summary>Passwords and communities may be <c>${env:NAME}</c> or <c>${file:path}</c> references, read here.</summary>
    private static string? Text(IReadOnlyDictionary<string, object?> map, string key, string baseDirectory, Host host)
    {
        if (!map.TryGetValue(key, out var value) || value is null) return null;
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        var secret = Secret.Parse(text, baseDirectory, host.Location, out var error)
            ?? throw new FormatException($"{key}: {error}");
        return secret.Reveal();
    }
}

/// <summary>Load-time checks shared by the SNMP modules: every OID a known name or numeric, reported at its place.</summary>
internal static class SnmpArguments
{
    public static readonly IReadOnlyList<string> Versions = ["v2c", "v3"];

    public static ModuleParameter VersionParameter { get; } =
        new("version", ParameterType.String, false, "v2c or v3; by default v3 when the inventory has a v3 user, else v2c.", Versions);

    public static string? Oid(YScalar node, BindContext context)
    {
        if (MibNames.TryParse(node.Value, out var oid)) return oid.ToString();
        context.Diagnostics.Error(node.Start, DiagnosticCodes.InvalidValue,
            $"'{node.Value}' is neither a numeric OID nor a known object name",
            DidYouMean.Hint(node.Value.Split('.')[0], KnownNames) ?? "use a numeric OID such as 1.3.6.1.2.1.1.5.0");
        return null;
    }

    /// <summary>The OIDs of a list argument, each checked at its own place; null when any is wrong.</summary>
    public static IReadOnlyList<string>? Oids(BoundArguments arguments, string name, BindContext context)
    {
        if (arguments.Node(name) is not { } node) return null;
        var items = node is YScalar { IsNull: false } single ? [single] : context.Reader.StringList(node, "a list of OIDs");
        if (items is null) return null;
        if (items.Count == 0)
        {
            context.Diagnostics.Error(node.Start, DiagnosticCodes.Empty, $"'{name}' needs at least one OID");
            return null;
        }

        var oids = items.Select(i => Oid(i, context)).ToList();
        return oids.Any(o => o is null) ? null : oids.Select(o => o!).ToList();
    }

    public static TimeSpan? Duration(BoundArguments arguments, string name, BindContext context)
    {
        if (arguments.Node(name) is not YScalar node) return null;
        if (Playbooks.Duration.TryParse(node.Value, out var duration)) return duration;
        context.Diagnostics.Error(node.Start, DiagnosticCodes.BadDuration, $"'{node.Value}' is not a duration",
            "for example 500ms, 30s, 10m or 1h");
        return null;
    }

    private static readonly string[] KnownNames =
    [
        "sysDescr", "sysObjectID", "sysUpTime", "sysContact", "sysName", "sysLocation", "sysServices", "ifNumber", "ifTable",
        "ifEntry", "ifIndex", "ifDescr", "ifType", "ifMtu", "ifSpeed", "ifPhysAddress", "ifAdminStatus", "ifOperStatus",
        "ifInOctets", "ifOutOctets", "ifInErrors", "ifOutErrors", "ifXTable", "ifName", "ifHCInOctets", "ifHCOutOctets",
        "ifHighSpeed", "ifAlias",
    ];
}

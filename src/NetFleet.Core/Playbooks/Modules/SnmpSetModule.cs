using System.Globalization;
using System.Net;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks.Modules;

public sealed record SnmpSetItem(string Oid, string Type, TemplateText Value);

public sealed record SnmpSetArgs(IReadOnlyList<SnmpSetItem> Values, string? Version) : ModuleArgs;

/// <summary>
/// Writes objects: <c>values: [{oid: sysContact.0, type: string, value: "noc@example.net"}]</c>. Objects already
/// holding the value are left alone, so a rerun reports ok; check mode reads and compares only.
/// Registered result: <c>variables</c> (name → value after the set) and <c>stdout</c> lines <c>name = value</c>.
/// </summary>
public sealed class SnmpSetModule : Module, IDeviceModule
{
    public static readonly IReadOnlyList<string> Types = ["string", "integer", "ipaddress", "oid"];
    private static readonly string[] ItemKeys = ["oid", "type", "value"];

    public override string Name => "snmp_set";
    public override string Description => "Write SNMP objects (e.g. sysContact.0) on the device's agent.";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("values", ParameterType.MappingList, true, "A list of {oid, type (string, integer, ipaddress, oid; default string), value}."),
        SnmpArguments.VersionParameter,
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        if (arguments.Node("values") is not YSequence sequence) return null;
        if (sequence.Items.Count == 0)
        {
            context.Diagnostics.Error(sequence.Start, DiagnosticCodes.Empty, "'values' needs at least one {oid, type, value}");
            return null;
        }

        var errors = context.Diagnostics.ErrorCount;
        var items = new List<SnmpSetItem>();
        foreach (var node in sequence.Items)
        {
            if (context.Reader.Mapping(node, "a mapping {oid, type, value}") is not { } map) continue;
            context.Reader.CheckKeys(map, ItemKeys, "an snmp_set value");
            var oidNode = map["oid"] is { } o ? context.Reader.String(o) : null;
            var valueNode = map["value"] is { } v ? context.Reader.String(v) : null;
            var typeNode = map["type"] is { } t ? context.Reader.String(t) : null;
            if (oidNode is null || valueNode is null)
            {
                context.Diagnostics.Error(map.Start, DiagnosticCodes.MissingKey, "an snmp_set value needs 'oid' and 'value'");
                continue;
            }

            var type = typeNode?.Value ?? "string";
            if (!Types.Contains(type))
            {
                context.Diagnostics.Error(typeNode!.Start, DiagnosticCodes.InvalidValue, $"'{type}' is not an SNMP value type",
                    DidYouMean.Hint(type, Types) ?? $"expected one of: {string.Join(", ", Types)}");
                continue;
            }

            var oid = SnmpArguments.Oid(oidNode, context);
            var value = TemplateText.Compile(valueNode.Value, TextOrigin.Of(valueNode), context.Diagnostics);
            if (value.IsLiteral && Invalid(type, value.Source) is { } problem)
            {
                context.Diagnostics.Error(valueNode.Start, DiagnosticCodes.InvalidValue, problem);
            }

            if (oid is not null) items.Add(new SnmpSetItem(oid, type, value));
        }

        return context.Diagnostics.ErrorCount > errors ? null : new SnmpSetArgs(items, arguments.Get<string>("version"));
    }

    /// <summary>Why <paramref name="text"/> cannot be a value of <paramref name="type"/>; null when it can.</summary>
    public static string? Invalid(string type, string text) => type switch
    {
        "integer" when !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) =>
            $"'{text}' is not a 32-bit integer",
        "ipaddress" when !IPAddress.TryParse(text, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork =>
            $"'{text}' is not an IPv4 address",
        "oid" when !Snmp.MibNames.TryParse(text, out _) => $"'{text}' is neither a numeric OID nor a known object name",
        _ => null,
    };

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var set = (SnmpSetArgs)args;
        return new SnmpSet(set.Values.Select(v => new SnmpSetValue(v.Oid, v.Type, v.Value.Render(scope))).ToList()) { Version = set.Version };
    }
}

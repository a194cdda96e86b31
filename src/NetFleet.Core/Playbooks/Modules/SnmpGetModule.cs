using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

public sealed record SnmpGetArgs(IReadOnlyList<string> Oids, string? Version) : ModuleArgs;

/// <summary>
/// Reads objects by name (<c>sysName.0</c>) or numeric OID over SNMP. Registered result: <c>variables</c>
/// (name → value) and <c>stdout</c>/<c>stdout_lines</c> as <c>name = value</c>.
/// </summary>
public sealed class SnmpGetModule : Module, IDeviceModule
{
    public override string Name => "snmp_get";
    public override string Description => "Read SNMP objects (e.g. sysDescr.0, or a numeric OID) from the device's agent.";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("oids", ParameterType.TemplateList, true, "Objects to read: names such as sysName.0 or ifHCInOctets.2, or numeric OIDs."),
        SnmpArguments.VersionParameter,
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context) =>
        SnmpArguments.Oids(arguments, "oids", context) is { } oids ? new SnmpGetArgs(oids, arguments.Get<string>("version")) : null;

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var get = (SnmpGetArgs)args;
        return new SnmpGet(get.Oids) { Version = get.Version };
    }
}

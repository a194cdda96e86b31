using NetFleet.Core.Templating;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks.Modules;

public sealed record SnmpWalkArgs(string Oid, bool Bulk, string? Version) : ModuleArgs;

/// <summary>
/// Reads a whole subtree (<c>ifTable</c>). Registered result: <c>variables</c> (name → value, in OID order)
/// and <c>stdout</c>/<c>stdout_lines</c> as <c>name = value</c>.
/// </summary>
public sealed class SnmpWalkModule : Module, IDeviceModule
{
    public override string Name => "snmp_walk";
    public override string Description => "Read an SNMP subtree (e.g. ifTable) from the device's agent.";
    public override string? FreeFormParameter => "oid";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("oid", ParameterType.String, true, "The subtree's root: a name such as ifTable or system, or a numeric OID."),
        new("bulk", ParameterType.Boolean, false, "Walk with get-bulk (default true; v1 agents are walked with get-next)."),
        SnmpArguments.VersionParameter,
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context) =>
        arguments.Node("oid") is YScalar node && SnmpArguments.Oid(node, context) is { } oid
            ? new SnmpWalkArgs(oid, arguments.GetValue<bool>("bulk") ?? true, arguments.Get<string>("version"))
            : null;

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var walk = (SnmpWalkArgs)args;
        return new SnmpWalk(walk.Oid, walk.Bulk) { Version = walk.Version };
    }
}

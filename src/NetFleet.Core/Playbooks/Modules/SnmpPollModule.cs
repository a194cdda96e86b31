using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

public sealed record SnmpPollArgs(IReadOnlyList<string> Oids, TimeSpan Every, TimeSpan For, string? Version) : ModuleArgs;

/// <summary>
/// Samples objects every <c>every</c> for <c>for</c>. Registered result: <c>samples</c> (time and values of each
/// sample), <c>rates</c> for counters (per second, and bits per second for octet counters, with 32- and 64-bit
/// wrap handled), and <c>stdout</c> lines <c>name = rate/s</c>.
/// </summary>
public sealed class SnmpPollModule : Module, IDeviceModule
{
    public override string Name => "snmp_poll";
    public override string Description => "Sample SNMP objects at an interval and report counter rates (e.g. interface bits per second).";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("oids", ParameterType.TemplateList, true, "Objects to sample, e.g. ifHCInOctets.2, ifInOctets.2, or numeric OIDs."),
        new("every", ParameterType.String, true, "Time between samples, e.g. 30s."),
        new("for", ParameterType.String, true, "How long to sample, e.g. 10m; the first sample is taken at once."),
        SnmpArguments.VersionParameter,
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        var oids = SnmpArguments.Oids(arguments, "oids", context);
        var every = SnmpArguments.Duration(arguments, "every", context);
        var span = SnmpArguments.Duration(arguments, "for", context);
        if (oids is null || every is null || span is null) return null;
        if (span < every)
        {
            context.Diagnostics.Error(arguments.Node("for")!.Start, DiagnosticCodes.InvalidValue,
                "'for' is shorter than 'every': a rate needs at least two samples");
            return null;
        }

        return new SnmpPollArgs(oids, every.Value, span.Value, arguments.Get<string>("version"));
    }

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var poll = (SnmpPollArgs)args;
        return new SnmpPoll(poll.Oids, poll.Every, poll.For) { Version = poll.Version };
    }
}

using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

public enum ParameterType
{
    /// <summary>Text used as written (a path, a parser name, a pattern).</summary>
    String,
    /// <summary>Text that may contain <c>{{ … }}</c>, rendered per host.</summary>
    Template,
    Boolean,
    Integer,
    Number,
    /// <summary>A list of template strings (e.g. config lines).</summary>
    TemplateList,
    /// <summary>One condition or a list of them (bare Scriban expressions).</summary>
    ExpressionList,
    /// <summary>A list of mappings whose keys the module checks itself (snmp_set's values).</summary>
    MappingList,
    /// <summary>A mapping of names to plain strings (netconf_get's XPath namespace prefixes).</summary>
    StringMap,
}

public sealed record ModuleParameter(
    string Name, ParameterType Type, bool Required, string Description, IReadOnlyList<string>? AllowedValues = null);

/// <summary>A module's arguments after binding and validation: one immutable record type per module.</summary>
public abstract record ModuleArgs;

/// <summary>
/// A module declares its parameters; binding, "did you mean" and the JSON schema all come from that declaration.
/// Modules that need no device implement <see cref="ILocalModule"/>; device modules implement
/// <see cref="IDeviceModule"/> and stop at a <see cref="DeviceRequest"/> that a driver carries out.
/// </summary>
public abstract class Module
{
    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract IReadOnlyList<ModuleParameter> Parameters { get; }

    /// <summary>The parameter a bare string binds to, so <c>command: show version</c> works.</summary>
    public virtual string? FreeFormParameter => null;

    /// <summary>True for modules whose arguments are any names the user picks (set_fact).</summary>
    public virtual bool AcceptsAnyKeys => false;

    /// <summary>Builds the typed args from bound values; reports cross-argument problems. Null when invalid.</summary>
    internal abstract ModuleArgs? Create(BoundArguments arguments, BindContext context);

    public override string ToString() => Name;
}

/// <summary>Runs without a device: assert, set_fact, pause.</summary>
public interface ILocalModule
{
    ValueTask<ModuleResult> ExecuteAsync(ModuleArgs args, TaskContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Needs a device. Core renders the request for one host; the actor layer carries it out through the one
/// registration of its <see cref="DeviceRequest"/> type (<c>NetFleet.Actors.Devices.DeviceOperations</c>), and hands the
/// answer back to <see cref="Interpret"/>. Adding a device module is this class plus that one registration.
/// </summary>
public interface IDeviceModule
{
    DeviceRequest Prepare(ModuleArgs args, VariableScope scope);

    /// <summary>What the task's result is, given the device's answer to <paramref name="sent"/> (its
    /// <paramref name="output"/>, if any, and the result made of it); by default that result unchanged.</summary>
    /// <param name="platform">The host's platform (e.g. for a parser's template index).</param>
    ModuleResult Interpret(ModuleArgs args, DeviceRequest sent, string platform, string? output, ModuleResult result) => result;

    /// <summary><see cref="Interpret(ModuleArgs, DeviceRequest, string, string?, ModuleResult)"/> for modules that render templates
    /// with the answer (compliance remediation): <paramref name="scope"/> is the host's variables for the task.</summary>
    ModuleResult Interpret(ModuleArgs args, DeviceRequest sent, string platform, string? output, ModuleResult result, VariableScope scope) =>
        Interpret(args, sent, platform, output, result);
}

/// <summary>What a device module asks a driver to do, with every template already rendered.</summary>
public abstract record DeviceRequest;

/// <summary>
/// Work for one host that is done from the node hosting the host's device actor rather than on the device (probes
/// sent from there): it goes to the device actor like any request, but never opens or waits for the device's session.
/// </summary>
public abstract record LocalRequest : DeviceRequest;

/// <param name="Parse">Name of the parser the runner applies to the output, if any.</param>
/// <param name="Expect">Regular expression the output must match, or the task fails.</param>
public sealed record SendCommand(string Command, string? Parse, string? Expect) : DeviceRequest;

/// <summary>A configuration change a job runs as a transaction (backup, apply, post-checks, confirm or restore): CLI lines
/// (<see cref="ApplyConfig"/>) or a NETCONF edit (<see cref="NetconfEditConfig"/>).</summary>
public abstract record ConfigChangeRequest : DeviceRequest
{
    /// <summary>When set, the change goes in under the device's own safety net and reverts by itself unless
    /// confirmed within this many device minutes.</summary>
    public int? ConfirmMinutes { get; init; }

    /// <summary>The change's stable name (config session, commit comment, persist token), for a later confirm or restore.</summary>
    public string? Transaction { get; init; }

    /// <summary>The strategy asked for (<c>replace</c>, <c>merge</c>, <c>none</c>); null picks the strongest the device has.</summary>
    public string? Strategy { get; init; }

    /// <summary>The running configuration read just before (the change's backup), so the device need not read it again.</summary>
    public string? Backup { get; init; }
}

public sealed record ApplyConfig(IReadOnlyList<string> Lines, bool Save) : ConfigChangeRequest;

/// <summary>Make a change applied with <see cref="ApplyConfig.ConfirmMinutes"/> permanent; <paramref name="Strategy"/> is
/// the one it was applied under (only <c>replace</c> leaves the device waiting for a confirmation).</summary>
public sealed record ConfirmConfig(string Transaction, bool Save, string? Strategy = null) : DeviceRequest;

/// <summary>Put the running configuration back to <paramref name="Backup"/> (as <see cref="ReadConfig"/> read it) and
/// read it again, so the caller can verify the restore took.</summary>
/// <param name="RestorePoint">Where the device kept the pre-change configuration, if it did (IOS archive file).</param>
public sealed record RestoreConfig(string Backup, string? RestorePoint, string Transaction) : DeviceRequest;

/// <summary>Read the running configuration in the line form config tasks are written in (the job history's
/// before and after of a change, and the check a resumed job makes before re-applying anything).</summary>
public sealed record ReadConfig : DeviceRequest;

/// <summary>What a local module needs: the variables, and a way to ask the operator (null when not interactive).</summary>
public sealed record TaskContext(
    VariableScope Variables, Func<string, CancellationToken, ValueTask<string>>? Prompt = null);

/// <summary>
/// A task's outcome on one host. <see cref="ToRegistered"/> is what <c>register</c> stores:
/// <c>changed</c>, <c>failed</c>, <c>msg</c> plus the module's own data (e.g. <c>stdout</c> for command).
/// </summary>
public sealed record ModuleResult(
    bool Failed,
    bool Changed,
    string? Message,
    IReadOnlyDictionary<string, object?> Data,
    IReadOnlyDictionary<string, object?> Facts)
{
    private static readonly IReadOnlyDictionary<string, object?> None = new Dictionary<string, object?>();

    public static ModuleResult Ok(string? message = null, IReadOnlyDictionary<string, object?>? data = null,
        IReadOnlyDictionary<string, object?>? facts = null, bool changed = false) =>
        new(false, changed, message, data ?? None, facts ?? None);

    public static ModuleResult Fail(string message, IReadOnlyDictionary<string, object?>? data = null) =>
        new(true, false, message, data ?? None, None);

    public IReadOnlyDictionary<string, object?> ToRegistered()
    {
        var result = new Dictionary<string, object?>(Data, StringComparer.Ordinal)
        {
            ["changed"] = Changed,
            ["failed"] = Failed,
            ["msg"] = Message,
        };
        return result;
    }
}

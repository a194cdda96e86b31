using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

public sealed record BackupArgs(bool Startup) : ModuleArgs;

/// <summary>
/// Reads the device's configuration for the archive: the running configuration (and the startup one where the platform
/// has it, unless <c>startup: false</c>) over the device's CLI session, normalised by the platform (volatile lines gone,
/// who/when read from them first); <c>get-config</c> of running on a NETCONF-only host. The job commits every backup it
/// took to the configuration archive as one commit at its end. Registered result: <c>running</c>, <c>startup</c> (null
/// where there is none), <c>changed_by</c> and <c>changed_at</c> (as far as the device tells), <c>changed</c> (false).
/// </summary>
public sealed class BackupModule : Module, IDeviceModule
{
    public const string ModuleName = "backup";

    public override string Name => ModuleName;
    public override string Description => "Back up the device's running (and startup) configuration to the configuration archive (git).";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("startup", ParameterType.Boolean, false, "Also read the startup configuration where the platform has one (IOS, EOS); default true."),
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context) =>
        new BackupArgs(arguments.GetValue<bool>("startup") ?? true);

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope) =>
        scope.TryGet("host", out var host) && host is IReadOnlyDictionary<string, object?> vars
            && vars.GetValueOrDefault("platform") as string == Inventory.NetconfSettings.Platform
            ? new NetconfReadConfig()
            : new BackupConfig(((BackupArgs)args).Startup);

    /// <summary>A NETCONF-only host answers with the running datastore as canonical text, which needs no normalising.</summary>
    public ModuleResult Interpret(ModuleArgs args, DeviceRequest sent, string platform, string? output, ModuleResult result) =>
        sent is NetconfReadConfig
            ? ModuleResult.Ok("backed up running (NETCONF get-config)", new Dictionary<string, object?>
            {
                [RunningKey] = output ?? "", [StartupKey] = null, [ChangedByKey] = null, [ChangedAtKey] = null,
            })
            : ModuleResult.Ok(result.Data.GetValueOrDefault(StartupKey) is string ? "backed up running and startup" : "backed up running",
                result.Data.Where(d => d.Key is RunningKey or StartupKey or ChangedByKey or ChangedAtKey).ToDictionary(d => d.Key, d => d.Value));

    /// <summary>The names of the result's data: what the job's commit and drift check read.</summary>
    public const string RunningKey = "running";
    public const string StartupKey = "startup";
    public const string ChangedByKey = "changed_by";
    public const string ChangedAtKey = "changed_at";
}

/// <summary>Read the running configuration (as <see cref="ReadConfig"/> does) and, when <paramref name="Startup"/> is set and
/// the platform has one, the startup configuration; both normalised by the platform.</summary>
public sealed record BackupConfig(bool Startup) : DeviceRequest;

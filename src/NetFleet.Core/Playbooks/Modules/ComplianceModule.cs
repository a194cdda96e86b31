using NetFleet.Core.Compliance;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

/// <param name="RulesPath">The rule file or folder, as a full path.</param>
public sealed record ComplianceArgs(string RulesPath, ComplianceRuleSet Rules) : ModuleArgs;

/// <summary>One rule's command, rendered for the host.</summary>
public sealed record ComplianceCommand(string Rule, string Command);

/// <summary>Read the running configuration (in line form) and run the rules' commands, through the device's session.</summary>
public sealed record CheckCompliance(IReadOnlyList<ComplianceCommand> Commands) : DeviceRequest
{
    /// <summary>The data keys the device's answer carries beside the configuration (its output).</summary>
    public const string OutputsKey = "command_outputs";
    public const string ErrorsKey = "command_errors";
}

/// <summary>
/// Checks the device against compliance rules (<c>compliance/*.yaml</c>). The rules are loaded when the playbook is
/// checked, so a bad rule stops the job before it starts. Broken rules are data, not a failed task: the task is ok and
/// unchanged, and registers <c>parsed</c> (per rule: rule, severity, passed, message, remediation), <c>failed_rules</c>,
/// <c>failed_errors</c> and <c>remediation</c> (every failed rule's lines, global ones first, for a <c>config</c> task).
/// </summary>
public sealed class ComplianceModule : Module, IDeviceModule
{
    public override string Name => "compliance";
    public override string Description => "Check the device against compliance rules (a YAML rule file or a folder of them).";
    public override string? FreeFormParameter => "rules";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("rules", ParameterType.String, true, "A rule file or a folder of *.yaml rule files, relative to the playbook, e.g. 'compliance/'."),
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        if (arguments.Get<string>("rules") is not { } rules) return null;
        var path = Path.GetFullPath(Path.Combine(context.PlaybookDirectory, rules));
        var errors = context.Diagnostics.ErrorCount;
        var loaded = ComplianceRuleLoader.Load(path, context.Diagnostics);
        return loaded is null || context.Diagnostics.ErrorCount > errors ? null : new ComplianceArgs(path, loaded);
    }

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var compliance = (ComplianceArgs)args;
        var platform = PlatformOf(scope);
        return new CheckCompliance(compliance.Rules.For(platform).Where(r => r.Command is not null)
            .Select(r => new ComplianceCommand(r.Name, r.Command!.Command.Render(scope.With("rule", r.Name)))).ToList());
    }

    public ModuleResult Interpret(ModuleArgs args, DeviceRequest sent, string platform, string? output, ModuleResult result, VariableScope scope)
    {
        var compliance = (ComplianceArgs)args;
        var check = (CheckCompliance)sent;
        var outputs = result.Data.GetValueOrDefault(CheckCompliance.OutputsKey) as IReadOnlyDictionary<string, object?>;
        var errors = result.Data.GetValueOrDefault(CheckCompliance.ErrorsKey) as IReadOnlyDictionary<string, object?>;
        var answers = check.Commands.ToDictionary(c => c.Rule,
            c => new CommandAnswer(outputs?.GetValueOrDefault(c.Rule) as string, errors?.GetValueOrDefault(c.Rule) as string), StringComparer.Ordinal);
        var results = ComplianceEvaluator.Evaluate(compliance.Rules.Rules, platform, output ?? "", answers, scope);
        var failed = results.Where(r => !r.Passed).ToList();
        var failedErrors = failed.Count(r => r.Severity == RuleSeverity.Error);
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["parsed"] = results.Select(r => (object?)r.ToData()).ToList(),
            ["failed_rules"] = (long)failed.Count,
            ["failed_errors"] = (long)failedErrors,
            ["remediation"] = compliance.Rules.Remediation(failed.Select(f => (f.Rule, f.Remediation))).Select(l => (object?)l).ToList(),
        };
        var message = failed.Count == 0
            ? $"{results.Count} rule(s) pass"
            : $"{failed.Count} of {results.Count} rule(s) fail ({failedErrors} error): {string.Join(", ", failed.Select(f => f.Rule))}";
        return ModuleResult.Ok(message, data);
    }

    private static string PlatformOf(VariableScope scope) =>
        scope.TryGet("host", out var host) && host is IReadOnlyDictionary<string, object?> h && h.GetValueOrDefault("platform") is string p ? p : "";
}

using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

/// <summary>Exactly one of <see cref="Content"/> and <see cref="Template"/> is set.</summary>
public sealed record NetconfConfigArgs(TemplateText? Content, ConfigTemplate? Template, string? Target, string? DefaultOperation, string? ErrorOption)
    : ModuleArgs;

/// <summary>
/// Changes configuration over NETCONF with edit-config, inline (<c>content</c>) or from a Scriban file (<c>template</c>).
/// Run as a transaction like <c>config</c>: the play's <c>transaction</c>, <c>confirm_minutes</c> and post-checks apply;
/// with <c>:candidate</c> the change is locked, validated, diffed and committed confirmed. Registered result:
/// <c>changed</c>, <c>diff</c> (running before vs after, canonical XML), <c>transaction</c> (the strategy used).
/// </summary>
public sealed class NetconfConfigModule : Module, IDeviceModule
{
    public static readonly IReadOnlyList<string> Targets = ["candidate", "running"];
    public static readonly IReadOnlyList<string> DefaultOperations = ["merge", "replace", "none"];
    public static readonly IReadOnlyList<string> ErrorOptions = ["stop-on-error", "continue-on-error", "rollback-on-error"];

    public const string ModuleName = "netconf_config";

    public override string Name => ModuleName;
    public override string Description => "Change configuration over NETCONF (edit-config), as a transaction with diff, confirmed commit and verified rollback.";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("content", ParameterType.Template, false, "The configuration XML (what goes inside <config>); may use {{ }} templates."),
        new("template", ParameterType.String, false, "Path of a Scriban template file (beside the playbook or in its templates/ folder) rendering the XML."),
        new("target", ParameterType.String, false, "Datastore to edit: candidate (default where the server has it) or running.", Targets),
        new("default_operation", ParameterType.String, false, "edit-config's default-operation: merge (the server's default), replace or none.",
            DefaultOperations),
        new("error_option", ParameterType.String, false, "edit-config's error-option: stop-on-error, continue-on-error or rollback-on-error.", ErrorOptions),
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        var content = arguments.Get<TemplateText>("content");
        var templateNode = arguments.Node("template");
        if (content is not null && templateNode is not null)
        {
            context.Diagnostics.Error(templateNode.Start, DiagnosticCodes.InvalidValue, "'content' and 'template' cannot be used together",
                "use one of them per task");
            return null;
        }

        if (content is null && templateNode is null)
        {
            if (arguments.Map?["content"] is null && arguments.Map?["template"] is null)
                context.Diagnostics.Error(arguments.ModuleKey.Start, DiagnosticCodes.MissingKey, "module 'netconf_config' needs 'content' or 'template'");
            return null;
        }

        var target = arguments.Get<string>("target");
        var operation = arguments.Get<string>("default_operation");
        var errorOption = arguments.Get<string>("error_option");
        if (content is not null)
        {
            return NetconfContent.Check(content.Source, arguments.Node("content")!.Start, "content", context.Diagnostics)
                ? new NetconfConfigArgs(content, null, target, operation, errorOption)
                : null;
        }

        if (templateNode is not Yaml.YScalar pathNode || context.LoadTemplateFile(pathNode) is not { } file) return null;
        // The file's XML is checked as written, at the file's own place, like its Scriban errors.
        return NetconfContent.Check(file.Text.Source, new SourceLocation(file.Path, 1, 1), "template", context.Diagnostics)
            ? new NetconfConfigArgs(null, new ConfigTemplate(file.Path, file.Text), target, operation, errorOption)
            : null;
    }

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var config = (NetconfConfigArgs)args;
        var content = config.Template is { } template ? template.Text.Render(scope) : config.Content!.Render(scope);
        return new NetconfEditConfig(content, config.Target, config.DefaultOperation, config.ErrorOption);
    }
}

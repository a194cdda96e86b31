using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Playbooks.Modules;

/// <summary>A config template file, compiled when the playbook is loaded so its errors show up in validation.</summary>
public sealed record ConfigTemplate(string Path, TemplateText Text);

/// <summary>Exactly one of <see cref="Lines"/> and <see cref="Template"/> is set.</summary>
public sealed record ConfigArgs(IReadOnlyList<TemplateText>? Lines, ConfigTemplate? Template, bool Save) : ModuleArgs;

/// <summary>
/// Pushes configuration lines, written inline (<c>lines</c>) or rendered from a Scriban file (<c>template</c>).
/// Registered result: <c>changed</c>, <c>commands</c> (the lines sent), <c>diff</c> when the driver has one.
/// </summary>
public sealed class ConfigModule : Module, IDeviceModule
{
    public const string ModuleName = "config";

    public override string Name => ModuleName;
    public override string Description => "Apply configuration lines to the device, inline or from a template file.";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("lines", ParameterType.TemplateList, false, "Configuration lines, in order; each may use {{ }} templates, and a line that is one expression giving a list stands for its items."),
        new("template", ParameterType.String, false, "Path of a Scriban template file (beside the playbook or in its templates/ folder) rendering the lines."),
        new("save", ParameterType.Boolean, false, "Save the running configuration to startup after applying (default false)."),
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        var lines = arguments.Get<List<TemplateText>>("lines");
        var templateNode = arguments.Node("template");
        var save = arguments.GetValue<bool>("save") ?? false;
        if (lines is not null && templateNode is not null)
        {
            context.Diagnostics.Error(templateNode.Start, DiagnosticCodes.InvalidValue,
                "'lines' and 'template' cannot be used together", "use one of them per task");
            return null;
        }
        if (lines is null && templateNode is null)
        {
            if (arguments.Map?["lines"] is null && arguments.Map?["template"] is null)
                context.Diagnostics.Error(arguments.ModuleKey.Start, DiagnosticCodes.MissingKey,
                    "module 'config' needs 'lines' or 'template'");
            return null;
        }
        if (lines is { Count: 0 })
        {
            context.Diagnostics.Error(arguments.Node("lines")!.Start, DiagnosticCodes.Empty, "'lines' is empty");
            return null;
        }
        if (templateNode is Yaml.YScalar pathNode)
        {
            return context.LoadTemplateFile(pathNode) is { } file
                ? new ConfigArgs(null, new ConfigTemplate(file.Path, file.Text), save)
                : null;
        }
        return new ConfigArgs(lines, null, save);
    }

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var config = (ConfigArgs)args;
        var lines = config.Template is { } template
            ? template.Text.Render(scope).Split('\n').Select(l => l.TrimEnd('\r', ' ', '\t')).Where(l => l.Trim().Length > 0).ToList()
            : config.Lines!.SelectMany(l => Expand(l, scope)).ToList();
        return new ApplyConfig(lines, config.Save);
    }

    /// <summary>A line that is one expression giving a list (<c>"{{ checked.remediation }}"</c>) stands for the list's lines,
    /// so lines computed by an earlier task (compliance remediation) go through the same transaction as written ones.</summary>
    private static IEnumerable<string> Expand(TemplateText line, VariableScope scope)
    {
        if (line.IsLiteral) return [line.Source];
        return line.Evaluate(scope) is System.Collections.IEnumerable list and not string
            ? list.Cast<object?>().Select(l => Convert.ToString(l, System.Globalization.CultureInfo.InvariantCulture) ?? "").Where(l => l.Trim().Length > 0)
            : [line.Render(scope)];
    }
}

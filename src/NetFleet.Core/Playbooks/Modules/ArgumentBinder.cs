using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks.Modules;

/// <summary>What binding needs from the loader: diagnostics, typed reads, and the playbook's directory for template files.</summary>
internal sealed class BindContext(YamlReader reader, string playbookDirectory)
{
    public YamlReader Reader { get; } = reader;
    public DiagnosticBag Diagnostics => Reader.Diagnostics;

    /// <summary>Where the playbook is: paths a task names relative to it start here.</summary>
    public string PlaybookDirectory { get; } = playbookDirectory;

    /// <summary>Template files are looked up beside the playbook, then in its templates/ folder (as Ansible does).</summary>
    public (string Path, TemplateText Text)? LoadTemplateFile(YScalar pathNode) =>
        FindFile(pathNode) is { } found
            ? (found, TemplateText.Compile(File.ReadAllText(found), TextOrigin.File(found), Diagnostics))
            : null;

    /// <summary>Finds a file a task names, where template files are looked up; reports it when missing.</summary>
    public string? FindFile(YScalar pathNode)
    {
        var candidates = new[]
        {
            Path.Combine(PlaybookDirectory, pathNode.Value),
            Path.Combine(PlaybookDirectory, "templates", pathNode.Value),
        };
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            Diagnostics.Error(pathNode.Start, DiagnosticCodes.FileNotFound, $"template file '{pathNode.Value}' not found",
                $"looked in {string.Join(" and ", candidates)}");
        }

        return found;
    }
}

/// <summary>Arguments checked against a module's declared parameters, by name, with their YAML nodes.</summary>
internal sealed class BoundArguments(YScalar moduleKey, YMapping? map)
{
    private readonly Dictionary<string, (object Value, YNode Node)> _values = new(StringComparer.Ordinal);

    /// <summary>The task's module key, where "missing argument" problems are reported.</summary>
    public YScalar ModuleKey { get; } = moduleKey;

    /// <summary>The raw mapping, for modules that accept any keys.</summary>
    public YMapping? Map { get; } = map;

    public void Set(string name, object value, YNode node) => _values[name] = (value, node);

    public T? Get<T>(string name) where T : class => _values.TryGetValue(name, out var v) ? v.Value as T : null;

    public T? GetValue<T>(string name) where T : struct => _values.TryGetValue(name, out var v) ? (T)v.Value : null;

    public YNode? Node(string name) => _values.TryGetValue(name, out var v) ? v.Node : null;

    public bool Has(string name) => _values.ContainsKey(name);
}

internal static class ArgumentBinder
{
    public static ModuleArgs? Bind(Module module, YScalar key, YNode value, BindContext context)
    {
        var reader = context.Reader;
        var errorsBefore = context.Diagnostics.ErrorCount;
        BoundArguments bound;
        if (module.AcceptsAnyKeys)
        {
            if (reader.Mapping(value, "a mapping of names to values") is not { } anyMap) return null;
            bound = new BoundArguments(key, anyMap);
        }
        else if (value is YScalar { IsNull: false } scalar && module.FreeFormParameter is { } freeForm)
        {
            bound = new BoundArguments(key, null);
            BindParameter(module.Parameters.Single(p => p.Name == freeForm), scalar, bound, context);
        }
        else if (value is YMapping map)
        {
            bound = new BoundArguments(key, map);
            foreach (var (argKey, argValue) in map.Entries)
            {
                var parameter = module.Parameters.FirstOrDefault(p => p.Name == argKey.Value);
                if (parameter is null)
                    context.Diagnostics.Error(argKey.Start, DiagnosticCodes.UnknownKey,
                        $"unknown argument '{argKey.Value}' for module '{module.Name}'",
                        DidYouMean.Hint(argKey.Value, module.Parameters.Select(p => p.Name)));
                else
                    BindParameter(parameter, argValue, bound, context);
            }
        }
        else if (value is YScalar { IsNull: true } && !module.Parameters.Any(p => p.Required))
        {
            bound = new BoundArguments(key, null);
        }
        else
        {
            reader.WrongType(value, module.FreeFormParameter is null ? "a mapping of arguments" : "a string or a mapping of arguments");
            return null;
        }

        foreach (var missing in module.Parameters.Where(p => p.Required && !bound.Has(p.Name) && bound.Map?[p.Name] is null))
        {
            context.Diagnostics.Error(key.Start, DiagnosticCodes.MissingKey,
                $"module '{module.Name}' requires argument '{missing.Name}'", missing.Description);
        }
        // Cross-argument checks on half-bound arguments would only repeat the problems already reported.
        if (context.Diagnostics.ErrorCount > errorsBefore) return null;
        var args = module.Create(bound, context);
        return context.Diagnostics.ErrorCount > errorsBefore ? null : args;
    }

    private static void BindParameter(ModuleParameter parameter, YNode node, BoundArguments bound, BindContext context)
    {
        var reader = context.Reader;
        var bag = context.Diagnostics;
        object? value = parameter.Type switch
        {
            ParameterType.String => reader.String(node)?.Value,
            ParameterType.Template => reader.String(node) is { } s ? TemplateText.Compile(s.Value, TextOrigin.Of(s), bag) : null,
            ParameterType.Boolean => reader.Bool(node),
            ParameterType.Integer => reader.Int(node),
            ParameterType.Number => reader.Number(node),
            ParameterType.TemplateList => reader.StringList(node)?.Select(s => TemplateText.Compile(s.Value, TextOrigin.Of(s), bag)).ToList(),
            ParameterType.ExpressionList => Expressions(node, reader),
            ParameterType.MappingList => reader.Sequence(node, "a list of mappings"),
            ParameterType.StringMap => StringMap(node, reader),
            _ => throw new InvalidOperationException($"unhandled parameter type {parameter.Type}"),
        };
        if (value is null) return;
        if (parameter.AllowedValues is { } allowed && value is string text && !allowed.Contains(text))
        {
            bag.Error(node.Start, DiagnosticCodes.InvalidValue, $"'{text}' is not a valid value for '{parameter.Name}'",
                DidYouMean.Hint(text, allowed) ?? $"expected one of: {string.Join(", ", allowed)}");
            return;
        }
        bound.Set(parameter.Name, value, node);
    }

    private static Dictionary<string, string>? StringMap(YNode node, YamlReader reader)
    {
        if (reader.Mapping(node, "a mapping of names to strings") is not { } map) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            if (reader.String(value) is { } text) result[key.Value] = text.Value;
        }

        return result.Count == map.Entries.Count ? result : null;
    }

    private static List<TemplateExpression>? Expressions(YNode node, YamlReader reader)
    {
        IReadOnlyList<YScalar>? items = node is YScalar { IsNull: false } single ? [single] : reader.StringList(node, "a condition or a list of conditions");
        if (items is null) return null;
        var compiled = items.Select(s => TemplateExpression.Compile(s.Value, TextOrigin.Of(s), reader.Diagnostics)).ToList();
        return compiled.Any(e => e is null) ? null : compiled.Select(e => e!).ToList();
    }
}

using NetFleet.Core.Diagnostics;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Templating;

/// <summary>
/// YAML data whose strings may be templates (vars, set_fact, loop lists). Compiled once while loading,
/// evaluated per host; non-string scalars keep their YAML type.
/// </summary>
public abstract class TemplatedValue
{
    public abstract object? Evaluate(VariableScope scope);

    public static TemplatedValue Constant(object? value) => new ConstantValue(value);

    internal static TemplatedValue Compile(YNode node, DiagnosticBag diagnostics) => node switch
    {
        YScalar { IsPlain: true } s when s.ToValue() is not string => new ConstantValue(s.ToValue()),
        YScalar s => new TextValue(TemplateText.Compile(s.Value, TextOrigin.Of(s), diagnostics)),
        YSequence seq => new ListValue(seq.Items.Select(i => Compile(i, diagnostics)).ToList()),
        YMapping map => new MapValue(map.Entries.Select(e => (e.Key.Value, Compile(e.Value, diagnostics))).ToList()),
        _ => new ConstantValue(null),
    };

    private sealed class ConstantValue(object? value) : TemplatedValue
    {
        public override object? Evaluate(VariableScope scope) => value;
    }

    private sealed class TextValue(TemplateText text) : TemplatedValue
    {
        public override object? Evaluate(VariableScope scope) => text.Evaluate(scope);
    }

    private sealed class ListValue(IReadOnlyList<TemplatedValue> items) : TemplatedValue
    {
        public override object? Evaluate(VariableScope scope) => items.Select(i => i.Evaluate(scope)).ToList();
    }

    private sealed class MapValue(IReadOnlyList<(string Key, TemplatedValue Value)> entries) : TemplatedValue
    {
        public override object? Evaluate(VariableScope scope) =>
            entries.ToDictionary(e => e.Key, e => e.Value.Evaluate(scope), StringComparer.Ordinal);
    }
}

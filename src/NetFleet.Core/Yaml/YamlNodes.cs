using System.Globalization;
using System.Text.RegularExpressions;
using NetFleet.Core.Diagnostics;
using YamlDotNet.Core;

namespace NetFleet.Core.Yaml;

/// <summary>
/// A YAML tree that keeps every node's position. YamlDotNet's own representation model loses
/// duplicate keys and scalar styles, both of which users' diagnostics need.
/// </summary>
internal abstract class YNode(SourceLocation start)
{
    public SourceLocation Start { get; } = start;

    /// <summary>How the node is named in "expected X, found Y" messages.</summary>
    public abstract string Describe();
}

internal sealed partial class YScalar(SourceLocation start, string value, ScalarStyle style, int blockIndent) : YNode(start)
{
    public string Value { get; } = value;
    public ScalarStyle Style { get; } = style;

    public bool IsPlain => Style is ScalarStyle.Plain or ScalarStyle.Any;
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>
    /// Maps a position inside the scalar's value (0-based line/column, as Scriban reports it) to the file,
    /// so a template error points into the YAML. Exact for plain, quoted one-line and literal block scalars.
    /// </summary>
    public SourceLocation LocationOf(int valueLine, int valueColumn)
    {
        if (Style is ScalarStyle.Literal or ScalarStyle.Folded)
            return Start with { Line = Start.Line + 1 + valueLine, Column = blockIndent + valueColumn + 1 };
        var quote = Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? 1 : 0;
        return valueLine == 0
            ? Start with { Column = Start.Column + quote + valueColumn }
            : Start with { Line = Start.Line + valueLine, Column = valueColumn + 1 };
    }

    /// <summary>The YAML 1.2 core-schema value of a plain scalar; quoted scalars are always strings.</summary>
    public object? ToValue()
    {
        if (!IsPlain) return Value;
        if (IsNull) return null;
        if (Value is "true" or "True" or "TRUE") return true;
        if (Value is "false" or "False" or "FALSE") return false;
        if (IntPattern().IsMatch(Value) && long.TryParse(Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (FloatPattern().IsMatch(Value) && double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return Value;
    }

    public override string Describe() => ToValue() switch
    {
        null => "null",
        bool => "a boolean",
        long or double => "a number",
        _ => "a string",
    };

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}

internal sealed class YSequence(SourceLocation start, IReadOnlyList<YNode> items) : YNode(start)
{
    public IReadOnlyList<YNode> Items { get; } = items;
    public override string Describe() => "a list";
}

internal sealed class YMapping(SourceLocation start, IReadOnlyList<KeyValuePair<YScalar, YNode>> entries) : YNode(start)
{
    public IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries { get; } = entries;

    public YNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;

    public YScalar? KeyNode(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Key;

    public override string Describe() => "a mapping";
}

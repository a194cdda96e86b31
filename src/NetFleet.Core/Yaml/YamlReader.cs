using System.Globalization;
using NetFleet.Core.Diagnostics;

namespace NetFleet.Core.Yaml;

/// <summary>Typed reads from the YAML tree; a wrong type is a diagnostic that says what was expected.</summary>
internal sealed class YamlReader(DiagnosticBag diagnostics)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    public void WrongType(YNode node, string expected) =>
        Diagnostics.Error(node.Start, DiagnosticCodes.WrongType, $"expected {expected}, found {node.Describe()}");

    public YMapping? Mapping(YNode node, string expected = "a mapping")
    {
        if (node is YMapping map) return map;
        WrongType(node, expected);
        return null;
    }

    public YSequence? Sequence(YNode node, string expected = "a list")
    {
        if (node is YSequence seq) return seq;
        WrongType(node, expected);
        return null;
    }

    /// <summary>Any non-null scalar reads as text: YAML users write <c>hostname: 10.0.0.1</c> or <c>version: 15</c>.</summary>
    public YScalar? String(YNode node, string expected = "a string")
    {
        if (node is YScalar { IsNull: false } s) return s;
        WrongType(node, expected);
        return null;
    }

    public int? Int(YNode node, string expected = "an integer")
    {
        if (node is YScalar s && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            return value;
        WrongType(node, expected);
        return null;
    }

    public double? Number(YNode node, string expected = "a number")
    {
        if (node is YScalar s && s.ToValue() is long or double)
            return double.Parse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        WrongType(node, expected);
        return null;
    }

    /// <summary>Accepts yes/no too, as Ansible playbooks commonly use them.</summary>
    public bool? Bool(YNode node, string expected = "a boolean (true or false)")
    {
        if (node is YScalar { IsPlain: true } s)
        {
            switch (s.Value.ToLowerInvariant())
            {
                case "true" or "yes": return true;
                case "false" or "no": return false;
            }
        }
        WrongType(node, expected);
        return null;
    }

    public IReadOnlyList<YScalar>? StringList(YNode node, string expected = "a list of strings")
    {
        if (node is not YSequence seq)
        {
            WrongType(node, expected);
            return null;
        }
        var result = new List<YScalar>();
        foreach (var item in seq.Items)
        {
            if (item is YScalar { IsNull: false } s) result.Add(s);
            else WrongType(item, $"a string in {expected}");
        }
        return result.Count == seq.Items.Count ? result : null;
    }

    /// <summary>Unknown keys are reported at the key, with the closest allowed key as a hint.</summary>
    public void CheckKeys(YMapping map, IReadOnlyCollection<string> allowed, string what)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (!allowed.Contains(key.Value))
                Diagnostics.Error(key.Start, DiagnosticCodes.UnknownKey, $"unknown key '{key.Value}' in {what}",
                    DidYouMean.Hint(key.Value, allowed));
        }
    }

    /// <summary>Plain .NET data (dictionaries, lists, core-schema scalars) for free-form maps such as host data.</summary>
    public static object? ToPlain(YNode node) => node switch
    {
        YScalar s => s.ToValue(),
        YSequence seq => seq.Items.Select(ToPlain).ToList(),
        YMapping map => map.Entries.ToDictionary(e => e.Key.Value, e => ToPlain(e.Value), StringComparer.Ordinal),
        _ => null,
    };
}

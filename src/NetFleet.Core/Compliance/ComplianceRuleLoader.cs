using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Compliance;

public sealed record ComplianceLoadResult(ComplianceRuleSet? Rules, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Rules is not null;
}

/// <summary>
/// Reads compliance rules: one YAML file, or every <c>*.yaml</c>/<c>*.yml</c> file of a folder in name order. Each file is a
/// list of rules. Every problem is reported at its file:line:col with what was expected; the rules come back only
/// without errors.
/// </summary>
public static class ComplianceRuleLoader
{
    public static readonly IReadOnlyList<string> RuleKeys =
    [
        "name", "description", "severity", "platforms", "parent", "must_contain", "must_not_contain", "command", "parse", "template",
        "assert", "remediation",
    ];

    /// <summary>Platform names a rule may list; others are allowed (an inventory may have its own) but warned about.</summary>
    public static readonly IReadOnlyList<string> KnownPlatforms = ["ios", "eos", "junos", "frr", "cisco_ios", "arista_eos", "juniper_junos"];

    private static readonly string[] CommandKeys = ["command", "parse", "template"];

    public static ComplianceLoadResult Load(string path)
    {
        var bag = new DiagnosticBag();
        var rules = Load(path, bag);
        return new ComplianceLoadResult(bag.HasErrors ? null : rules, bag.ToList());
    }

    internal static ComplianceRuleSet? Load(string path, DiagnosticBag bag)
    {
        IReadOnlyList<string> files;
        if (Directory.Exists(path))
        {
            files = Directory.EnumerateFiles(path, "*.yaml").Concat(Directory.EnumerateFiles(path, "*.yml")).Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                bag.Error(new SourceLocation(path, 0, 0), DiagnosticCodes.FileNotFound, "the compliance folder has no rule files",
                    "put rules in files named *.yaml in it, e.g. compliance/base.yaml");
                return null;
            }
        }
        else if (File.Exists(path))
        {
            files = [path];
        }
        else
        {
            bag.Error(new SourceLocation(path, 0, 0), DiagnosticCodes.FileNotFound, "no such compliance rule file or folder",
                "give a rule file or a folder of them, e.g. --rules compliance/");
            return null;
        }

        var rules = new List<ComplianceRule>();
        foreach (var file in files) rules.AddRange(ReadFile(file, bag));
        foreach (var duplicate in rules.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = duplicate.First();
            foreach (var again in duplicate.Skip(1))
                bag.Error(again.Location, DiagnosticCodes.DuplicateKey, $"rule '{again.Name}' is defined twice (first at {first.Location})",
                    "rule names are how results are stored over time: give each rule its own name");
        }

        return new ComplianceRuleSet(path, rules);
    }

    /// <summary>Rules from text, as if read from <paramref name="path"/> (tests, the API).</summary>
    public static ComplianceLoadResult LoadText(string text, string path)
    {
        var bag = new DiagnosticBag();
        var rules = ReadFile(path, bag, text);
        return new ComplianceLoadResult(bag.HasErrors ? null : new ComplianceRuleSet(path, rules), bag.ToList());
    }

    private static List<ComplianceRule> ReadFile(string file, DiagnosticBag bag, string? text = null)
    {
        var root = text is null ? YamlLoader.LoadFile(file, bag) : YamlLoader.Parse(text, file, bag);
        if (root is null || root is YScalar { IsNull: true } || root is YSequence { Items.Count: 0 })
        {
            if (!bag.HasErrors) bag.Error(new SourceLocation(file, 1, 1), DiagnosticCodes.Empty, "the rule file has no rules",
                "a rule file is a list of rules: start each with '- name:'");
            return [];
        }

        var reader = new YamlReader(bag);
        if (reader.Sequence(root, "a list of rules (each starting with '- name:')") is not { } list) return [];
        var context = new BindContext(reader, Path.GetDirectoryName(Path.GetFullPath(file))!);
        return list.Items.Select(item => ReadRule(item, context)).OfType<ComplianceRule>().ToList();
    }

    private static ComplianceRule? ReadRule(YNode node, BindContext context)
    {
        var reader = context.Reader;
        var bag = context.Diagnostics;
        if (reader.Mapping(node, "a rule (a mapping with name, a check and severity)") is not { } map) return null;
        var errors = bag.ErrorCount;
        reader.CheckKeys(map, RuleKeys, "rule");

        var name = map["name"] is { } n ? reader.String(n, "the rule's name")?.Value : null;
        if (map["name"] is null) bag.Error(map.Start, DiagnosticCodes.MissingKey, "rule has no 'name'", "add e.g. 'name: ntp-configured'");
        var description = map["description"] is { } d ? reader.String(d)?.Value ?? "" : "";
        var severity = RuleSeverity.Error;
        if (map["severity"] is { } s && reader.String(s, "error, warning or info") is { } severityText)
        {
            if (Enum.TryParse<RuleSeverity>(severityText.Value, ignoreCase: true, out var parsed) && severityText.Value.All(char.IsLetter)) severity = parsed;
            else bag.Error(severityText.Start, DiagnosticCodes.InvalidValue, $"'{severityText.Value}' is not a severity",
                DidYouMean.Hint(severityText.Value, ["error", "warning", "info"]) ?? "expected one of: error, warning, info");
        }

        var platforms = ReadPlatforms(map["platforms"], reader);
        var scope = map["parent"] is { } p && reader.String(p, "a section header glob such as 'interface GigabitEthernet*', or regex:…") is { } ps
            ? Checked(ps, reader, () => new SectionScope(ps.Value))
            : null;
        var mustContain = map["must_contain"] is { } mc && reader.String(mc, "a configuration line, or regex:…") is { } mcs
            ? Checked(mcs, reader, () => new LineMatch(mcs.Value))
            : null;
        var mustNotContain = map["must_not_contain"] is { } mn && reader.String(mn, "a configuration line, or regex:…") is { } mns
            ? Checked(mns, reader, () => new LineMatch(mns.Value))
            : null;

        CommandArgs? command = null;
        if (map.KeyNode("command") is { } commandKey)
        {
            var entries = map.Entries.Where(e => CommandKeys.Contains(e.Key.Value)).ToList();
            command = ArgumentBinder.Bind(new CommandModule(), commandKey, new YMapping(map.Start, entries), context) as CommandArgs;
        }
        else if ((map.KeyNode("parse") ?? map.KeyNode("template")) is { } orphan)
        {
            bag.Error(orphan.Start, DiagnosticCodes.MissingKey, $"'{orphan.Value}' goes with 'command'", "add the command whose output to parse, e.g. 'command: show ntp associations'");
        }

        var assert = new List<TemplateExpression>();
        if (map["assert"] is { } assertNode)
        {
            IReadOnlyList<YScalar>? items = assertNode is YScalar { IsNull: false } one ? [one] : reader.StringList(assertNode, "a condition or a list of conditions");
            foreach (var item in items ?? [])
            {
                if (TemplateExpression.Compile(item.Value, TextOrigin.Of(item), bag) is { } compiled) assert.Add(compiled);
            }
        }

        if (map.KeyNode("command") is not null && map["assert"] is null)
            bag.Error(map.KeyNode("command")!.Start, DiagnosticCodes.MissingKey, $"rule '{name}' runs a command but asserts nothing",
                "add 'assert:' with conditions over 'parsed' (the records) or 'output', e.g. \"parsed | array.size > 0\"");
        else if (map.KeyNode("assert") is { } assertKey && map["command"] is null)
            bag.Error(assertKey.Start, DiagnosticCodes.MissingKey, "'assert' goes with 'command'",
                "over the configuration use must_contain or must_not_contain; asserts judge a command's parsed output");
        if (map.KeyNode("parent") is { } parentKey && map["command"] is not null)
            bag.Error(parentKey.Start, DiagnosticCodes.InvalidValue, "'parent' scopes configuration lines and does not go with 'command'",
                "drop 'parent', or check the configuration with must_contain / must_not_contain");

        var checks = new[] { "must_contain", "must_not_contain", "command" }.Where(k => map.KeyNode(k) is not null).ToList();
        if (checks.Count != 1 && bag.ErrorCount == errors)
        {
            bag.Error(checks.Count == 0 ? map.Start : map.KeyNode(checks[1])!.Start, DiagnosticCodes.InvalidValue,
                checks.Count == 0 ? $"rule '{name}' has no check" : $"rule '{name}' has more than one check ('{checks[0]}' and '{checks[1]}')",
                "a rule has exactly one of: must_contain, must_not_contain, or command with assert");
        }

        var remediation = new List<TemplateText>();
        if (map["remediation"] is { } rem)
        {
            IReadOnlyList<YScalar>? lines = rem is YScalar { IsNull: false } single ? [single] : reader.StringList(rem, "a list of configuration lines");
            remediation.AddRange((lines ?? []).Select(l => TemplateText.Compile(l.Value, TextOrigin.Of(l), bag)));
        }

        return bag.ErrorCount > errors || name is null
            ? null
            : new ComplianceRule(name, description, severity, platforms, scope, mustContain, mustNotContain, command, assert, remediation, map.Start);
    }

    private static List<string> ReadPlatforms(YNode? node, YamlReader reader)
    {
        if (node is null) return [];
        IReadOnlyList<YScalar>? items = node is YScalar { IsNull: false } one ? [one] : reader.StringList(node, "a list of platforms such as [ios, eos]");
        foreach (var item in items ?? [])
        {
            if (!KnownPlatforms.Contains(item.Value))
                reader.Diagnostics.Warning(item.Start, DiagnosticCodes.InvalidValue, $"'{item.Value}' is not a platform NetFleet knows",
                    DidYouMean.Hint(item.Value, KnownPlatforms) ?? $"known: {string.Join(", ", KnownPlatforms)}");
        }

        return items?.Select(i => i.Value).ToList() ?? [];
    }

    /// <summary>A pattern that does not compile is reported at its scalar with the regex engine's reason.</summary>
    private static T? Checked<T>(YScalar node, YamlReader reader, Func<T> make) where T : class
    {
        try
        {
            return make();
        }
        catch (ArgumentException e)
        {
            reader.Diagnostics.Error(node.Start, DiagnosticCodes.InvalidValue, $"'{node.Value}' is not a valid regular expression: {e.Message}",
                "after 'regex:' write a .NET regular expression, e.g. regex:^description \\S");
            return null;
        }
    }
}

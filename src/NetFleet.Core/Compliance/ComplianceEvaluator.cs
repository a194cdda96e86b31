using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Compliance;

/// <summary>One rule's verdict on one device.</summary>
/// <param name="Message">What passed or failed, naming the failing line or sections.</param>
/// <param name="Remediation">The rule's remediation lines rendered for the failure (per failing section); empty when it passed.</param>
public sealed record RuleResult(string Rule, RuleSeverity Severity, bool Passed, string Message, IReadOnlyList<string> Remediation)
{
    /// <summary>The plain form a task registers and the journal stores.</summary>
    public IReadOnlyDictionary<string, object?> ToData() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["rule"] = Rule,
        ["severity"] = Severity.ToString().ToLowerInvariant(),
        ["passed"] = Passed,
        ["message"] = Message,
        ["remediation"] = Remediation.Select(l => (object?)l).ToList(),
    };
}

/// <summary>What a device gave for one rule's command: its output, or why the device refused it.</summary>
public sealed record CommandAnswer(string? Output, string? Error);

/// <summary>
/// Judges a device against rules: configuration rules over its running configuration (as the platform prints it in
/// line form), command rules over their command's parsed output with the playbook's expression engine (as <c>assert</c>).
/// </summary>
public static class ComplianceEvaluator
{
    public static IReadOnlyList<RuleResult> Evaluate(IEnumerable<ComplianceRule> rules, string platform, string config,
        IReadOnlyDictionary<string, CommandAnswer> answers, VariableScope scope)
    {
        var parsed = ConfigSections.Parse(config);
        return rules.Where(r => r.AppliesTo(platform)).Select(rule =>
        {
            var ruleScope = scope.With("rule", rule.Name);
            try
            {
                return rule.Command is { } command
                    ? Command(rule, command, platform, answers.GetValueOrDefault(rule.Name), ruleScope)
                    : Configuration(rule, parsed, ruleScope);
            }
            catch (TemplateEvaluationException e)
            {
                return new RuleResult(rule.Name, rule.Severity, false, $"the rule could not be evaluated: {e.Message}", []);
            }
        }).ToList();
    }

    private static RuleResult Configuration(ComplianceRule rule, ConfigSections config, VariableScope scope)
    {
        var match = rule.MustContain ?? rule.MustNotContain!;
        var must = rule.MustContain is not null;
        if (rule.Scope is not { } parent)
        {
            var found = config.AllLines.FirstOrDefault(match.Matches);
            return (must, found) switch
            {
                (true, not null) => Pass(rule, $"has '{found.Trim()}'"),
                (true, null) => Fail(rule, $"no line matches '{match}'", Render(rule, scope)),
                (false, null) => Pass(rule, $"no line matches '{match}'"),
                (false, not null) => Fail(rule, $"has '{found.Trim()}'", Render(rule, scope)),
            };
        }

        var sections = config.Sections(parent);
        if (sections.Count == 0) return Pass(rule, $"no section matches '{parent.Text}'");
        var failing = sections.Where(s => s.Body.Any(match.Matches) != must).ToList();
        if (failing.Count == 0) return Pass(rule, $"{sections.Count} section(s) matching '{parent.Text}' comply");
        var what = must ? $"missing '{match}'" : $"has '{match}'";
        var names = string.Join(", ", failing.Select(s => s.Header));
        return Fail(rule, $"{what} in {names}", failing.SelectMany(s => Render(rule, scope.With("section", s.Header))).ToList());
    }

    private static RuleResult Command(ComplianceRule rule, CommandArgs command, string platform, CommandAnswer? answer, VariableScope scope)
    {
        if (answer is null) return Fail(rule, "the command did not run", []);
        if (answer.Error is { } error) return Fail(rule, $"the device refused the command: {error}", []);
        var output = answer.Output ?? "";
        object? records;
        try
        {
            records = CommandModule.Parse(command, platform, command.Command.Source, output);
        }
        catch (CommandParseException e)
        {
            return Fail(rule, e.Message, []);
        }

        var checkScope = scope.With(new Dictionary<string, object?> { ["output"] = output, ["parsed"] = records });
        var failed = rule.Assert.FirstOrDefault(a => !a.IsTrue(checkScope));
        return failed is null
            ? Pass(rule, $"{rule.Assert.Count} assertion(s) hold")
            : Fail(rule, $"assertion failed: {failed.Source}", Render(rule, scope));
    }

    private static List<string> Render(ComplianceRule rule, VariableScope scope) =>
        rule.Remediation.Select(l => l.Render(scope)).Where(l => l.Trim().Length > 0).ToList();

    private static RuleResult Pass(ComplianceRule rule, string message) => new(rule.Name, rule.Severity, true, message, []);

    private static RuleResult Fail(ComplianceRule rule, string message, IReadOnlyList<string> remediation) =>
        new(rule.Name, rule.Severity, false, message, remediation);
}

/// <summary>One section of a configuration: its header line and the lines under it.</summary>
public sealed record ConfigSection(string Header, IReadOnlyList<string> Body);

/// <summary>
/// A running configuration read for rules. Indented configurations (IOS, EOS, FRR) have top-level lines with indented
/// lines under them; Junos <c>set</c> lines form sections by their beginning (<c>set interfaces ge-0/0/1</c>). Comment lines
/// (<c>!</c>, <c>#</c>) and blank lines are left out.
/// </summary>
public sealed class ConfigSections
{
    private readonly List<(string Line, List<string> Children)> top = [];

    public bool IsSetStyle { get; private init; }

    /// <summary>Every line, trimmed, nested ones too.</summary>
    public IReadOnlyList<string> AllLines { get; private init; } = [];

    public static ConfigSections Parse(string config)
    {
        var lines = config.Replace("\r", "", StringComparison.Ordinal).Split('\n')
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('!') && !l.TrimStart().StartsWith('#'))
            .ToList();
        var result = new ConfigSections
        {
            IsSetStyle = lines.Count > 0 && lines.All(l => l.StartsWith("set ", StringComparison.Ordinal) || l.StartsWith("deactivate ", StringComparison.Ordinal)),
            AllLines = lines.Select(l => l.Trim()).ToList(),
        };
        foreach (var line in lines)
        {
            if (char.IsWhiteSpace(line[0]) && result.top.Count > 0) result.top[^1].Children.Add(line.Trim());
            else result.top.Add((line.Trim(), []));
        }

        return result;
    }

    /// <summary>The sections whose header the scope matches, in configuration order.</summary>
    public IReadOnlyList<ConfigSection> Sections(SectionScope scope)
    {
        if (!IsSetStyle)
        {
            return top.Where(t => scope.Indented.IsMatch(t.Line)).Select(t => new ConfigSection(t.Line, t.Children)).ToList();
        }

        var sections = new List<(string Header, List<string> Body)>();
        foreach (var line in AllLines)
        {
            if (scope.SetPrefix.Match(line) is not { Success: true } m) continue;
            var header = m.Value.TrimEnd();
            var index = sections.FindIndex(s => s.Header == header);
            if (index < 0)
            {
                sections.Add((header, []));
                index = sections.Count - 1;
            }

            sections[index].Body.Add(line[m.Length..].Trim());
        }

        return sections.Select(s => new ConfigSection(s.Header, s.Body)).ToList();
    }
}

using System.Text.RegularExpressions;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Compliance;

/// <summary>How much a broken rule matters: an <see cref="Error"/> makes <c>netfleet compliance run</c> exit 2.</summary>
public enum RuleSeverity
{
    Error,
    Warning,
    Info,
}

/// <summary>
/// One golden rule from a <c>compliance/*.yaml</c> file. Exactly one check is set: <see cref="MustContain"/> or
/// <see cref="MustNotContain"/> over the running configuration (inside every section <see cref="Scope"/> matches, when it
/// is set), or <see cref="Command"/> whose parsed output must satisfy every <see cref="Assert"/>.
/// </summary>
/// <param name="Platforms">The platforms the rule applies to (<c>ios</c> or <c>cisco_ios</c>); empty for every platform.</param>
/// <param name="Remediation">Configuration lines that fix a failure, rendered per failing section (<c>section</c>) with the
/// host's variables.</param>
public sealed record ComplianceRule(
    string Name,
    string Description,
    RuleSeverity Severity,
    IReadOnlyList<string> Platforms,
    SectionScope? Scope,
    LineMatch? MustContain,
    LineMatch? MustNotContain,
    CommandArgs? Command,
    IReadOnlyList<TemplateExpression> Assert,
    IReadOnlyList<TemplateText> Remediation,
    SourceLocation Location)
{
    /// <summary>A host's platform is in the rule's list by its inventory name (<c>cisco_ios</c>) or by the short name after
    /// the vendor (<c>ios</c>).</summary>
    public bool AppliesTo(string platform) =>
        Platforms.Count == 0 || Platforms.Any(p => p == platform || platform.EndsWith("_" + p, StringComparison.Ordinal));
}

/// <summary>The rules of one or more files, in file order.</summary>
public sealed record ComplianceRuleSet(string Path, IReadOnlyList<ComplianceRule> Rules)
{
    public IEnumerable<ComplianceRule> For(string platform) => Rules.Where(r => r.AppliesTo(platform));

    /// <summary>Failed rules' remediation lines as one change: global lines first, then the sections', because a global
    /// line entered after a section's lines would be read inside that section (IOS takes <c>service …</c> there as
    /// <c>service-policy</c>).</summary>
    public IReadOnlyList<string> Remediation(IEnumerable<(string Rule, IReadOnlyList<string> Lines)> failed)
    {
        var scoped = Rules.Where(r => r.Scope is not null).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        return failed.OrderBy(f => scoped.Contains(f.Rule)).SelectMany(f => f.Lines).ToList();
    }
}

/// <summary>
/// A section header pattern: a glob (<c>interface GigabitEthernet*</c>, <c>*</c> any text) or <c>regex:…</c>. On indented
/// configurations it is matched against whole top-level lines; on Junos <c>set</c> lines against their beginning, a
/// <c>*</c> standing for one word, and the matched beginning is the section.
/// </summary>
public sealed record SectionScope(string Text)
{
    public const string RegexPrefix = "regex:";

    public Regex Indented { get; } = Compile(Text, ".*", anchoredEnd: true);

    public Regex SetPrefix { get; } = Compile(Text, @"\S*", anchoredEnd: false);

    private static Regex Compile(string text, string star, bool anchoredEnd)
    {
        if (text.StartsWith(RegexPrefix, StringComparison.Ordinal))
        {
            var pattern = text[RegexPrefix.Length..];
            return new Regex(anchoredEnd ? pattern : "^(?:" + pattern.TrimStart('^') + @")(?=\s|$)", RegexOptions.CultureInvariant, RegexTimeout);
        }

        var glob = string.Join(star, text.Split('*').Select(Regex.Escape));
        return new Regex("^" + glob + (anchoredEnd ? "$" : @"(?=\s|$)"), RegexOptions.CultureInvariant, RegexTimeout);
    }

    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);
}

/// <summary>What a line must (or must not) be: the line itself (compared without surrounding or repeated spaces), or
/// <c>regex:…</c> searched in each line.</summary>
public sealed record LineMatch(string Text)
{
    private readonly Regex? regex = Text.StartsWith(SectionScope.RegexPrefix, StringComparison.Ordinal)
        ? new Regex(Text[SectionScope.RegexPrefix.Length..], RegexOptions.CultureInvariant, SectionScope.RegexTimeout)
        : null;

    private readonly string normal = Normalise(Text);

    public bool Matches(string line) => regex?.IsMatch(line.Trim()) ?? Normalise(line) == normal;

    internal static string Normalise(string line) => string.Join(' ', line.Split(' ', '\t').Where(w => w.Length > 0));

    public override string ToString() => Text;
}

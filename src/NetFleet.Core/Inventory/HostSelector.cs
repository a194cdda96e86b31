using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NetFleet.Core.Diagnostics;

namespace NetFleet.Core.Inventory;

/// <summary>A problem in a host pattern; <see cref="Offset"/> is the 0-based position in the pattern text.</summary>
public sealed record SelectionProblem(Severity Severity, string Code, string Message, string? Hint, int Offset)
{
    public Diagnostic ToDiagnostic(SourceLocation at) => new(at, Severity, Code, Message, Hint);
}

/// <summary>
/// Host patterns with Ansible semantics, shared by <c>--limit</c> and a play's <c>hosts:</c>.
/// Comma-separated terms: a host or group name, a glob (<c>lon-*</c>, <c>ios-?</c>), <c>all</c>, or a filter
/// (<c>data.site == "lon"</c>, <c>platform != "juniper_junos"</c>). <c>!term</c> removes hosts and <c>&amp;term</c>
/// keeps only hosts also in the term. Plain terms are unioned first (everyone if there are none), then every
/// <c>&amp;</c> term intersects, then every <c>!</c> term excludes, whatever the order they were written in.
/// </summary>
public sealed partial class HostSelector
{
    private enum Mode { Include, Intersect, Exclude }

    private abstract record Term(Mode Mode, int Offset);
    private sealed record NameTerm(Mode Mode, int Offset, string Name) : Term(Mode, Offset);
    private sealed record FilterTerm(Mode Mode, int Offset, string[] Path, bool Equal, object? Value) : Term(Mode, Offset);

    /// <summary>The host fields a filter can test; <c>data.…</c> reaches into host data.</summary>
    public static readonly IReadOnlyList<string> FilterFields = ["name", "hostname", "port", "username", "platform", "data"];

    private readonly IReadOnlyList<Term> _terms;

    private HostSelector(string pattern, IReadOnlyList<Term> terms)
    {
        Pattern = pattern;
        _terms = terms;
    }

    public string Pattern { get; }

    /// <summary>Parses a pattern; returns null when it has syntax errors (all of them are in <paramref name="problems"/>).</summary>
    public static HostSelector? Parse(string pattern, out IReadOnlyList<SelectionProblem> problems)
    {
        var found = new List<SelectionProblem>();
        var terms = new List<Term>();
        foreach (var (text, offset) in SplitTerms(pattern))
        {
            var mode = text[0] switch { '!' => Mode.Exclude, '&' => Mode.Intersect, _ => Mode.Include };
            var body = mode == Mode.Include ? text : text[1..].TrimStart();
            var bodyOffset = offset + (text.Length - body.Length);
            if (body.Length == 0)
            {
                found.Add(Error(DiagnosticCodes.BadSelection, $"'{text}' needs a host, group or filter after '{text[0]}'", null, offset));
                continue;
            }
            if (body.Contains("==", StringComparison.Ordinal) || body.Contains("!=", StringComparison.Ordinal))
            {
                if (ParseFilter(mode, bodyOffset, body, found) is { } filter) terms.Add(filter);
            }
            else if (NamePattern().IsMatch(body))
            {
                terms.Add(new NameTerm(mode, bodyOffset, body));
            }
            else
            {
                found.Add(Error(DiagnosticCodes.BadSelection, $"'{body}' is not a host, group, glob or filter", null, bodyOffset));
            }
        }
        if (terms.Count == 0 && found.Count == 0)
            found.Add(Error(DiagnosticCodes.BadSelection, "empty host pattern", "use 'all' for every host", 0));
        problems = found;
        return found.Count > 0 ? null : new HostSelector(pattern, terms);
    }

    /// <summary>Selected hosts in inventory order; unknown names are errors, globs matching nothing are warnings.</summary>
    public IReadOnlyList<SelectionProblem> Evaluate(Inventory inventory, out IReadOnlyList<Host> hosts)
    {
        var problems = new List<SelectionProblem>();
        var includes = _terms.Where(t => t.Mode == Mode.Include).Select(t => Match(t, inventory, problems).ToList()).ToList();
        var narrowing = _terms.Where(t => t.Mode == Mode.Intersect).Concat(_terms.Where(t => t.Mode == Mode.Exclude)).ToList();
        if (narrowing.Count == 0 && (includes.Count == 0 || includes.Exists(matched => matched.Count == inventory.Hosts.Count)))
        {
            // Everyone (no pattern, or 'all'): the inventory's own list, without a set of 100,000 hosts to filter it through.
            hosts = inventory.Hosts;
            return problems;
        }

        var selected = includes.Count == 0 ? inventory.Hosts.ToHashSet() : includes.SelectMany(matched => matched).ToHashSet();
        foreach (var term in narrowing)
        {
            if (term.Mode == Mode.Intersect) selected.IntersectWith(Match(term, inventory, problems));
            else selected.ExceptWith(Match(term, inventory, problems));
        }
        hosts = selected.Count == 0 ? [] : inventory.Hosts.Where(selected.Contains).ToList();
        return problems;
    }

    private static IEnumerable<Host> Match(Term term, Inventory inventory, List<SelectionProblem> problems)
    {
        switch (term)
        {
            case NameTerm { Name: "all" or "*" }:
                return inventory.Hosts;
            case NameTerm { Name: var name } when name.IndexOfAny(['*', '?', '[']) >= 0:
                var glob = GlobToRegex(name);
                var matches = inventory.Hosts
                    .Where(h => glob.IsMatch(h.Name) || h.AllGroups.Any(glob.IsMatch))
                    .ToList();
                if (matches.Count == 0)
                    problems.Add(new SelectionProblem(Severity.Warning, DiagnosticCodes.NoHostsMatched,
                        $"pattern '{name}' matches no hosts", null, term.Offset));
                return matches;
            case NameTerm { Name: var name }:
                if (inventory.Groups.ContainsKey(name)) return inventory.Hosts.Where(h => h.IsMemberOf(name));
                if (inventory.FindHost(name) is { } host) return [host];
                var known = inventory.Hosts.Select(h => h.Name).Concat(inventory.Groups.Keys).Append("all");
                problems.Add(Error(DiagnosticCodes.UnknownHostOrGroup, $"unknown host or group '{name}'",
                    DidYouMean.Hint(name, known), term.Offset));
                return [];
            case FilterTerm filter:
                return inventory.Hosts.Where(h => ValuesEqual(FieldValue(h, filter.Path), filter.Value) == filter.Equal);
            default:
                throw new InvalidOperationException($"unhandled term {term}");
        }
    }

    private static FilterTerm? ParseFilter(Mode mode, int offset, string body, List<SelectionProblem> problems)
    {
        var match = FilterPattern().Match(body);
        if (!match.Success)
        {
            problems.Add(Error(DiagnosticCodes.BadSelection, $"cannot read filter '{body}'",
                "write it as field == \"value\", e.g. data.site == \"lon\"", offset));
            return null;
        }
        var path = match.Groups["path"].Value.Split('.');
        if (!FilterFields.Contains(path[0]) || (path[0] == "data") != (path.Length > 1) || (path[0] != "data" && path.Length > 1))
        {
            problems.Add(Error(DiagnosticCodes.BadSelection, $"unknown host field '{match.Groups["path"].Value}' in filter",
                DidYouMean.Hint(path[0], FilterFields) ?? "fields are name, hostname, port, username, platform and data.KEY", offset));
            return null;
        }
        return new FilterTerm(mode, offset, path, match.Groups["op"].Value == "==", Literal(match.Groups["value"].Value));
    }

    private static object? Literal(string text)
    {
        if (text.Length >= 2 && (text[0] == '"' || text[0] == '\'') && text[^1] == text[0]) return text[1..^1];
        if (text == "null") return null;
        if (bool.TryParse(text, out var b)) return b;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return text;
    }

    private static object? FieldValue(Host host, string[] path)
    {
        switch (path[0])
        {
            case "name": return host.Name;
            case "hostname": return host.Hostname;
            case "port": return host.Port;
            case "username": return host.Username;
            case "platform": return host.Platform;
        }
        object? current = host.Data;
        for (var i = 1; i < path.Length; i++)
        {
            if (current is not IReadOnlyDictionary<string, object?> map || !map.TryGetValue(path[i], out current)) return null;
        }
        return current;
    }

    private static bool ValuesEqual(object? actual, object? expected)
    {
        if (actual is null || expected is null) return actual is null && expected is null;
        if (ToNumber(actual) is { } a && ToNumber(expected) is { } e) return a == e;
        return string.Equals(ToText(actual), ToText(expected), StringComparison.Ordinal);
    }

    private static double? ToNumber(object value) => value switch
    {
        int i => i,
        long l => l,
        double d => d,
        _ => null,
    };

    private static string ToText(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static Regex GlobToRegex(string glob)
    {
        var regex = new StringBuilder("^");
        foreach (var c in glob)
        {
            regex.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                '[' or ']' => c.ToString(),
                _ => Regex.Escape(c.ToString()),
            });
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>Splits at commas outside quotes, so a filter value may contain a comma.</summary>
    private static IEnumerable<(string Text, int Offset)> SplitTerms(string pattern)
    {
        var start = 0;
        char? quote = null;
        for (var i = 0; i <= pattern.Length; i++)
        {
            if (i < pattern.Length && quote is null && pattern[i] is '"' or '\'') quote = pattern[i];
            else if (i < pattern.Length && pattern[i] == quote) quote = null;
            if (i < pattern.Length && (pattern[i] != ',' || quote is not null)) continue;
            var raw = pattern[start..i];
            var trimmed = raw.Trim();
            if (trimmed.Length > 0) yield return (trimmed, start + (raw.Length - raw.TrimStart().Length));
            start = i + 1;
        }
    }

    private static SelectionProblem Error(string code, string message, string? hint, int offset) =>
        new(Severity.Error, code, message, hint, offset);

    [GeneratedRegex(@"^[\w.\-*?\[\]:]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?<path>[A-Za-z_][\w\-]*(\.[\w\-]+)*)\s*(?<op>==|!=)\s*(?<value>.+?)\s*$")]
    private static partial Regex FilterPattern();
}

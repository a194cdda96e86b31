using System.Text.RegularExpressions;

namespace NetFleet.TextFsm;

/// <summary>One row of an index: the templates (usually one) and the patterns that choose them.</summary>
public sealed record TextFsmIndexEntry(int Line, IReadOnlyList<string> Templates, IReadOnlyDictionary<string, string> Columns);

/// <summary>
/// An ntc-templates style <c>index</c> file, read as textfsm's clitable does: <c>#</c> comments,
/// a header line (<c>Template, Hostname, Platform, Command</c>), comma-separated rows whose columns
/// other than Template are Python regexes matched at the start of the attribute, and in Command
/// the completion syntax <c>sh[[ow]]</c> meaning <c>sh(o(w)?)?</c>. The first matching row wins.
/// </summary>
public sealed partial class TextFsmIndex
{
    private readonly List<(TextFsmIndexEntry Entry, Dictionary<string, Regex> Patterns)> rows;

    private TextFsmIndex(IReadOnlyList<string> header, List<(TextFsmIndexEntry, Dictionary<string, Regex>)> rows)
    {
        Header = header;
        this.rows = rows;
    }

    public IReadOnlyList<string> Header { get; }

    public IEnumerable<TextFsmIndexEntry> Entries => rows.Select(r => r.Entry);

    public static TextFsmIndex Load(string path) => Parse(File.ReadAllText(path), path);

    /// <exception cref="TemplateException">A header is missing or duplicated, or a pattern is not a valid regex.</exception>
    public static TextFsmIndex Parse(string text, string? name = null)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        string[]? header = null;
        var rows = new List<(TextFsmIndexEntry, Dictionary<string, Regex>)>();
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (header is null)
            {
                var headerText = line.Split('#')[0].Trim();
                if (headerText.Length == 0)
                {
                    continue;
                }
                header = headerText.Split(',').Select(h => h.Trim()).ToArray();
                if (header.Distinct(StringComparer.Ordinal).Count() != header.Length)
                {
                    throw new TemplateException(n + 1, "Duplicate header entry.", name);
                }
                if (!header.Contains("Template"))
                {
                    throw new TemplateException(n + 1, "The index has no Template column.", name);
                }
                continue;
            }
            if (line.StartsWith('#'))
            {
                continue;
            }
            var fields = line.Split(',').Select(f => f.Trim()).ToArray();
            if (fields.Length != header.Length)
            {
                // clitable silently drops rows with the wrong number of columns (blank lines among them).
                continue;
            }
            var columns = new Dictionary<string, string>(StringComparer.Ordinal);
            var patterns = new Dictionary<string, Regex>(StringComparer.Ordinal);
            for (var c = 0; c < header.Length; c++)
            {
                var value = header[c] == "Command" ? ExpandCompletion(fields[c]) : fields[c];
                columns[header[c]] = value;
                if (header[c] != "Template" && value.Length > 0)
                {
                    try
                    {
                        patterns[header[c]] = PythonRegex.Compile(value, compiled: false, anchored: true);
                    }
                    catch (ArgumentException e)
                    {
                        throw new TemplateException(n + 1, $"Invalid regular expression '{value}' in column {header[c]}: {e.Message}", name);
                    }
                }
            }
            var templates = columns["Template"].Split(':');
            rows.Add((new TextFsmIndexEntry(n + 1, templates, columns), patterns));
        }
        if (header is null)
        {
            throw new TemplateException(0, "The index is empty: it needs a header line.", name);
        }
        return new TextFsmIndex(header, rows);
    }

    /// <summary>The first row matching every given attribute (Platform, Command, Hostname, …); attributes the index lacks are ignored.</summary>
    public TextFsmIndexEntry? Find(IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var (entry, patterns) in rows)
        {
            var all = true;
            foreach (var (key, value) in attributes)
            {
                if (patterns.TryGetValue(key, out var pattern) && !pattern.IsMatch(value))
                {
                    all = false;
                    break;
                }
            }
            if (all)
            {
                return entry;
            }
        }
        return null;
    }

    public TextFsmIndexEntry? Find(string platform, string command, string? hostname = null)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["Platform"] = platform, ["Command"] = command };
        if (hostname is not null)
        {
            attributes["Hostname"] = hostname;
        }
        return Find(attributes);
    }

    /// <summary><c>abc[[xyz]]</c> becomes <c>abc(x(y(z)?)?)?</c>, as clitable's completion does.</summary>
    public static string ExpandCompletion(string command) =>
        Completion().Replace(command, m =>
        {
            var word = m.Value[2..^2];
            return "(" + string.Join("(", word.ToCharArray()) + string.Concat(Enumerable.Repeat(")?", word.Length));
        });

    [GeneratedRegex(@"\[\[.+?\]\]")]
    private static partial Regex Completion();
}

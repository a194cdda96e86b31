using System.Text;
using System.Text.RegularExpressions;

namespace NetFleet.TextFsm;

/// <summary>
/// A parsed TextFSM template. Safe to share: each <see cref="ParseText"/> call runs its own state
/// machine over the template's regexes; the only shared state is the count that decides when
/// <see cref="RegexCompilation.Adaptive"/> compiles them.
/// </summary>
public sealed partial class TextFsmTemplate
{
    /// <summary>
    /// Matches tried per rule before the template compiles: compiling a rule and running it once
    /// cost ~3.6 ms of CPU, and compiled matching saves ~1.2 µs per match, so this is where an
    /// interpreted template has spent about what compiling would have cost (measured over
    /// ntc-templates by CorpusBenchmarkTests; docs/textfsm-figures.md).
    /// </summary>
    internal const int AttemptsPerRuleBeforeCompiling = 3_000;

    private const int MaxNameLength = 48;
    private static readonly string[] LineOps = ["Continue", "Next", "Error"];
    private static readonly string[] RecordOps = ["Clear", "Clearall", "Record", "NoRecord"];

    private readonly RegexCompilation compilation;
    private readonly int ruleCount;
    private long attempts;
    private int compiled;

    private TextFsmTemplate(string? name, IReadOnlyList<TextFsmValue> values, TextFsmState[] states, int startState, bool hasEofState, RegexCompilation compilation)
    {
        this.compilation = compilation;
        compiled = compilation == RegexCompilation.Always ? 1 : 0;
        ruleCount = states.Sum(s => s.Rules.Length);
        StartState = startState;
        Name = name;
        Values = values;
        States = states;
        HasEofState = hasEofState;
        Header = values.Select(v => v.Name).ToArray();
        Keys = values.Select(v => v.Name.ToLowerInvariant()).ToArray();
    }

    public string? Name { get; }

    public IReadOnlyList<TextFsmValue> Values { get; }

    /// <summary>The value names as declared, in order: the columns of <see cref="ParseTextToRows"/>.</summary>
    public IReadOnlyList<string> Header { get; }

    internal IReadOnlyList<string> Keys { get; }

    internal TextFsmState[] States { get; }

    internal int StartState { get; }

    internal bool HasEofState { get; }

    /// <summary>Whether the regexes run compiled to IL now.</summary>
    internal bool IsCompiled => Volatile.Read(ref compiled) == 1;

    /// <summary>How many times the rules' regexes have been tried, over every parse so far.</summary>
    internal long Attempts => Interlocked.Read(ref attempts);

    internal int RuleCount => ruleCount;

    /// <summary>Reads a template as textfsm does.</summary>
    /// <param name="text">The template text.</param>
    /// <param name="name">A name or path for error messages.</param>
    /// <param name="compilation">When the regexes become IL; see <see cref="RegexCompilation"/>.</param>
    /// <exception cref="TemplateException">The template is invalid; the exception names the line.</exception>
    public static TextFsmTemplate Parse(string text, string? name = null, RegexCompilation compilation = RegexCompilation.Adaptive) =>
        new TemplateReader(text, name, compilation).Read();

    public static TextFsmTemplate Load(string path, RegexCompilation compilation = RegexCompilation.Adaptive) =>
        Parse(File.ReadAllText(path), path, compilation);

    /// <summary>
    /// Parses device output into records, ntc-templates style: keys are the value names in lower
    /// case; a value is a string, or for List values a list whose items are strings (null when the
    /// group did not take part) or, for nested named groups, dictionaries of them.
    /// </summary>
    /// <exception cref="TextFsmErrorException">An <c>Error</c> action fired.</exception>
    public IReadOnlyList<IReadOnlyDictionary<string, object>> ParseText(string output, bool eof = true)
    {
        return Records(Keys, ParseTextToRows(output, eof));
    }

    /// <summary>Rows as records keyed by <paramref name="keys"/> (the lower-cased value names), in column order.</summary>
    internal static IReadOnlyList<IReadOnlyDictionary<string, object>> Records(IReadOnlyList<string> keys, IReadOnlyList<object[]> rows)
    {
        var records = new List<IReadOnlyDictionary<string, object>>(rows.Count);
        foreach (var row in rows)
        {
            var record = new Dictionary<string, object>(row.Length, StringComparer.Ordinal);
            for (var i = 0; i < row.Length; i++)
            {
                record[keys[i]] = row[i];
            }
            records.Add(record);
        }
        return records;
    }

    /// <summary>The records as rows in <see cref="Header"/> order, as textfsm's <c>ParseText</c> returns them.</summary>
    public IReadOnlyList<object[]> ParseTextToRows(string output, bool eof = true)
    {
        var run = new TextFsmRun(this);
        try
        {
            return run.Run(output, eof);
        }
        finally
        {
            CountAttempts(run.Attempts);
        }
    }

    /// <summary>
    /// Compiles the regexes once the template has been used enough. The parse that crosses the line
    /// pays for it; runs in progress on other threads pick up compiled regexes as they go, which
    /// match exactly what the interpreted ones did.
    /// </summary>
    private void CountAttempts(long count)
    {
        var total = Interlocked.Add(ref attempts, count);
        if (compilation != RegexCompilation.Adaptive || IsCompiled || total < (long)AttemptsPerRuleBeforeCompiling * Math.Max(1, ruleCount))
        {
            return;
        }
        if (Interlocked.Exchange(ref compiled, 1) == 1)
        {
            return;
        }
        foreach (var rule in States.SelectMany(s => s.Rules))
        {
            rule.Regex = Compiled(rule.Regex);
        }
        foreach (var value in Values.Where(v => v.ListRegex is not null))
        {
            value.ListRegex = Compiled(value.ListRegex!);
        }
    }

    private static Regex Compiled(Regex interpreted) =>
        new(interpreted.ToString(), interpreted.Options | RegexOptions.Compiled, interpreted.MatchTimeout);
}

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
        new(interpreted.ToString(), interpreted.Options | RegexOptions.Compiled);

    /// <summary>Reads the template line by line with textfsm's rules and messages.</summary>
    private sealed class TemplateReader(string text, string? name, RegexCompilation compilation)
    {
        private readonly bool compiled = compilation == RegexCompilation.Always;
        private readonly string[] lines = SplitTemplateLines(text);
        private readonly List<TextFsmValue> values = [];
        private readonly Dictionary<string, string> valueMap = new(StringComparer.Ordinal);
        private readonly List<(string Name, int Line, List<TextFsmRule> Rules)> states = [];
        private int next;

        public TextFsmTemplate Read()
        {
            ReadValues();
            while (ReadState())
            {
            }
            return Validate();
        }

        private TemplateException Fail(int line, string reason) => new(line, reason, name);

        private void ReadValues()
        {
            while (next < lines.Length)
            {
                var lineNumber = next + 1;
                var line = lines[next++].TrimEnd();
                if (line.Length == 0)
                {
                    return;
                }
                if (IsComment(line))
                {
                    continue;
                }
                if (line.StartsWith("Value ", StringComparison.Ordinal))
                {
                    var value = ReadValue(line, lineNumber);
                    if (values.Any(v => v.Name == value.Name))
                    {
                        throw Fail(lineNumber, $"Duplicate declarations for Value '{value.Name}'.");
                    }
                    values.Add(value);
                    valueMap[value.Name] = "(?P<" + value.Name + ">" + value.Regex[1..];
                }
                else if (values.Count == 0)
                {
                    throw Fail(lineNumber, "No Value definitions found.");
                }
                else
                {
                    throw Fail(lineNumber, "Expected blank line after last Value entry.");
                }
            }
        }

        private TextFsmValue ReadValue(string line, int lineNumber)
        {
            // textfsm splits on single spaces, so a doubled space is an empty token.
            var tokens = line.Split(' ');
            if (tokens.Length < 3)
            {
                throw Fail(lineNumber, "Expect at least 3 tokens on line.");
            }
            var options = new List<ValueOption>();
            string valueName;
            string regex;
            if (!tokens[2].StartsWith('('))
            {
                foreach (var option in tokens[1].Split(','))
                {
                    if (!Enum.TryParse<ValueOption>(option, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed) || option != parsed.ToString())
                    {
                        throw Fail(lineNumber, $"Unknown option \"{option}\".");
                    }
                    if (options.Contains(parsed))
                    {
                        throw Fail(lineNumber, $"Duplicate option \"{option}\".");
                    }
                    options.Add(parsed);
                }
                valueName = tokens[2];
                regex = string.Join(' ', tokens.Skip(3));
            }
            else
            {
                valueName = tokens[1];
                regex = string.Join(' ', tokens.Skip(2));
            }
            if (valueName.Length > MaxNameLength)
            {
                throw Fail(lineNumber, $"Invalid Value name '{valueName}' or name too long.");
            }
            if (!(regex.StartsWith('(') && regex.EndsWith(')')) || regex.Count(c => c == '(') != regex.Count(c => c == ')'))
            {
                throw Fail(lineNumber, $"Value '{regex}' must be contained within a '()' pair.");
            }
            Regex? listRegex = null;
            IReadOnlyList<string> listGroups = [];
            if (options.Contains(ValueOption.List))
            {
                try
                {
                    var translation = PythonRegex.Translate(regex);
                    if (translation.GroupCount > 1 && translation.GroupNames.Count > 0)
                    {
                        // re.match: anchored at the start only.
                        listRegex = new Regex(@"\A(?:" + translation.Pattern + ")", PythonRegex.Options | (compiled ? RegexOptions.Compiled : 0));
                        listGroups = translation.GroupNames;
                    }
                }
                catch (ArgumentException e)
                {
                    throw Fail(lineNumber, $"Invalid regular expression '{regex}': {e.Message}");
                }
            }
            return new TextFsmValue(valueName, options, regex, listRegex, listGroups);
        }

        private bool ReadState()
        {
            string? stateName = null;
            while (next < lines.Length)
            {
                var lineNumber = next + 1;
                var line = lines[next++].TrimEnd();
                if (line.Length == 0 || IsComment(line))
                {
                    continue;
                }
                if (!StateName().IsMatch(line) || line.Length > MaxNameLength || LineOps.Contains(line) || RecordOps.Contains(line))
                {
                    throw Fail(lineNumber, $"Invalid state name: '{line}'.");
                }
                if (states.Any(s => s.Name == line))
                {
                    throw Fail(lineNumber, $"Duplicate state name: '{line}'.");
                }
                stateName = line;
                states.Add((line, lineNumber, []));
                break;
            }
            if (stateName is null)
            {
                return false;
            }
            var rules = states[^1].Rules;
            while (next < lines.Length)
            {
                var lineNumber = next + 1;
                var line = lines[next++].TrimEnd();
                if (line.Length == 0)
                {
                    break;
                }
                if (IsComment(line))
                {
                    continue;
                }
                if (!(line.StartsWith(" ^", StringComparison.Ordinal) || line.StartsWith("  ^", StringComparison.Ordinal) || line.StartsWith("\t^", StringComparison.Ordinal)))
                {
                    throw Fail(lineNumber, "Missing white space or carat ('^') before rule.");
                }
                rules.Add(ReadRule(line.Trim(), lineNumber));
            }
            return true;
        }

        private TextFsmRule ReadRule(string line, int lineNumber)
        {
            var matchAction = MatchAction().Match(line);
            var match = matchAction.Success ? matchAction.Groups["match"].Value : line;
            var pattern = Substitute(match, lineNumber);
            Regex regex;
            try
            {
                regex = PythonRegex.Compile(pattern, compiled);
            }
            catch (ArgumentException e)
            {
                throw Fail(lineNumber, $"Invalid regular expression: '{pattern}': {e.Message}");
            }
            var assignments = new List<(int, int)>();
            foreach (var groupNumber in regex.GetGroupNumbers())
            {
                var index = values.FindIndex(v => v.Name == regex.GroupNameFromNumber(groupNumber));
                if (groupNumber > 0 && index >= 0)
                {
                    assignments.Add((groupNumber, index));
                }
            }
            var lineOp = LineOp.Next;
            var recordOp = RecordOp.NoRecord;
            string? newState = null;
            if (matchAction.Success)
            {
                var action = matchAction.Groups["action"].Value;
                var parsed = Action().Match(action);
                if (!parsed.Success)
                {
                    parsed = Action2().Match(action);
                }
                if (!parsed.Success)
                {
                    parsed = Action3().Match(action);
                }
                if (!parsed.Success)
                {
                    throw Fail(lineNumber, $"Badly formatted rule '{line}'.");
                }
                if (parsed.Groups["ln_op"].Success)
                {
                    lineOp = Enum.Parse<LineOp>(parsed.Groups["ln_op"].Value);
                }
                if (parsed.Groups["rec_op"].Success)
                {
                    recordOp = Enum.Parse<RecordOp>(parsed.Groups["rec_op"].Value);
                }
                if (parsed.Groups["new_state"].Success && parsed.Groups["new_state"].Length > 0)
                {
                    newState = parsed.Groups["new_state"].Value;
                }
                if (lineOp == LineOp.Continue && newState is not null)
                {
                    throw Fail(lineNumber, $"Action 'Continue' with new state {newState} specified.");
                }
                if (lineOp != LineOp.Error && newState is not null && !LeadingWord().IsMatch(newState))
                {
                    throw Fail(lineNumber, "Alphanumeric characters only in state names.");
                }
            }
            return new TextFsmRule(lineNumber, match, regex, [.. assignments], lineOp, recordOp, newState);
        }

        /// <summary>Python's <c>string.Template.substitute</c>: <c>$$</c>, <c>$NAME</c>, <c>${NAME}</c>.</summary>
        private string Substitute(string match, int lineNumber)
        {
            if (!match.Contains('$', StringComparison.Ordinal))
            {
                return match;
            }
            var result = new StringBuilder(match.Length + 32);
            var i = 0;
            while (i < match.Length)
            {
                var c = match[i];
                if (c != '$')
                {
                    result.Append(c);
                    i++;
                    continue;
                }
                var identifier = Placeholder().Match(match, i);
                if (!identifier.Success)
                {
                    throw Fail(lineNumber, $"Duplicate or invalid variable substitution: '{match}'.");
                }
                if (identifier.Groups["escaped"].Success)
                {
                    result.Append('$');
                }
                else
                {
                    var key = identifier.Groups["named"].Success ? identifier.Groups["named"].Value : identifier.Groups["braced"].Value;
                    if (!valueMap.TryGetValue(key, out var replacement))
                    {
                        throw Fail(lineNumber, $"Duplicate or invalid variable substitution: '{match}' (no Value named '{key}').");
                    }
                    result.Append(replacement);
                }
                i += identifier.Length;
            }
            return result.ToString();
        }

        private TextFsmTemplate Validate()
        {
            if (!states.Any(s => s.Name == "Start"))
            {
                throw Fail(0, "Missing state 'Start'.");
            }
            foreach (var reserved in new[] { "End", "EOF" })
            {
                var state = states.FirstOrDefault(s => s.Name == reserved);
                if (state.Rules is { Count: > 0 })
                {
                    throw Fail(state.Line, $"Non-Empty '{reserved}' state.");
                }
            }
            var result = states.Where(s => s.Name != "End").Select(s => new TextFsmState(s.Name, [.. s.Rules])).ToArray();
            foreach (var state in result)
            {
                foreach (var rule in state.Rules)
                {
                    if (rule.LineOp == LineOp.Error || rule.NewState is null or "End" or "EOF")
                    {
                        continue;
                    }
                    rule.Target = Array.FindIndex(result, s => s.Name == rule.NewState);
                    if (rule.Target < 0)
                    {
                        throw Fail(rule.Line, $"State '{rule.NewState}' not found, referenced in state '{state.Name}'.");
                    }
                }
            }
            var start = Array.FindIndex(result, s => s.Name == "Start");
            return new TextFsmTemplate(name, values, result, start, states.Any(s => s.Name == "EOF"), compilation);
        }

        private static bool IsComment(string line) => CommentLine().IsMatch(line);

        /// <summary>Python's file iteration: universal newlines, no empty line after a final newline.</summary>
        private static string[] SplitTemplateLines(string text)
        {
            var split = text.ReplaceLineEndings("\n").Split('\n');
            return text.EndsWith('\n') || text.EndsWith('\r') ? split[..^1] : split;
        }
    }

    [GeneratedRegex(@"^\s*#")]
    private static partial Regex CommentLine();

    [GeneratedRegex(@"^(\w+)$")]
    private static partial Regex StateName();

    [GeneratedRegex(@"^\w+")]
    private static partial Regex LeadingWord();

    [GeneratedRegex(@"^(?<match>.*)(\s->(?<action>.*))")]
    private static partial Regex MatchAction();

    [GeneratedRegex(@"^\s+(?<ln_op>Continue|Next|Error)(\.(?<rec_op>Clear|Clearall|Record|NoRecord))?(\s+(?<new_state>\w+|"".*""))?$")]
    private static partial Regex Action();

    [GeneratedRegex(@"^\s+(?<rec_op>Clear|Clearall|Record|NoRecord)(\s+(?<new_state>\w+|"".*""))?$")]
    private static partial Regex Action2();

    [GeneratedRegex(@"^(\s+(?<new_state>\w+|"".*""))?$")]
    private static partial Regex Action3();

    [GeneratedRegex(@"\G\$(?:(?<escaped>\$)|(?<named>[_a-zA-Z][_a-zA-Z0-9]*)|\{(?<braced>[_a-zA-Z][_a-zA-Z0-9]*)\})")]
    private static partial Regex Placeholder();
}

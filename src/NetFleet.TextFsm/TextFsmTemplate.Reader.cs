using System.Text;
using System.Text.RegularExpressions;

namespace NetFleet.TextFsm;

/// <summary>The template file's grammar: Value lines, states and rules, checked as TextFSM checks them.</summary>
public sealed partial class TextFsmTemplate
{
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
                        listRegex = new Regex(@"\A(?:" + translation.Pattern + ")", PythonRegex.Options | (compiled ? RegexOptions.Compiled : 0),
                            PythonRegex.MatchTimeout);
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

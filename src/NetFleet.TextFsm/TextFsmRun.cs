using System.Text.RegularExpressions;

namespace NetFleet.TextFsm;

/// <summary>
/// One pass of a template's state machine over some output, with textfsm's record semantics:
/// option hooks run in declaration order, a value a rule's optional group missed is set to None
/// (null), a record of nothing but None and empty lists is dropped, and a Required value that is
/// empty clears the record instead.
/// </summary>
internal sealed class TextFsmRun
{
    private readonly TextFsmTemplate template;
    private readonly TextFsmValue[] values;
    private readonly object?[] current;       // textfsm's value.value: string, list, or None
    private readonly string?[] filldown;
    private readonly List<object?>?[] lists;
    private readonly List<object[]> result = [];
    private int state;
    private string stateName = "Start";

    /// <summary>How many times a rule's regex was tried: what compiling the regexes would speed up.</summary>
    public long Attempts { get; private set; }

    public TextFsmRun(TextFsmTemplate template)
    {
        this.template = template;
        values = [.. template.Values];
        current = new object?[values.Length];
        filldown = new string?[values.Length];
        lists = new List<object?>?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].IsList)
            {
                lists[i] = [];
            }
        }
        state = template.StartState;
    }

    public List<object[]> Run(string text, bool eof)
    {
        var position = 0;
        while (NextLine(text, ref position, out var start, out var length))
        {
            CheckLine(text, start, length);
            if (stateName is "End" or "EOF")
            {
                break;
            }
        }
        if (stateName != "End" && !template.HasEofState && eof)
        {
            AppendRecord();
        }
        return result;
    }

    /// <summary>Python's str.splitlines: every line boundary it knows, no empty line after the last.</summary>
    private static bool NextLine(string text, ref int position, out int start, out int length)
    {
        start = position;
        if (position >= text.Length)
        {
            length = 0;
            return false;
        }
        var end = text.AsSpan(position).IndexOfAny(LineBreaks);
        if (end < 0)
        {
            length = text.Length - position;
            position = text.Length;
            return true;
        }
        length = end;
        position += end + 1;
        if (text[position - 1] == '\r' && position < text.Length && text[position] == '\n')
        {
            position++;
        }
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> LineBreaks =
        System.Buffers.SearchValues.Create("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029");

    private void CheckLine(string text, int start, int length)
    {
        var rules = template.States[state].Rules;
        foreach (var rule in rules)
        {
            Attempts++;
            Match match;
            try
            {
                match = rule.Regex.Match(text, start, length);
            }
            catch (RegexMatchTimeoutException)
            {
                throw new TemplateException(rule.Line, $"the rule's regular expression ran past {PythonRegex.MatchTimeout.TotalSeconds:0} s on the "
                    + $"input line '{Shorten(text.Substring(start, length))}': it backtracks without end on this output", template.Name);
            }

            if (!match.Success)
            {
                continue;
            }
            foreach (var (group, value) in rule.Assignments)
            {
                var g = match.Groups[group];
                AssignVar(value, g.Success ? g.Value : null);
            }
            if (Operations(rule, text, start, length))
            {
                if (rule.NewState is not null)
                {
                    if (rule.Target >= 0)
                    {
                        state = rule.Target;
                    }
                    stateName = rule.NewState;
                }
                break;
            }
        }
    }

    private bool Operations(TextFsmRule rule, string text, int start, int length)
    {
        switch (rule.RecordOp)
        {
            case RecordOp.Record:
                AppendRecord();
                break;
            case RecordOp.Clear:
                ClearRecord();
                break;
            case RecordOp.Clearall:
                ClearAllRecord();
                break;
        }
        return rule.LineOp switch
        {
            LineOp.Error => throw new TextFsmErrorException(rule.NewState, rule.Line, text.Substring(start, length)),
            LineOp.Continue => false,
            _ => true,
        };
    }

    private void AssignVar(int index, string? value)
    {
        current[index] = value;
        var definition = values[index];
        foreach (var option in definition.Options)
        {
            switch (option)
            {
                case ValueOption.Filldown:
                    filldown[index] = value;
                    break;
                case ValueOption.Fillup:
                    if (!string.IsNullOrEmpty(value))
                    {
                        for (var r = result.Count - 1; r >= 0; r--)
                        {
                            if (Truthy(result[r][index]))
                            {
                                break;
                            }
                            result[r][index] = value;
                        }
                    }
                    break;
                case ValueOption.List:
                    lists[index]!.Add(ListItem(definition, value));
                    break;
            }
        }
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..77] + "...";

    private static object? ListItem(TextFsmValue definition, string? value)
    {
        if (definition.ListRegex is null || value is null)
        {
            return value;
        }
        var match = definition.ListRegex.Match(value);
        if (!match.Success)
        {
            return value;
        }
        var item = new Dictionary<string, string?>(definition.ListGroupNames.Count, StringComparer.Ordinal);
        foreach (var name in definition.ListGroupNames)
        {
            var g = match.Groups[name];
            item[name] = g.Success ? g.Value : null;
        }
        return item;
    }

    private void ClearRecord()
    {
        for (var i = 0; i < values.Length; i++)
        {
            current[i] = null;
            if (values[i].IsFilldown)
            {
                current[i] = filldown[i];
            }
            else if (values[i].IsList)
            {
                lists[i]!.Clear();
            }
        }
    }

    private void ClearAllRecord()
    {
        for (var i = 0; i < values.Length; i++)
        {
            current[i] = null;
            filldown[i] = null;
            lists[i]?.Clear();
        }
    }

    private void AppendRecord()
    {
        if (values.Length == 0)
        {
            return;
        }
        for (var i = 0; i < values.Length; i++)
        {
            foreach (var option in values[i].Options)
            {
                if (option == ValueOption.Required && !Truthy(current[i]))
                {
                    ClearRecord();
                    return;
                }
                if (option == ValueOption.List)
                {
                    current[i] = lists[i]!.ToArray();
                }
            }
        }
        var empty = true;
        for (var i = 0; i < values.Length && empty; i++)
        {
            empty = current[i] is null or object?[] { Length: 0 };
        }
        if (empty)
        {
            return;
        }
        var row = new object[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            row[i] = current[i] ?? "";
        }
        result.Add(row);
        ClearRecord();
    }

    private static bool Truthy(object? value) => value switch
    {
        null => false,
        string s => s.Length > 0,
        object?[] list => list.Length > 0,
        _ => true,
    };
}

namespace NetFleet.TextFsm;

/// <summary>
/// The templates one index row names, applied to an output as textfsm's clitable applies them. Each
/// template parses the whole output. The first template's records are the rows; every later template
/// only adds the columns the table does not have yet, copying them into each row from the first of its
/// own records that agrees with the row on every Key column (or, when no template so far declares a
/// Key, from its record at the same position). A row no record matches keeps an empty string there,
/// and records of a later template that match no row are dropped.
/// </summary>
public sealed class TextFsmTable
{
    private readonly Step[] steps;

    /// <param name="templates">The templates, first one first (an index row's <c>a:b:c</c>).</param>
    /// <param name="source">The index and its line, for errors: "templates/index:261".</param>
    /// <exception cref="TemplateException">A Key column to join on is missing from the table or from a later template.</exception>
    public TextFsmTable(IReadOnlyList<TextFsmTemplate> templates, string? source = null)
    {
        if (templates.Count == 0)
        {
            throw new ArgumentException("A table needs at least one template.", nameof(templates));
        }
        Templates = templates;
        var header = new List<string>(templates[0].Header);
        var keys = KeyColumns(templates[0]);
        var steps = new List<Step>();
        foreach (var template in templates.Skip(1))
        {
            // clitable takes the Key set of the first template that declares one, even a later one.
            if (keys.Count == 0)
            {
                keys = KeyColumns(template);
            }
            var own = template.Header.ToList();
            foreach (var key in keys)
            {
                if (!header.Contains(key) || !own.Contains(key))
                {
                    throw new TemplateException(0,
                        $"Key column '{key}' is not in both the table ({string.Join(", ", header)}) and {template.Name} ({string.Join(", ", own)}): clitable cannot join them. Declare the same Key values in every template of the row.",
                        source);
                }
            }
            var added = own.Where(column => !header.Contains(column)).ToArray();
            if (added.Length == 0)
            {
                continue;
            }
            steps.Add(new Step(
                template,
                keys.Select(k => (header.IndexOf(k), own.IndexOf(k))).ToArray(),
                added.Select(column => own.IndexOf(column)).ToArray()));
            header.AddRange(added);
        }
        this.steps = [.. steps];
        Header = header;
        Keys = header.Select(h => h.ToLowerInvariant()).ToArray();
    }

    public IReadOnlyList<TextFsmTemplate> Templates { get; }

    /// <summary>The template names joined with ':', as the index writes them.</summary>
    public string Name => string.Join(':', Templates.Select(t => t.Name));

    /// <summary>The columns: the first template's values, then each later template's new ones.</summary>
    public IReadOnlyList<string> Header { get; }

    private IReadOnlyList<string> Keys { get; }

    /// <summary>
    /// The records as ntc-templates returns them: keys are the columns in lower case, a value is a
    /// string or a list.
    /// </summary>
    /// <exception cref="TextFsmErrorException">An <c>Error</c> action fired in one of the templates.</exception>
    public IReadOnlyList<IReadOnlyDictionary<string, object>> ParseText(string output)
    {
        return TextFsmTemplate.Records(Keys, ParseTextToRows(output));
    }

    /// <summary>The merged records as rows in <see cref="Header"/> order.</summary>
    public IReadOnlyList<object[]> ParseTextToRows(string output)
    {
        var rows = Templates[0].ParseTextToRows(output).Select(row => Widen(AsClitable(row), Header.Count)).ToList();
        var width = Templates[0].Header.Count;
        foreach (var step in steps)
        {
            var others = step.Template.ParseTextToRows(output).Select(AsClitable).ToList();
            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                var from = step.Keys.Length == 0
                    ? r < others.Count ? others[r] : null
                    : others.Find(other => step.Keys.All(k => SameValue(row[k.Table], other[k.Template])));
                for (var c = 0; c < step.Added.Length; c++)
                {
                    row[width + c] = from is null ? "" : from[step.Added[c]];
                }
            }
            width += step.Added.Length;
        }
        return rows;
    }

    /// <summary>
    /// clitable stores every value through Python's <c>str()</c>, so a List item whose group did not
    /// take part becomes the text <c>None</c>; ntc-templates' records (and so its users) carry that
    /// text. <see cref="TextFsmTemplate.ParseText"/> keeps null, which is what the engine knows, for
    /// callers that want textfsm's own ParseText. Dictionary items stay dictionaries: clitable would
    /// flatten them into a Python literal no caller can read, and no ntc-template makes them.
    /// </summary>
    private static object[] AsClitable(object[] row)
    {
        for (var i = 0; i < row.Length; i++)
        {
            if (row[i] is object?[] list && Array.IndexOf(list, null) >= 0)
            {
                row[i] = list.Select(item => item ?? "None").ToArray();
            }
        }
        return row;
    }

    private static object[] Widen(object[] row, int width)
    {
        if (row.Length == width)
        {
            return row;
        }
        var wide = new object[width];
        row.CopyTo(wide, 0);
        return wide;
    }

    private static bool SameValue(object a, object b) => (a, b) switch
    {
        (string x, string y) => x == y,
        (object?[] x, object?[] y) => x.SequenceEqual(y),
        _ => Equals(a, b),
    };

    private static List<string> KeyColumns(TextFsmTemplate template) =>
        template.Values.Where(v => v.Has(ValueOption.Key)).Select(v => v.Name).ToList();

    /// <param name="Keys">Each Key column's index in the table and in the template's rows.</param>
    /// <param name="Added">The template's columns the table gains, as indexes into its rows.</param>
    private sealed record Step(TextFsmTemplate Template, (int Table, int Template)[] Keys, int[] Added);
}

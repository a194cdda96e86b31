using System.Collections;
using NetFleet.Core.Diagnostics;
using Scriban;
using Scriban.Parsing;
using Scriban.Syntax;

namespace NetFleet.Core.Templating;

/// <summary>
/// A string that may contain Scriban <c>{{ … }}</c>. Text without braces stays a literal and costs nothing.
/// When the whole text is one <c>{{ expression }}</c>, <see cref="Evaluate"/> returns the expression's own value
/// (a list stays a list), as Ansible does for <c>loop: "{{ servers }}"</c>.
/// </summary>
public sealed class TemplateText
{
    private readonly Template? _template;
    private readonly ScriptExpression? _single;
    private readonly TextOrigin _origin;

    private TemplateText(string source, Template? template, ScriptExpression? single, TextOrigin origin)
    {
        Source = source;
        _template = template;
        _single = single;
        _origin = origin;
    }

    public string Source { get; }

    public bool IsLiteral => _template is null;

    /// <summary>Compiles text not tied to a file (tests, the CLI); errors are located at "&lt;inline&gt;".</summary>
    public static TemplateText Parse(string source, out IReadOnlyList<Diagnostic> diagnostics)
    {
        var bag = new DiagnosticBag();
        var result = Compile(source, TextOrigin.Inline("<inline>"), bag);
        diagnostics = bag.ToList();
        return result;
    }

    internal static TemplateText Compile(string source, TextOrigin origin, DiagnosticBag diagnostics)
    {
        if (!source.Contains("{{", StringComparison.Ordinal) && !source.Contains("{%", StringComparison.Ordinal))
            return new TemplateText(source, null, null, origin);
        var template = Template.Parse(source);
        if (ScribanHost.ReportErrors(template, source, origin, diagnostics) || ScribanHost.ReportUnclosedCode(source, origin, diagnostics))
            return new TemplateText(source, null, null, origin);
        return new TemplateText(source, template, template.Page is null ? null : SingleExpression(template.Page), origin);
    }

    public string Render(VariableScope scope)
    {
        if (_template is null) return Source;
        var context = ScribanHost.NewContext(scope);
        return ScribanHost.Run(() => _template.Render(context), _origin);
    }

    public object? Evaluate(VariableScope scope)
    {
        if (_single is null) return Render(scope);
        var context = ScribanHost.NewContext(scope);
        return VariableScope.ToPlain(ScribanHost.Run(() => context.Evaluate(_single), _origin));
    }

    public override string ToString() => Source;

    private static ScriptExpression? SingleExpression(ScriptPage page)
    {
        var statements = page.Body?.Statements;
        if (statements is null) return null;
        // {{ and }} appear as escape statements; whitespace around them as raw text.
        var code = statements
            .Where(s => s is not ScriptEscapeStatement && !(s is ScriptRawStatement raw && string.IsNullOrWhiteSpace(raw.ToString())))
            .ToList();
        return code is [ScriptExpressionStatement { Expression: var e }] ? e : null;
    }
}

/// <summary>
/// A boolean condition for <c>when</c> and <c>assert.that</c>: a bare Scriban expression, as Ansible writes
/// <c>when: result.changed</c>. A condition wrapped in <c>{{ }}</c> is accepted too.
/// </summary>
public sealed class TemplateExpression
{
    private readonly ScriptExpression _expression;
    private readonly TextOrigin _origin;

    private TemplateExpression(string source, ScriptExpression expression, TextOrigin origin)
    {
        Source = source;
        _expression = expression;
        _origin = origin;
    }

    public string Source { get; }

    public static TemplateExpression? Parse(string source, out IReadOnlyList<Diagnostic> diagnostics)
    {
        var bag = new DiagnosticBag();
        var result = Compile(source, TextOrigin.Inline("<inline>"), bag);
        diagnostics = bag.ToList();
        return result;
    }

    internal static TemplateExpression? Compile(string source, TextOrigin origin, DiagnosticBag diagnostics)
    {
        // Blank out the braces instead of cutting them, so Scriban's columns still match the file.
        var code = source;
        var trimmed = source.Trim();
        if (trimmed.StartsWith("{{", StringComparison.Ordinal) && trimmed.EndsWith("}}", StringComparison.Ordinal))
        {
            var open = source.IndexOf("{{", StringComparison.Ordinal);
            var close = source.LastIndexOf("}}", StringComparison.Ordinal);
            code = source[..open] + "  " + source[(open + 2)..close] + "  " + source[(close + 2)..];
        }
        var template = Template.Parse(code, lexerOptions: new LexerOptions { Mode = ScriptMode.ScriptOnly });
        if (ScribanHost.ReportErrors(template, code, origin, diagnostics) || ScribanHost.ReportPythonOperators(code, origin, diagnostics)) return null;
        var statements = template.Page?.Body?.Statements.Where(s => s is not ScriptNopStatement).ToList() ?? [];
        if (statements is [ScriptExpressionStatement { Expression: { } expression }] && expression is not ScriptAssignExpression)
            return new TemplateExpression(source, expression, origin);
        diagnostics.Error(origin.Locate(0, 0), DiagnosticCodes.TemplateSyntax,
            $"expected a single expression, found '{source.Trim()}'", "a condition looks like: result.changed && host.platform == \"cisco_ios\"");
        return null;
    }

    public object? Evaluate(VariableScope scope)
    {
        var context = ScribanHost.NewContext(scope);
        return VariableScope.ToPlain(ScribanHost.Run(() => context.Evaluate(_expression), _origin));
    }

    /// <summary>Ansible truthiness: null, false, 0, "" and empty collections are false.</summary>
    public bool IsTrue(VariableScope scope) => Truthy(Evaluate(scope));

    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        decimal m => m != 0,
        ICollection c => c.Count > 0,
        IEnumerable e => e.Cast<object>().Any(),
        _ => true,
    };

    public override string ToString() => Source;
}

/// <summary>Raised when a template fails while rendering; carries a diagnostic located in the source file.</summary>
public sealed class TemplateEvaluationException(Diagnostic diagnostic) : Exception(diagnostic.ToString())
{
    public Diagnostic Diagnostic { get; } = diagnostic;
}

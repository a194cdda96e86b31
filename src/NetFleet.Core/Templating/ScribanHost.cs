using NetFleet.Core.Diagnostics;
using System.Text.RegularExpressions;
using Scriban;
using Scriban.Parsing;
using Scriban.Syntax;

namespace NetFleet.Core.Templating;

/// <summary>The one place that configures Scriban, so every template behaves the same.</summary>
internal static partial class ScribanHost
{
    public static TemplateContext NewContext(VariableScope scope)
    {
        var context = new TemplateContext
        {
            // A misspelt variable must fail the task, not render as an empty string into a device config.
            StrictVariables = true,
            // Keys are the names users wrote in YAML, not .NET names in snake_case.
            MemberRenamer = member => member.Name,
            LoopLimit = 10_000,
            RecursiveLimit = 64,
        };
        foreach (var layer in scope.ToScriptObjects()) context.PushGlobal(layer);
        return context;
    }

    /// <summary>Reports Scriban's parse errors at their place in the file; true when there were errors.</summary>
    public static bool ReportErrors(Template template, string source, TextOrigin origin, DiagnosticBag diagnostics)
    {
        if (!template.HasErrors) return false;
        foreach (var message in template.Messages.Where(m => m.Type == ParserMessageType.Error))
        {
            // Scriban reports "unexpected end of text" at -1:-1; point at the end of the text instead.
            var (line, column) = message.Span.Start.Line >= 0
                ? (message.Span.Start.Line, message.Span.Start.Column)
                : (source.Count(c => c == '\n'), source.Length - source.LastIndexOf('\n') - 1);
            var at = origin.Locate(line, column);
            diagnostics.Error(at, DiagnosticCodes.TemplateSyntax, $"template error: {message.Message}");
        }
        return true;
    }

    /// <summary>
    /// Scriban ends an unclosed <c>{{</c> at the end of the text without complaint, so
    /// <c>ntp server {{ ntp_server </c> would parse and only the device would see the damage; true when reported.
    /// </summary>
    public static bool ReportUnclosedCode(string source, TextOrigin origin, DiagnosticBag diagnostics)
    {
        Token? open = null;
        foreach (var token in new Lexer(source))
        {
            if (token.Type == TokenType.CodeEnter) open = token;
            else if (token.Type == TokenType.CodeExit) open = null;
        }
        if (open is not { } enter) return false;
        diagnostics.Error(origin.Locate(enter.Start.Line, enter.Start.Column), DiagnosticCodes.TemplateSyntax,
            "template error: '{{' is not closed", "end the expression with '}}'");
        return true;
    }

    /// <summary>
    /// Ansible users write <c>and</c>/<c>or</c>/<c>not</c>; Scriban would parse <c>a and b</c> as a call to a
    /// function <c>a</c> and fail only at run time, so it is caught while validating.
    /// </summary>
    public static bool ReportPythonOperators(string source, TextOrigin origin, DiagnosticBag diagnostics)
    {
        var code = QuotedString().Replace(source, m => new string(' ', m.Length));
        var match = PythonOperator().Match(code);
        if (!match.Success) return false;
        var line = code[..match.Index].Count(c => c == '\n');
        var lineStart = match.Index == 0 ? 0 : code.LastIndexOf('\n', match.Index - 1) + 1;
        diagnostics.Error(origin.Locate(line, match.Index - lineStart), DiagnosticCodes.TemplateSyntax,
            $"'{match.Value}' is not a Scriban operator", "use '&&' for and, '||' for or, '!' for not");
        return true;
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"(?<![\w.])(and|or|not|is)(?![\w.(])")]
    private static partial Regex PythonOperator();

    public static T Run<T>(Func<T> evaluate, TextOrigin origin)
    {
        try
        {
            return evaluate();
        }
        catch (ScriptRuntimeException e)
        {
            var at = origin.Locate(e.Span.Start.Line, e.Span.Start.Column);
            throw new TemplateEvaluationException(
                new Diagnostic(at, Severity.Error, DiagnosticCodes.TemplateRuntime, e.OriginalMessage));
        }
    }
}

namespace NetFleet.Core.Diagnostics;

/// <summary>Prints diagnostics the way compilers do, so editors and CI annotate the right line.</summary>
public static class DiagnosticFormatter
{
    /// <example>playbooks/x.yaml:12:5: error NF1003: unknown module 'confg' (did you mean 'config'?)</example>
    public static string Format(Diagnostic d)
    {
        var place = d.Line > 0 ? $"{d.File}:{d.Line}:{d.Column}" : d.File;
        var severity = d.Severity == Severity.Error ? "error" : "warning";
        var hint = d.Hint is null ? "" : $" ({d.Hint})";
        return $"{place}: {severity} {d.Code}: {d.Message}{hint}";
    }

    public static string FormatAll(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(Format));

    /// <summary>Errors first by place, then a summary line such as "2 errors, 1 warning".</summary>
    public static string Summary(IReadOnlyCollection<Diagnostic> diagnostics)
    {
        var errors = diagnostics.Count(d => d.IsError);
        var warnings = diagnostics.Count - errors;
        return $"{errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}";
    }
}

namespace NetFleet.Core.Diagnostics;

/// <summary>Collects diagnostics while a file is checked; nothing stops at the first error.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public bool HasErrors => _items.Exists(d => d.IsError);

    public int ErrorCount => _items.Count(d => d.IsError);

    public void Error(SourceLocation at, string code, string message, string? hint = null) =>
        _items.Add(new Diagnostic(at, Severity.Error, code, message, hint));

    public void Warning(SourceLocation at, string code, string message, string? hint = null) =>
        _items.Add(new Diagnostic(at, Severity.Warning, code, message, hint));

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    /// <summary>In file order, so output reads top to bottom like a compiler's.</summary>
    public IReadOnlyList<Diagnostic> ToList() =>
        _items.Distinct().OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column).ToList();
}

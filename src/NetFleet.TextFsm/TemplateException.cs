namespace NetFleet.TextFsm;

/// <summary>A template that textfsm would refuse, with the template line at fault (1-based; 0 when no line applies).</summary>
public sealed class TemplateException : Exception
{
    public TemplateException(int line, string reason, string? source = null)
        : base(Format(line, reason, source))
    {
        Line = line;
        Reason = reason;
        TemplateName = source;
    }

    public int Line { get; }

    public string Reason { get; }

    /// <summary>The template's name or path, when known.</summary>
    public string? TemplateName { get; }

    private static string Format(int line, string reason, string? source) =>
        (source, line) switch
        {
            (null, 0) => reason,
            (null, _) => $"line {line}: {reason}",
            (_, 0) => $"{source}: {reason}",
            _ => $"{source}:{line}: {reason}",
        };
}

/// <summary>An <c>Error</c> action fired while parsing output: textfsm discards every record.</summary>
public sealed class TextFsmErrorException(string? errorMessage, int ruleLine, string inputLine)
    : Exception(errorMessage is null
        ? $"State Error raised. Rule Line: {ruleLine}. Input Line: {inputLine}"
        : $"Error: {errorMessage}. Rule Line: {ruleLine}. Input Line: {inputLine}.")
{
    /// <summary>The message written after <c>Error</c> in the template, if any (quotes kept, as textfsm does).</summary>
    public string? ErrorMessage { get; } = errorMessage;

    public int RuleLine { get; } = ruleLine;

    public string InputLine { get; } = inputLine;
}

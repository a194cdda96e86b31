namespace NetFleet.Core.Diagnostics;

public enum Severity { Error, Warning }

/// <summary>A place in a source file; line and column are 1-based, 0 means "the whole file".</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>
/// A problem a user can fix, with its place. Errors users see are values like this one,
/// never exceptions, so a whole file is checked in one pass.
/// </summary>
public sealed record Diagnostic(
    string File, int Line, int Column, Severity Severity, string Code, string Message, string? Hint = null)
{
    public Diagnostic(SourceLocation at, Severity severity, string code, string message, string? hint = null)
        : this(at.File, at.Line, at.Column, severity, code, message, hint) { }

    public bool IsError => Severity == Severity.Error;

    public SourceLocation Location => new(File, Line, Column);

    public override string ToString() => DiagnosticFormatter.Format(this);
}

/// <summary>All diagnostic codes in one place: NF1xxx playbooks, NF2xxx inventory, NF3xxx host selection.</summary>
public static class DiagnosticCodes
{
    public const string YamlSyntax = "NF1001";
    public const string UnknownKey = "NF1002";
    public const string UnknownModule = "NF1003";
    public const string WrongType = "NF1004";
    public const string DuplicateKey = "NF1005";
    public const string MissingKey = "NF1006";
    public const string ModuleCount = "NF1007";
    public const string InvalidName = "NF1008";
    public const string BadDuration = "NF1009";
    public const string BadSerial = "NF1010";
    public const string TemplateSyntax = "NF1011";
    public const string FileNotFound = "NF1012";
    public const string InvalidValue = "NF1013";
    public const string Empty = "NF1014";
    public const string TemplateRuntime = "NF1015";
    public const string ParserTemplate = "NF1016";

    public const string UnknownGroupReference = "NF2001";
    public const string GroupCycle = "NF2002";
    public const string BadSecretReference = "NF2003";

    public const string UnknownHostOrGroup = "NF3001";
    public const string BadSelection = "NF3002";
    public const string NoHostsMatched = "NF3003";
}

using System.Text.RegularExpressions;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks;

/// <summary>Rules for names users give to variables (vars, register, set_fact): they must work in a Scriban expression.</summary>
internal static partial class Names
{
    /// <summary>Names the template variable model owns, and Scriban keywords that cannot be variables.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "host", "item",
        "if", "else", "end", "for", "in", "while", "func", "ret", "capture", "case", "when", "with", "wrap",
        "include", "readonly", "import", "break", "continue", "tablerow", "true", "false", "null", "this", "empty",
    };

    public static bool IsIdentifier(string name) => Identifier().IsMatch(name);

    public static bool Check(YScalar name, string what, DiagnosticBag diagnostics)
    {
        if (!IsIdentifier(name.Value))
        {
            diagnostics.Error(name.Start, DiagnosticCodes.InvalidName, $"'{name.Value}' is not a valid {what} name",
                "use letters, digits and underscores, not starting with a digit");
            return false;
        }
        if (Reserved.Contains(name.Value))
        {
            diagnostics.Error(name.Start, DiagnosticCodes.InvalidName, $"'{name.Value}' is reserved and cannot be a {what} name");
            return false;
        }
        return true;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}

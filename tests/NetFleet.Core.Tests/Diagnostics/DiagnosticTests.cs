using NetFleet.Core.Diagnostics;

namespace NetFleet.Core.Tests.Diagnostics;

public class DiagnosticTests
{
    [Fact]
    public void Formats_like_a_compiler_with_the_hint_in_parentheses()
    {
        var d = new Diagnostic("playbooks/x.yaml", 12, 5, Severity.Error, "NF1003", "unknown module 'confg'", "did you mean 'config'?");

        Assert.Equal("playbooks/x.yaml:12:5: error NF1003: unknown module 'confg' (did you mean 'config'?)", d.ToString());
    }

    [Fact]
    public void File_level_diagnostics_print_without_line_and_column()
    {
        var d = new Diagnostic("inventory/hosts.yaml", 0, 0, Severity.Warning, "NF1012", "missing");

        Assert.Equal("inventory/hosts.yaml: warning NF1012: missing", d.ToString());
    }

    [Theory]
    [InlineData("confg", "config")]
    [InlineData("regster", "register")]
    [InlineData("comand", "command")]
    [InlineData("stf", null)]
    [InlineData("ztp_install", null)]
    public void Suggests_the_closest_name_within_a_few_edits(string typo, string? expected)
    {
        string[] known = ["command", "config", "assert", "set_fact", "pause", "register", "when"];

        Assert.Equal(expected, DidYouMean.Closest(typo, known));
    }
}

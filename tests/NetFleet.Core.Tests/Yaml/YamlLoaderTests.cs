using NetFleet.Core.Diagnostics;
using NetFleet.Core.Tests.Playbooks;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Tests.Yaml;

public class YamlLoaderTests
{
    private static Diagnostic SingleError(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        Assert.Null(YamlLoader.Parse(yaml, "tabs.yaml", diagnostics));
        return Assert.Single(diagnostics.ToList());
    }

    [Theory]
    // A tab alone as the indentation of a mapping key: YamlDotNet says 1:1.
    [InlineData("a:\n\tb: 1\n", 2, 1)]
    [InlineData("- hosts: all\n  tasks:\n\t- command: show version\n", 3, 1)]
    // After a plain scalar YamlDotNet points at that scalar, a line above the tab.
    [InlineData("- hosts: all\n  tasks:\n    - command: show version\n\t  register: version\n", 4, 1)]
    [InlineData("- hosts: all\n  tasks:\n    - command: show version\n  \tregister: version\n", 4, 3)]
    [InlineData("a:\r\n  b: 1\r\n\tc: 2\r\n", 3, 1)]
    [InlineData("a:\n  b: 1\n\t\n  c: 2\n", 3, 1)]
    // Tabs inside a block scalar and after a dash are content and separation, not indentation.
    [InlineData("a: |\n  x\n  \ty\nb:\n  - x\n  -\ty\n\t- z\n", 7, 1)]
    [InlineData("a: |\n  x\n\tfoo\nb: 1\n", 3, 1)]
    public void A_tab_in_indentation_is_reported_at_the_tab(string yaml, int line, int column)
    {
        var d = SingleError(yaml);

        Assert.Equal(DiagnosticCodes.YamlSyntax, d.Code);
        Assert.Equal(("tabs.yaml", line, column), (d.File, d.Line, d.Column));
        Assert.Equal("tab character in indentation; YAML indents with spaces", d.Message);
        Assert.Equal("replace the tab with spaces", d.Hint);
    }

    [Fact]
    public void Validate_prints_a_tab_on_line_4_at_line_4()
    {
        var (result, path) = PlaybookSnippet.Load("- hosts: all\n  tasks:\n    - command: show version\n\t  register: version\n");

        Assert.Null(result.Playbook);
        Assert.Equal($"{path}:4:1: error NF1001: tab character in indentation; YAML indents with spaces (replace the tab with spaces)",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void Other_syntax_errors_keep_the_parser_position()
    {
        var d = SingleError("a: \"unclosed\n\tb: 1\n");

        Assert.Equal(DiagnosticCodes.YamlSyntax, d.Code);
        Assert.DoesNotContain("tab character", d.Message);
    }
}

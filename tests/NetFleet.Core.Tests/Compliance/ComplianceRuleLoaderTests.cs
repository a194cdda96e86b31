using NetFleet.Core.Compliance;
using NetFleet.Core.Diagnostics;

namespace NetFleet.Core.Tests.Compliance;

public sealed class ComplianceRuleLoaderTests
{
    private static ComplianceLoadResult Load(string yaml) => ComplianceRuleLoader.LoadText(yaml.ReplaceLineEndings("\n"), "rules.yaml");

    private static Diagnostic SingleError(ComplianceLoadResult result)
    {
        Assert.False(result.Succeeded);
        return Assert.Single(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void The_sample_rule_set_loads_without_problems()
    {
        var result = ComplianceRuleLoader.Load(TestFiles.RepositoryPath("compliance"));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.Rules!.Rules, r => r is { Name: "interface-description", Scope.Text: "interface GigabitEthernet*" });
        Assert.Contains(result.Rules.Rules, r => r is { Name: "loopback-up", Command.Parse: "textfsm" });
    }

    [Fact]
    public void A_misspelt_key_is_reported_at_the_key_with_the_closest_one()
    {
        var error = SingleError(Load("""
            - name: ntp
              must_contian: ntp server 10.0.0.1
            """));
        Assert.Equal(("rules.yaml", 2, 3), (error.File, error.Line, error.Column));
        Assert.Contains("unknown key 'must_contian' in rule", error.Message);
        Assert.Contains("must_contain", error.Hint);
    }

    [Fact]
    public void A_wrong_severity_is_reported_at_its_value_with_a_suggestion()
    {
        var error = SingleError(Load("""
            - name: ntp
              severity: eror
              must_contain: ntp server 10.0.0.1
            """));
        Assert.Equal((2, 13), (error.Line, error.Column));
        Assert.Contains("'eror' is not a severity", error.Message);
        Assert.Contains("error", error.Hint);
    }

    [Fact]
    public void A_rule_without_a_check_or_with_two_is_refused()
    {
        var none = SingleError(Load("- name: nothing\n  severity: info\n"));
        Assert.Contains("rule 'nothing' has no check", none.Message);
        Assert.Equal((1, 3), (none.Line, none.Column));

        var two = SingleError(Load("- name: both\n  must_contain: a\n  must_not_contain: b\n"));
        Assert.Contains("more than one check ('must_contain' and 'must_not_contain')", two.Message);
        Assert.Equal(3, two.Line);
    }

    [Fact]
    public void A_bad_regular_expression_is_reported_at_its_scalar()
    {
        var error = SingleError(Load("- name: re\n  must_contain: \"regex:^ntp (server\"\n"));
        Assert.Equal((2, 17), (error.Line, error.Column));
        Assert.Contains("not a valid regular expression", error.Message);
    }

    [Fact]
    public void A_command_rule_needs_assertions_and_an_assertion_needs_a_command()
    {
        var noAssert = SingleError(Load("- name: c\n  command: show version\n  parse: textfsm\n"));
        Assert.Contains("runs a command but asserts nothing", noAssert.Message);

        var noCommand = SingleError(Load("- name: c\n  assert: parsed | array.size > 0\n"));
        Assert.Contains("'assert' goes with 'command'", noCommand.Message);
    }

    [Fact]
    public void An_unknown_parser_is_reported_as_the_command_module_reports_it()
    {
        var error = SingleError(Load("- name: c\n  command: show version\n  parse: textfms\n  assert: output != ''\n"));
        Assert.Contains("unknown parser 'textfms'", error.Message);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_broken_remediation_template_is_located_in_the_rule_file()
    {
        var error = SingleError(Load("- name: r\n  must_contain: a\n  remediation:\n    - \"{{ section \"\n"));
        Assert.Equal(("rules.yaml", 4), (error.File, error.Line));
    }

    [Fact]
    public void An_unknown_platform_is_a_warning_with_a_suggestion()
    {
        var result = Load("- name: p\n  platforms: [ois]\n  must_contain: a\n");
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal((2, 15), (warning.Line, warning.Column));
        Assert.Contains("ios", warning.Hint);
    }

    [Fact]
    public void Two_rules_of_one_name_in_a_folder_are_refused_at_the_second_naming_the_first()
    {
        var folder = Directory.CreateTempSubdirectory("nf-rules-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "a.yaml"), "- name: ntp\n  must_contain: ntp server 1.1.1.1\n");
            File.WriteAllText(Path.Combine(folder.FullName, "b.yaml"), "- name: other\n  must_contain: x\n- name: ntp\n  must_contain: y\n");
            var result = ComplianceRuleLoader.Load(folder.FullName);
            var error = SingleError(result);
            Assert.Equal((Path.Combine(folder.FullName, "b.yaml"), 3), (error.File, error.Line));
            Assert.Contains($"first at {Path.Combine(folder.FullName, "a.yaml")}:1:3", error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_rules_path_says_what_to_give()
    {
        var error = SingleError(ComplianceRuleLoader.Load("/nonexistent/compliance"));
        Assert.Contains("no such compliance rule file or folder", error.Message);
    }
}

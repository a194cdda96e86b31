using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Playbooks;

/// <summary>Every template and expression a playbook holds is parsed while it loads, so <c>validate</c> finds a broken one
/// at its line and column instead of the run finding it on a device.</summary>
public class TemplateValidationTests
{
    private static Diagnostic SingleError(string yaml)
    {
        var (result, path) = PlaybookSnippet.Load(yaml);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(path, error.File);
        Assert.Equal(DiagnosticCodes.TemplateSyntax, error.Code);
        return error;
    }

    [Fact]
    public void Unterminated_braces_in_a_config_line_are_an_error_at_the_opening_braces()
    {
        var error = SingleError("""
            - hosts: all
              tasks:
                - config:
                    lines:
                      - "ntp server {{ ntp_server "
            """);

        // The quoted scalar starts at column 13; its "{{" is 11 characters into the text, after the quote.
        Assert.Equal((5, 25), (error.Line, error.Column));
        Assert.Contains("'{{' is not closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unterminated_braces_in_a_command_are_an_error()
    {
        var error = SingleError("""
            - hosts: all
              tasks:
                - command: show interface {{ item
                  loop: [Gi0/1]
            """);

        Assert.Equal((3, 31), (error.Line, error.Column));
    }

    [Fact]
    public void A_bad_expression_in_when_is_an_error_at_its_place()
    {
        var error = SingleError("""
            - hosts: all
              tasks:
                - command: show version
                  when: host.platform == == "cisco_ios"
            """);

        Assert.Equal(4, error.Line);
        Assert.InRange(error.Column, 13, 45);
    }

    [Fact]
    public void A_bad_template_in_a_loop_is_an_error_at_its_place()
    {
        var error = SingleError("""
            - hosts: all
              tasks:
                - command: "show interface {{ item }}"
                  loop: "{{ interfaces | }}"
            """);

        Assert.Equal(4, error.Line);
        Assert.InRange(error.Column, 13, 36);
    }

    [Fact]
    public void A_bad_template_in_a_loop_list_item_is_an_error()
    {
        var error = SingleError("""
            - hosts: all
              tasks:
                - command: "show interface {{ item }}"
                  loop:
                    - Gi0/1
                    - "{{ uplink "
            """);

        Assert.Equal((6, 12), (error.Line, error.Column));
    }

    [Fact]
    public void A_playbook_with_good_templates_everywhere_is_valid()
    {
        var (result, _) = PlaybookSnippet.Load("""
            - hosts: all
              vars:
                ntp_server: 192.0.2.10
                uplinks: [Gi0/1, Gi0/2]
              tasks:
                - config:
                    lines:
                      - "ntp server {{ ntp_server }}"
                      - "logging host {{ ntp_server | string.replace '10' '11' }}"
                  when: host.platform == "cisco_ios" && !(host.data.skip ?? false)
                - command: "show interface {{ item }}"
                  loop: "{{ uplinks }}"
                - command: "show interface {{ item }}"
                  loop:
                    - "{{ uplinks[0] }}"
                    - Gi0/3
            """);

        Assert.Empty(result.Diagnostics);
        Assert.NotNull(result.Playbook);
    }

    [Theory]
    [InlineData("bench.yaml")]
    [InlineData("capture.yaml")]
    [InlineData("sample.yaml")]
    public void The_repository_playbooks_validate(string name) =>
        Assert.DoesNotContain(PlaybookValidator.Validate(TestFiles.RepositoryPath("playbooks", name), null), d => d.IsError);
}

using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Playbooks;

/// <summary>The <c>wait_for:</c> post-check as the loader reads it, and its mistakes, each at its place.</summary>
public sealed class WaitForTests
{
    private static (PlaybookLoadResult Result, string Path) Load(string checks) => PlaybookSnippet.Load($"""
        - hosts: all
          post_checks:
        {checks}
          tasks:
            - config: {"{"}lines: [router bgp 65001]{"}"}
        """);

    [Fact]
    public void A_wait_for_reads_its_command_parser_conditions_timeout_and_interval()
    {
        var (result, _) = Load("""
                - name: interfaces up
                  wait_for:
                    command: show ip interface brief
                    parse: textfsm
                    that: ["(parsed | array.map 'interface') | array.contains 'Loopback9'"]
                    timeout: 45s
                    interval: 500ms
            """);

        Assert.Empty(result.Diagnostics);
        var check = Assert.Single(result.Playbook!.Plays[0].PostChecks);
        Assert.Equal("interfaces up", check.Name);
        Assert.Equal("show ip interface brief", check.Command!.Command.Source);
        Assert.Equal("textfsm", check.Command.Parse);
        Assert.Single(check.That);
        Assert.Equal((TimeSpan.FromSeconds(45), TimeSpan.FromMilliseconds(500)), (check.WaitFor!.Timeout, check.WaitFor.Interval));
    }

    [Fact]
    public void A_wait_for_without_timeout_or_interval_takes_the_defaults()
    {
        var (result, _) = Load("""
                - wait_for: {command: show ip bgp summary, that: "output | string.contains 'Established'"}
            """);

        Assert.Empty(result.Diagnostics);
        var check = Assert.Single(result.Playbook!.Plays[0].PostChecks);
        Assert.Equal("wait_for", check.Name);
        Assert.Equal((PostCheck.DefaultWaitTimeout, PostCheck.DefaultWaitInterval), (check.WaitFor!.Timeout, check.WaitFor.Interval));
        Assert.Null(result.Playbook.Plays[0].PostChecks.Single().Tcp);
    }

    [Theory]
    [InlineData("""
                - wait_for:
                    command: show ip bgp summary
                    that: ["true"]
                    timeout: soon
            """, 6, 18, DiagnosticCodes.BadDuration, "'soon' is not a duration")]
    [InlineData("""
                - wait_for:
                    command: show ip bgp summary
                    that: ["true"]
                    timeout: 5s
                    interval: 5s
            """, 7, 19, DiagnosticCodes.InvalidValue, "wait_for interval 5s is not shorter than its timeout 5s")]
    [InlineData("""
                - wait_for:
                    command: show ip bgp summary
            """, 4, 9, DiagnosticCodes.MissingKey, "wait_for has no 'that'")]
    [InlineData("""
                - wait_for:
                    that: ["true"]
            """, 4, 9, DiagnosticCodes.MissingKey, "wait_for has no 'command'")]
    [InlineData("""
                - wait_for:
                    command: show ip bgp summary
                    that: ["true"]
                    retries: 3
            """, 6, 9, DiagnosticCodes.UnknownKey, "unknown key 'retries' in wait_for")]
    [InlineData("""
                - wait_for:
                    command: show ip bgp summary
                  that: ["true"]
            """, 5, 7, DiagnosticCodes.InvalidValue, "a wait_for check keeps its conditions inside 'wait_for'")]
    [InlineData("""
                - wait_for:
                    command: show ip bgp summary
                    parse: xml
                    that: ["true"]
            """, 5, 16, DiagnosticCodes.InvalidValue, "unknown parser 'xml'")]
    [InlineData("""
                - wait_for:
                    command: show ip bgp summary
                    that: ["output |"]
            """, 5, 25, DiagnosticCodes.TemplateSyntax, null)]
    public void Wait_for_mistakes_are_reported_at_their_place(string checks, int line, int column, string code, string? message)
    {
        var (result, path) = Load(checks);

        Assert.Null(result.Playbook);
        // A misplaced 'that' also leaves the wait_for without one: both are said, each at its place.
        var d = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error && (message is null || d.Message == message));
        Assert.Equal((path, line, column, code), (d.File, d.Line, d.Column, d.Code));
        if (message is not null) Assert.Equal(message, d.Message);
    }

    [Fact]
    public void Wait_for_timeouts_as_long_as_the_confirm_window_are_refused_at_the_last_timeout()
    {
        var (result, path) = PlaybookSnippet.Load("""
            - hosts: all
              confirm_minutes: 1
              post_checks:
                - wait_for: {command: show ip bgp summary, that: ["true"], timeout: 30s}
                - wait_for: {command: show ip ospf neighbor, that: ["true"], timeout: 30s}
              tasks:
                - config: {lines: [router bgp 65001]}
            """);

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((path, 5, 75), (d.File, d.Line, d.Column));
        Assert.Contains("the wait_for timeouts add up to 60s, as long as the confirm window (1 minute(s))", d.Message);
        Assert.Equal("shorten the timeouts or raise 'confirm_minutes'", d.Hint);
    }
}

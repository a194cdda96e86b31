using NetFleet.Core.Compliance;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Tests.Compliance;

public sealed class ComplianceEvaluatorTests
{
    private const string Ios = """
        version 15.7
        no service password-encryption
        !
        hostname r1
        !
        interface GigabitEthernet0/0
         description uplink
         ip address 10.0.0.1 255.255.255.0
        !
        interface GigabitEthernet0/1
         no ip address
         shutdown
        !
        interface Loopback0
         ip address 10.255.0.1 255.255.255.255
        !
        router bgp 65001
         neighbor 10.0.0.2 remote-as 65002
        !
        no ip http server
        ntp server 10.255.0.1
        end
        """;

    private const string Junos = """
        set version 23.4R1
        set system host-name j1
        set interfaces ge-0/0/0 description uplink
        set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.0/31
        set interfaces ge-0/0/1 unit 0 family inet address 10.0.0.2/31
        set interfaces lo0 unit 0 family inet address 10.255.0.1/32
        """;

    private static readonly VariableScope Host = VariableScope.Empty.With("host",
        new Dictionary<string, object?> { ["name"] = "r1", ["platform"] = "cisco_ios" });

    private static ComplianceRule Rule(string yaml)
    {
        var loaded = ComplianceRuleLoader.LoadText(yaml.ReplaceLineEndings("\n"), "rules.yaml");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        return Assert.Single(loaded.Rules!.Rules);
    }

    private static RuleResult Judge(string yaml, string config = Ios, string platform = "cisco_ios",
        IReadOnlyDictionary<string, CommandAnswer>? answers = null) =>
        Assert.Single(ComplianceEvaluator.Evaluate([Rule(yaml)], platform, config.ReplaceLineEndings("\n"),
            answers ?? new Dictionary<string, CommandAnswer>(), Host));

    [Fact]
    public void A_missing_global_line_fails_and_renders_its_remediation_with_host_variables()
    {
        var result = Judge("""
            - name: pw
              must_contain: service password-encryption
              remediation: ["service password-encryption", "! fixed on {{ host.name }}"]
            """);
        Assert.False(result.Passed);
        Assert.Equal("no line matches 'service password-encryption'", result.Message);
        Assert.Equal(["service password-encryption", "! fixed on r1"], result.Remediation);
    }

    [Fact]
    public void A_line_is_compared_whole_and_a_negated_line_does_not_count_as_present()
    {
        Assert.True(Judge("- name: http\n  must_not_contain: ip http server\n").Passed);
        Assert.False(Judge("- name: http\n  must_not_contain: no ip http server\n").Passed);
        Assert.True(Judge("- name: ntp\n  must_contain: ntp   server 10.255.0.1\n").Passed);
    }

    [Fact]
    public void A_regex_is_searched_in_each_line()
    {
        Assert.True(Judge("- name: ntp\n  must_contain: \"regex:^ntp server 10\\\\.\"\n").Passed);
        Assert.False(Judge("- name: ntp\n  must_contain: \"regex:^ntp server 192\\\\.\"\n").Passed);
    }

    [Fact]
    public void A_scoped_rule_names_every_failing_section_and_remediates_each_with_its_header()
    {
        var result = Judge("""
            - name: desc
              parent: interface GigabitEthernet*
              must_contain: "regex:^description \\S"
              remediation: ["{{ section }}", " description spare"]
            """);
        Assert.False(result.Passed);
        Assert.Equal("missing 'regex:^description \\S' in interface GigabitEthernet0/1", result.Message);
        Assert.Equal(["interface GigabitEthernet0/1", " description spare"], result.Remediation);
    }

    [Fact]
    public void Lines_outside_the_scope_do_not_satisfy_it_and_no_matching_section_passes()
    {
        var bgp = Judge("- name: bgp\n  parent: router bgp *\n  must_contain: bgp log-neighbor-changes\n");
        Assert.False(bgp.Passed);
        Assert.Contains("router bgp 65001", bgp.Message);

        var ospf = Judge("- name: ospf\n  parent: router ospf *\n  must_contain: log-adjacency-changes\n");
        Assert.True(ospf.Passed);
        Assert.Equal("no section matches 'router ospf *'", ospf.Message);

        var loopbackAddress = Judge("- name: lo\n  parent: \"regex:^interface Loopback\\\\d+$\"\n  must_not_contain: \"regex:^ip address 10\\\\.\"\n");
        Assert.False(loopbackAddress.Passed);
        Assert.Contains("interface Loopback0", loopbackAddress.Message);
    }

    [Fact]
    public void Junos_set_lines_form_sections_by_their_beginning()
    {
        var result = Judge("""
            - name: desc
              parent: set interfaces ge-*
              must_contain: "regex:^description \\S"
              remediation: ["{{ section }} description spare"]
            """, Junos, "juniper_junos");
        Assert.False(result.Passed);
        Assert.Equal("missing 'regex:^description \\S' in set interfaces ge-0/0/1", result.Message);
        Assert.Equal(["set interfaces ge-0/0/1 description spare"], result.Remediation);
    }

    [Fact]
    public void Platforms_select_rules_by_full_or_short_name()
    {
        var rules = new[]
        {
            Rule("- name: ios-only\n  platforms: [ios]\n  must_contain: x\n"),
            Rule("- name: junos-full\n  platforms: [juniper_junos]\n  must_contain: x\n"),
            Rule("- name: everywhere\n  must_contain: x\n"),
        };
        var onJunos = ComplianceEvaluator.Evaluate(rules, "juniper_junos", Junos, new Dictionary<string, CommandAnswer>(), Host);
        Assert.Equal(["junos-full", "everywhere"], onJunos.Select(r => r.Rule));
        var onIos = ComplianceEvaluator.Evaluate(rules, "cisco_ios", Ios, new Dictionary<string, CommandAnswer>(), Host);
        Assert.Equal(["ios-only", "everywhere"], onIos.Select(r => r.Rule));
    }

    private const string Brief = """
        Interface                  IP-Address      OK? Method Status                Protocol
        GigabitEthernet0/0         10.0.0.1        YES NVRAM  up                    up
        Loopback0                  10.255.0.1      YES NVRAM  up                    up
        """;

    private const string CommandRule = """
        - name: loopback
          command: show ip interface brief
          parse: textfsm
          assert:
            - (parsed | array.map "interface") | array.contains "Loopback0"
            - output | string.contains "GigabitEthernet0/0"
        """;

    [Fact]
    public void Assertions_judge_the_commands_parsed_output()
    {
        var ok = Judge(CommandRule, answers: new Dictionary<string, CommandAnswer> { ["loopback"] = new(Brief, null) });
        Assert.True(ok.Passed, ok.Message);

        var withoutLoopback = Brief.Split('\n').Where(l => !l.StartsWith("Loopback0", StringComparison.Ordinal));
        var failed = Judge(CommandRule, answers: new Dictionary<string, CommandAnswer> { ["loopback"] = new(string.Join('\n', withoutLoopback), null) });
        Assert.False(failed.Passed);
        Assert.Equal("assertion failed: (parsed | array.map \"interface\") | array.contains \"Loopback0\"", failed.Message);
    }

    [Fact]
    public void A_refused_or_unparsable_command_fails_its_rule_with_the_reason()
    {
        var refused = Judge(CommandRule, answers: new Dictionary<string, CommandAnswer> { ["loopback"] = new(null, "% Invalid input") });
        Assert.Equal("the device refused the command: % Invalid input", refused.Message);

        var garbage = Judge(CommandRule, answers: new Dictionary<string, CommandAnswer> { ["loopback"] = new("this is not a table", null) });
        Assert.False(garbage.Passed);
        Assert.Contains("rejected the output", garbage.Message);
    }

    [Fact]
    public void Remediation_puts_global_lines_before_section_lines_whatever_the_rule_order()
    {
        var loaded = ComplianceRuleLoader.LoadText("""
            - name: desc
              parent: interface GigabitEthernet*
              must_contain: "regex:^description \\S"
            - name: pw
              must_contain: service password-encryption
            """.ReplaceLineEndings("\n"), "rules.yaml");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        var lines = loaded.Rules!.Remediation([("desc", ["interface GigabitEthernet0/1", " description spare"]), ("pw", ["service password-encryption"])]);
        Assert.Equal(["service password-encryption", "interface GigabitEthernet0/1", " description spare"], lines);
    }
}

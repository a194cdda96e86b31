using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;

namespace NetFleet.Core.Tests.Playbooks.Modules;

/// <summary><c>command</c> with <c>parse: textfsm</c>: templates from the task or the built-in index.</summary>
public sealed class CommandParseTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("netfleet-parse-");

    public void Dispose() => dir.Delete(recursive: true);

    private PlaybookLoadResult Load(string yaml, params (string Name, string Text)[] files)
    {
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(dir.FullName, name), text);
        }

        var path = Path.Combine(dir.FullName, "play.yaml");
        File.WriteAllText(path, yaml);
        return PlaybookLoader.Load(path);
    }

    [Fact]
    public void Task_template_parses_output_into_records()
    {
        var result = Load("""
            - hosts: all
              tasks:
                - command:
                    command: show ntp associations
                    template: ntp.textfsm
            """, ("ntp.textfsm", """
            Value Required PEER (\S+)
            Value STRATUM (\d+)

            Start
              ^\s*\*?${PEER}\s+\S+\s+${STRATUM} -> Record

            """));
        Assert.Empty(result.Diagnostics);
        var args = Assert.IsType<CommandArgs>(result.Playbook!.Plays[0].Tasks[0].Args);
        Assert.Equal(CommandModule.TextFsmParser, args.Parse);

        var records = CommandModule.ParseOutput(args, "cisco_ios", "show ntp associations",
            "  address  ref clock st\n*192.0.2.10 .GPS. 1\n 192.0.2.11 .GPS. 2\n")!;
        Assert.Equal(2, records.Count);
        Assert.Equal("192.0.2.10", records[0]["peer"]);
        Assert.Equal("2", records[1]["stratum"]);
    }

    [Fact]
    public void Builtin_index_picks_the_template_by_platform_and_abbreviated_command()
    {
        var result = Load("""
            - hosts: all
              tasks:
                - command:
                    command: sh ip int br
                    parse: textfsm
            """);
        var args = Assert.IsType<CommandArgs>(result.Playbook!.Plays[0].Tasks[0].Args);
        const string Output = """
            Interface              IP-Address      OK? Method Status                Protocol
            GigabitEthernet0/0     10.0.0.1        YES NVRAM  up                    up
            Loopback0              192.0.2.1       YES NVRAM  up                    up

            """;
        var records = CommandModule.ParseOutput(args, "cisco_ios", "sh ip int br", Output)!;
        Assert.Equal(["GigabitEthernet0/0", "Loopback0"], records.Select(r => (string)r.First(kv => kv.Key.Contains("intf", StringComparison.Ordinal) || kv.Key.Contains("interface", StringComparison.Ordinal)).Value));
    }

    [Fact]
    public void Command_without_a_known_template_fails_with_a_clear_message()
    {
        var result = Load("""
            - hosts: all
              tasks:
                - command:
                    command: show platform mystery
                    parse: textfsm
            """);
        var args = Assert.IsType<CommandArgs>(result.Playbook!.Plays[0].Tasks[0].Args);
        var error = Assert.Throws<CommandParseException>(() => CommandModule.ParseOutput(args, "cisco_ios", "show platform mystery", "x"));
        Assert.Contains("no TextFSM template for 'show platform mystery' on cisco_ios", error.Message);
    }

    [Fact]
    public void Bad_template_and_unknown_parser_are_diagnostics_with_their_places()
    {
        var result = Load("""
            - hosts: all
              tasks:
                - command:
                    command: show clock
                    template: broken.textfsm
                - command:
                    command: show clock
                    parse: ttp
            """, ("broken.textfsm", "Value TIME (\\S+)\n\nStart\n  ^${TIME} -> Nowhere\n"));
        var template = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.ParserTemplate);
        Assert.EndsWith("broken.textfsm", template.File);
        Assert.Equal(4, template.Line);
        var parser = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.InvalidValue);
        Assert.Equal((8, 16), (parser.Line, parser.Column));
        Assert.Contains("unknown parser 'ttp'", parser.Message);
    }
}

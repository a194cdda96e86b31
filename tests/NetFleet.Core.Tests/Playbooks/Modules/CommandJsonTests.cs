using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Tests.Playbooks.Modules;

/// <summary><c>command</c> with <c>parse: json</c>: the output's JSON as maps, lists and numbers, read by conditions as
/// TextFSM records are.</summary>
public sealed class CommandJsonTests : IDisposable
{
    /// <summary>FRR 8.4.4's <c>show bgp summary json</c>, as vtysh printed it (one peer, not up).</summary>
    private const string BgpSummary = """
        {
        "ipv4Unicast":{
          "routerId":"198.18.255.1",
          "as":65001,
          "vrfId":0,
          "peerCount":1,
          "peers":{
            "198.18.0.1":{
              "remoteAs":65002,
              "localAs":65001,
              "peerUptime":"never",
              "pfxRcd":0,
              "state":"Idle",
              "peerState":"OK",
              "desc":"r2",
              "idType":"ipv4"
            }
          },
          "failedPeers":1,
          "bestPath":{
            "multiPathRelax":"false"
          }
        }
        }
        """;

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("netfleet-json-");

    public void Dispose() => dir.Delete(recursive: true);

    private PlaybookLoadResult Load(string yaml)
    {
        var path = Path.Combine(dir.FullName, "play.yaml");
        File.WriteAllText(path, yaml);
        return PlaybookLoader.Load(path);
    }

    private CommandArgs JsonTask(string command = "show bgp summary json")
    {
        var result = Load($"""
            - hosts: all
              tasks:
                - command:
                    command: {command}
                    parse: json
            """);
        Assert.Empty(result.Diagnostics);
        return Assert.IsType<CommandArgs>(result.Playbook!.Plays[0].Tasks[0].Args);
    }

    [Fact]
    public void Objects_become_maps_arrays_lists_and_numbers_stay_numbers()
    {
        var args = JsonTask();
        Assert.Equal(CommandModule.JsonParser, args.Parse);

        var parsed = Assert.IsType<Dictionary<string, object?>>(CommandModule.Parse(args, "frr", "show bgp summary json", BgpSummary));
        var ipv4 = Assert.IsType<Dictionary<string, object?>>(parsed["ipv4Unicast"]);
        Assert.Equal(65001L, ipv4["as"]);
        var peer = Assert.IsType<Dictionary<string, object?>>(Assert.IsType<Dictionary<string, object?>>(ipv4["peers"])["198.18.0.1"]);
        Assert.Equal("Idle", peer["state"]);
        Assert.Equal(65002L, peer["remoteAs"]);

        var list = Assert.IsType<List<object?>>(CommandModule.Parse(args, "frr", "x", """[1, 2.5, true, null, "a", {"b": [false]}]"""));
        Assert.Equal([1L, 2.5, true, null, "a"], list.Take(5));
        Assert.Equal([false], Assert.IsType<List<object?>>(Assert.IsType<Dictionary<string, object?>>(list[5])["b"]));
    }

    [Fact]
    public void Conditions_read_the_parsed_json_as_they_read_textfsm_records()
    {
        var args = JsonTask();
        var sent = new CommandModule().Prepare(args, VariableScope.Empty);
        var result = new CommandModule().Interpret(args, sent, "frr", BgpSummary, ModuleResult.Ok(BgpSummary));
        Assert.False(result.Failed);
        var scope = VariableScope.Empty.With("bgp", result.ToRegistered());

        Assert.True(Condition("bgp.parsed.ipv4Unicast.peers[\"198.18.0.1\"].state == \"Idle\"").IsTrue(scope));
        Assert.True(Condition("bgp.parsed.ipv4Unicast.peers[\"198.18.0.1\"].remoteAs == 65002").IsTrue(scope));
        Assert.True(Condition("bgp.parsed.ipv4Unicast.as > 65000 && bgp.parsed.ipv4Unicast.failedPeers == 1").IsTrue(scope));
        Assert.False(Condition("bgp.parsed.ipv4Unicast.peers[\"198.18.0.1\"].state == \"Established\"").IsTrue(scope));
    }

    private static TemplateExpression Condition(string source) =>
        TemplateExpression.Parse(source, out var diagnostics) ?? throw new InvalidOperationException(string.Join("\n", diagnostics));

    [Fact]
    public void Invalid_json_fails_the_task_saying_where_what_and_how_the_output_begins()
    {
        var args = JsonTask();
        var sent = new CommandModule().Prepare(args, VariableScope.Empty);
        var output = "{\n  \"peers\": {\n    \"198.18.0.1\": { \"state\": Idle }\n  }\n}" + new string(' ', 300);

        var result = new CommandModule().Interpret(args, sent, "frr", output, ModuleResult.Ok(output));

        Assert.True(result.Failed);
        Assert.StartsWith("the output of 'show bgp summary json' is not JSON: 'I' is an invalid start of a value (line 3, byte 30); it begins: \"{\\n  \\\"peers\\\"",
            result.Message, StringComparison.Ordinal);
        Assert.EndsWith("…\"", result.Message, StringComparison.Ordinal);
        Assert.True(result.Message!.Length < 400, result.Message);
    }

    [Fact]
    public void Empty_output_and_text_around_the_json_are_not_json()
    {
        var args = JsonTask("show version");
        Assert.Contains("is empty, not JSON", Assert.Throws<CommandParseException>(() => CommandModule.Parse(args, "frr", "show version", "\n")).Message);
        var trailing = Assert.Throws<CommandParseException>(() => CommandModule.Parse(args, "frr", "show version", "{}\n% Unknown command"));
        Assert.Contains("(line 2, byte 1)", trailing.Message);
    }

    [Fact]
    public void Json_with_a_textfsm_template_and_unknown_parsers_are_diagnostics_with_their_places()
    {
        var result = Load("""
            - hosts: all
              tasks:
                - command:
                    command: show bgp summary json
                    parse: json
                    template: bgp.textfsm
                - command:
                    command: show clock
                    parse: yaml
            """);
        var template = Assert.Single(result.Diagnostics, d => d.Message.Contains("'template'", StringComparison.Ordinal));
        Assert.Equal((6, 19), (template.Line, template.Column));
        var parser = Assert.Single(result.Diagnostics, d => d.Message.Contains("unknown parser 'yaml'", StringComparison.Ordinal));
        Assert.Equal(DiagnosticCodes.InvalidValue, parser.Code);
        Assert.Contains("'json'", parser.Hint);
    }

    [Fact]
    public void A_post_check_may_parse_json()
    {
        var result = Load("""
            - hosts: all
              post_checks:
                - command:
                    command: show bgp summary json
                    parse: json
                  that: parsed.ipv4Unicast.peers["198.18.0.1"].state == "Established"
              tasks:
                - config:
                    lines: ["router bgp 65001"]
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(CommandModule.JsonParser, result.Playbook!.Plays[0].PostChecks[0].Command!.Parse);
    }
}

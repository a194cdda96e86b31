using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Tests.Playbooks.Modules;

/// <summary>netconf_get and netconf_config: arguments, XML checked at load with its place, requests rendered per host.</summary>
public sealed class NetconfModulesTests
{
    [Fact]
    public void Netconf_config_renders_its_xml_per_host_into_an_edit_config_request()
    {
        var (result, _) = PlaybookSnippet.Load("""
            - hosts: all
              tasks:
                - netconf_config:
                    content: |
                      <configuration><interfaces><interface>
                        <name>ge-0/0/1</name><description>{{ desc }}</description>
                      </interface></interfaces></configuration>
                    target: candidate
                    default_operation: merge
                    error_option: rollback-on-error
            """);

        Assert.Empty(result.Diagnostics);
        var task = result.Playbook!.Plays[0].Tasks[0];
        var request = ((IDeviceModule)task.Module).Prepare(task.Args, VariableScope.Empty.With("desc", "uplink to core"));
        var edit = Assert.IsType<NetconfEditConfig>(request);
        Assert.Contains("<description>uplink to core</description>", edit.Content, StringComparison.Ordinal);
        Assert.Equal(("candidate", "merge", "rollback-on-error"), (edit.Target, edit.DefaultOperation, edit.ErrorOption));
        Assert.IsAssignableFrom<ConfigChangeRequest>(edit);
    }

    [Fact]
    public void Xml_that_is_not_well_formed_is_an_error_at_the_yaml_value_naming_the_xml_line_and_position()
    {
        var (result, path) = PlaybookSnippet.Load("""
            - hosts: all
              tasks:
                - netconf_config:
                    content: |
                      <configuration>
                        <interfaces><interface><name>ge-0/0/1</nme></interface></interfaces>
                      </configuration>
            """);

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((path, 4, 18, DiagnosticCodes.InvalidValue), (d.File, d.Line, d.Column, d.Code));
        Assert.StartsWith("'content' is not well-formed XML (line 2, position ", d.Message, StringComparison.Ordinal);
        Assert.Contains("'name'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_both_bodies_no_body_and_bad_choices_are_located_errors()
    {
        var (result, path) = PlaybookSnippet.Load("""
            - hosts: all
              tasks:
                - netconf_config: {content: "<a/>", templat: x.j2}
                - netconf_config: {content: "<a/>", template: x.j2}
                - netconf_config: {target: candidate}
                - netconf_config: {content: "<a/>", target: candidat}
                - netconf_get: {source: runing}
                - netconf_get: {filter: "<a/>", xpath: /a}
                - netconf_get: {namespaces: {if: "urn:x"}}
            """);

        var byLine = result.Diagnostics.ToDictionary(d => d.Line);
        Assert.Equal(7, result.Diagnostics.Count);
        Assert.Equal((DiagnosticCodes.UnknownKey, "did you mean 'template'?"), (byLine[3].Code, byLine[3].Hint));
        Assert.Equal("'content' and 'template' cannot be used together", byLine[4].Message);
        Assert.Equal("module 'netconf_config' needs 'content' or 'template'", byLine[5].Message);
        Assert.Equal("did you mean 'candidate'?", byLine[6].Hint);
        Assert.Equal("did you mean 'running'?", byLine[7].Hint);
        Assert.Equal("'filter' and 'xpath' cannot be used together", byLine[8].Message);
        Assert.Equal("'namespaces' only serves 'xpath'", byLine[9].Message);
        Assert.All(result.Diagnostics, d => Assert.Equal(path, d.File));
    }

    [Fact]
    public void Netconf_get_sends_get_config_of_its_source_or_get_with_a_rendered_filter()
    {
        var (result, _) = PlaybookSnippet.Load("""
            - hosts: all
              tasks:
                - netconf_get: {source: candidate, filter: "<interfaces xmlns='urn:ietf:params:xml:ns:yang:ietf-interfaces'><interface><name>{{ port }}</name></interface></interfaces>"}
                - netconf_get: {xpath: "/if:interfaces/if:interface", namespaces: {if: "urn:ietf:params:xml:ns:yang:ietf-interfaces"}}
                - netconf_get:
            """);

        Assert.Empty(result.Diagnostics);
        var tasks = result.Playbook!.Plays[0].Tasks;
        var scope = VariableScope.Empty.With("port", "eth0");
        var first = Assert.IsType<NetconfGet>(((IDeviceModule)tasks[0].Module).Prepare(tasks[0].Args, scope));
        Assert.Equal("candidate", first.Source);
        Assert.Contains("<name>eth0</name>", first.Filter, StringComparison.Ordinal);
        var second = Assert.IsType<NetconfGet>(((IDeviceModule)tasks[1].Module).Prepare(tasks[1].Args, scope));
        Assert.Null(second.Source);
        Assert.Equal("urn:ietf:params:xml:ns:yang:ietf-interfaces", second.Namespaces["if"]);
        var third = Assert.IsType<NetconfGet>(((IDeviceModule)tasks[2].Module).Prepare(tasks[2].Args, scope));
        Assert.Equal((null, null, null), (third.Source, third.Filter, third.XPath));
    }

    [Fact]
    public void A_template_file_with_broken_xml_is_reported_at_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("netfleet-netconf-template-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "bad.xml.j2"), "<configuration>\n  <system>\n</configuration>\n");
            var playbook = Path.Combine(dir, "play.yaml");
            File.WriteAllText(playbook, "- hosts: all\n  tasks:\n    - netconf_config: {template: bad.xml.j2}\n");

            var result = PlaybookLoader.Load(playbook);

            var d = Assert.Single(result.Diagnostics);
            Assert.Equal((Path.Combine(dir, "bad.xml.j2"), 1, 1), (d.File, d.Line, d.Column));
            Assert.StartsWith("'template' is not well-formed XML (line 3,", d.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

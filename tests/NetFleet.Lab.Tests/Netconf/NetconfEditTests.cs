using System.Xml.Linq;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Netconf;

namespace NetFleet.Lab.Tests.Netconf;

/// <summary>edit-config operations (RFC 6241 section 7.2) on a Junos configuration, read back as set lines.</summary>
public sealed class NetconfEditTests
{
    private const string Nc = "xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"";

    private const string Start = """
        interfaces {
            ge-0/0/0 {
                description uplink;
                mtu 9192;
            }
            ge-0/0/1 {
                disable;
            }
        }
        """;

    private static (string Lines, NetconfEdit Edit) Run(string edit, string defaultOperation = "merge", bool continueOnError = false)
    {
        var target = JunosXml.ToXml(JunosConfig.Parse(Start));
        var editor = new NetconfEdit(target, continueOnError);
        editor.Apply(JunosDatastore.Normalize(XElement.Parse($"<configuration {Nc}>{edit}</configuration>")), defaultOperation);
        return (JunosXml.FromXml(target).DisplaySet(), editor);
    }

    [Fact]
    public void Merge_adds_an_entry_and_replaces_a_leaf_value()
    {
        var (lines, edit) = Run("<interfaces><interface><name>ge-0/0/0</name><description>core</description></interface>"
            + "<interface><name>ge-0/0/3</name><description>new</description></interface></interfaces>");

        Assert.Empty(edit.Errors);
        Assert.Contains("set interfaces ge-0/0/0 description core\n", lines);
        Assert.Contains("set interfaces ge-0/0/0 mtu 9192\n", lines);
        Assert.Contains("set interfaces ge-0/0/3 description new\n", lines);
    }

    [Fact]
    public void Replace_drops_what_the_entry_sent_does_not_hold()
    {
        var (lines, _) = Run("<interfaces><interface nc:operation=\"replace\"><name>ge-0/0/0</name><description>only</description></interface></interfaces>");

        Assert.Contains("set interfaces ge-0/0/0 description only\n", lines);
        Assert.DoesNotContain("mtu", lines);
    }

    [Fact]
    public void Create_of_an_existing_entry_is_data_exists_and_delete_of_a_missing_one_data_missing()
    {
        var (_, created) = Run("<interfaces><interface nc:operation=\"create\"><name>ge-0/0/0</name></interface></interfaces>");
        var (_, deleted) = Run("<interfaces><interface nc:operation=\"delete\"><name>ge-0/0/7</name></interface></interfaces>");

        Assert.Equal("data-exists", Assert.Single(created.Errors).Tag);
        var missing = Assert.Single(deleted.Errors);
        Assert.Equal("data-missing", missing.Tag);
        Assert.Equal("/configuration/interfaces/interface[name='ge-0/0/7']", missing.Path);
    }

    [Fact]
    public void Remove_of_a_missing_entry_is_quiet_and_delete_of_a_leaf_removes_it()
    {
        var (lines, edit) = Run("<interfaces><interface nc:operation=\"remove\"><name>ge-0/0/7</name></interface>"
            + "<interface><name>ge-0/0/1</name><disable nc:operation=\"delete\"/></interface></interfaces>");

        Assert.Empty(edit.Errors);
        Assert.DoesNotContain("ge-0/0/1", lines);
    }

    [Fact]
    public void Junos_delete_attribute_deletes_like_nc_operation()
    {
        var (lines, edit) = Run("<interfaces><interface delete=\"delete\"><name>ge-0/0/0</name></interface></interfaces>");

        Assert.Empty(edit.Errors);
        Assert.DoesNotContain("ge-0/0/0", lines);
    }

    [Fact]
    public void Default_operation_none_changes_only_what_carries_an_operation()
    {
        var (lines, edit) = Run("<interfaces><interface><name>ge-0/0/0</name><description>ignored</description></interface>"
            + "<interface><name>ge-0/0/4</name><description nc:operation=\"create\">made</description></interface></interfaces>", "none");

        Assert.Empty(edit.Errors);
        Assert.Contains("set interfaces ge-0/0/0 description uplink\n", lines);
        Assert.Contains("set interfaces ge-0/0/4 description made\n", lines);
    }

    [Fact]
    public void Default_operation_replace_makes_the_configuration_exactly_the_one_sent()
    {
        var (lines, _) = Run("<system><host-name>fresh</host-name></system>", "replace");

        Assert.Equal("set system host-name fresh\n", lines);
    }

    [Fact]
    public void Stop_on_error_stops_at_the_first_error_and_continue_on_error_reports_every_one()
    {
        const string TwoBad = "<interfaces><interface nc:operation=\"delete\"><name>ge-0/0/7</name></interface>"
            + "<interface nc:operation=\"create\"><name>ge-0/0/0</name></interface>"
            + "<interface><name>ge-0/0/5</name><description>kept</description></interface></interfaces>";

        var (_, stopped) = Run(TwoBad);
        var (lines, continued) = Run(TwoBad, continueOnError: true);

        Assert.Single(stopped.Errors);
        Assert.Equal(["data-missing", "data-exists"], continued.Errors.Select(e => e.Tag));
        Assert.Contains("set interfaces ge-0/0/5 description kept\n", lines);
    }

    [Fact]
    public void An_unknown_operation_is_a_bad_attribute()
    {
        var (_, edit) = Run("<interfaces><interface nc:operation=\"frob\"><name>ge-0/0/0</name></interface></interfaces>");

        Assert.Equal("bad-attribute", Assert.Single(edit.Errors).Tag);
    }

    [Fact]
    public void Validation_names_a_bad_unit_a_bad_address_and_an_unknown_top_level_statement()
    {
        var xml = JunosDatastore.Normalize(XElement.Parse("""
            <configuration>
              <interfaces><interface><name>ge-0/0/0</name>
                <unit><name>x1</name></unit>
                <unit><name>0</name><family><inet><address><name>2001:db8::1/64</name></address></inet></family></unit>
              </interface></interfaces>
              <bogus/>
            </configuration>
            """));

        var errors = JunosValidation.Check(xml, DeviceFaults.None, "");

        Assert.Equal(["unknown-element", "invalid-value", "invalid-value"], errors.Select(e => e.Tag));
        Assert.Contains(errors, e => e.Path == "/configuration/interfaces/interface[name='ge-0/0/0']/unit[name='x1']");
        Assert.Contains(errors, e => e.Message!.Contains("2001:db8::1/64", StringComparison.Ordinal));
    }

    [Fact]
    public void The_reject_fault_applies_to_new_lines_only()
    {
        var faults = new DeviceFaults { RejectConfig = ["description forbidden"] };
        var before = "interfaces {\n    ge-0/0/0 {\n        description forbidden;\n    }\n}\n";
        var xml = JunosXml.ToXml(JunosConfig.Parse(before + "system {\n    host-name r1;\n}\n"));

        Assert.Empty(JunosValidation.Check(xml, faults, before));
        Assert.Single(JunosValidation.Check(xml, faults, ""));
    }

    [Fact]
    public void A_configuration_in_a_foreign_namespace_is_refused()
    {
        var failure = Assert.Throws<NetconfFailure>(() => JunosDatastore.Normalize(
            XElement.Parse("<configuration><interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"/></configuration>")));

        Assert.Equal("unknown-namespace", Assert.Single(failure.Errors).Tag);
    }
}

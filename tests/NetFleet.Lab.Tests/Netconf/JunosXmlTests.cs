using System.Xml.Linq;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Netconf;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Tests.Netconf;

public sealed class JunosXmlTests
{
    private static readonly XNamespace X = JunosXml.Xnm;

    [Fact]
    public void A_set_line_becomes_the_junos_xml_hierarchy_with_name_keys()
    {
        var config = new JunosConfig();
        config.Set([], ["interfaces", "ge-0/0/1", "description", "X"]);

        var xml = JunosXml.ToXml(config);

        var expected = new XElement(X + "configuration",
            new XElement(X + "interfaces",
                new XElement(X + "interface", new XElement(X + "name", "ge-0/0/1"), new XElement(X + "description", "X"))));
        Assert.True(XNode.DeepEquals(expected, xml), xml.ToString());
    }

    [Fact]
    public void Junos_xml_becomes_the_set_lines_it_mirrors()
    {
        var xml = XElement.Parse("""
            <configuration>
              <system><host-name>r9</host-name><services><ssh/></services></system>
              <interfaces>
                <interface><name>ge-0/0/1</name><description>two words</description>
                  <unit><name>0</name><family><inet><address><name>10.0.0.1/31</name></address></inet><inet6/></family></unit>
                </interface>
              </interfaces>
            </configuration>
            """);

        var lines = JunosXml.FromXml(xml).DisplaySet();

        Assert.Equal("""
            set system host-name r9
            set system services ssh
            set interfaces ge-0/0/1 description "two words"
            set interfaces ge-0/0/1 unit 0 family inet address 10.0.0.1/31
            set interfaces ge-0/0/1 unit 0 family inet6

            """.ReplaceLineEndings("\n"), lines);
    }

    [Fact]
    public void The_factory_configuration_survives_the_trip_through_xml_unchanged()
    {
        var device = new LabDevice("r1", "127.1.0.1", "juniper_junos", DeviceFaults.None);
        var text = new JuniperJunos().CreateFactoryState(device).RunningConfig;

        var back = JunosXml.FromXml(JunosXml.ToXml(JunosConfig.Parse(text))).Render();

        Assert.Equal(text, back);
    }

    [Fact]
    public void Two_families_of_one_unit_share_one_family_element()
    {
        var config = JunosConfig.Parse("interfaces {\n    lo0 {\n        unit 0 {\n            family inet;\n            family inet6;\n        }\n    }\n}\n");

        var unit = JunosXml.ToXml(config).Descendants(X + "unit").Single();

        var family = Assert.Single(unit.Elements(X + "family"));
        Assert.Equal(["inet", "inet6"], family.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void Top_level_statements_added_out_of_order_come_back_in_junos_order()
    {
        var xml = XElement.Parse("<configuration><protocols><lldp/></protocols><system><host-name>a</host-name></system></configuration>");

        var text = JunosXml.FromXml(xml).Render();

        Assert.True(text.IndexOf("system", StringComparison.Ordinal) < text.IndexOf("protocols", StringComparison.Ordinal), text);
    }
}

using NetFleet.Actors.Devices;
using NetFleet.Core.Playbooks.Modules;

namespace NetFleet.Actors.Tests.Devices;

/// <summary>Whether a running configuration holds a NETCONF edit: how a job resumed after a restart decides if its change
/// was made already.</summary>
public sealed class NetconfChangesTests
{
    private const string Running = """
        <data xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
          <configuration xmlns="http://xml.juniper.net/xnm/1.1/xnm">
            <interfaces>
              <interface>
                <name>ge-0/0/0</name>
                <description>core</description>
              </interface>
              <interface>
                <name>ge-0/0/1</name>
                <description>uplink</description>
              </interface>
            </interfaces>
          </configuration>
        </data>
        """;

    private static NetconfEditConfig Edit(string content) => new(content, null, null, null);

    [Theory]
    [InlineData("<configuration><interfaces><interface><name>ge-0/0/1</name><description>uplink</description></interface></interfaces></configuration>", true)]
    [InlineData("<configuration><interfaces><interface><name>ge-0/0/1</name><description>core</description></interface></interfaces></configuration>", false)]
    [InlineData("<configuration><interfaces><interface><name>ge-0/0/2</name></interface></interfaces></configuration>", false)]
    [InlineData("<configuration xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><interfaces><interface nc:operation=\"delete\"><name>ge-0/0/2</name></interface></interfaces></configuration>", true)]
    [InlineData("<configuration xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><interfaces><interface nc:operation=\"delete\"><name>ge-0/0/0</name></interface></interfaces></configuration>", false)]
    [InlineData("<configuration xmlns=\"urn:other\"><interfaces/></configuration>", false)]
    public void An_edit_is_held_when_each_element_is_there_with_its_values_and_nothing_it_deletes_is(string content, bool held) =>
        Assert.Equal(held, NetconfChanges.Holds(Edit(content), Running));

    [Fact]
    public void A_configuration_that_is_not_xml_holds_nothing() =>
        Assert.False(NetconfChanges.Holds(Edit("<configuration/>"), "set system host-name r1"));
}

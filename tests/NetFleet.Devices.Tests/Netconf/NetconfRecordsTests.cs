using System.Xml.Linq;
using NetFleet.Devices.Netconf;

namespace NetFleet.Devices.Tests.Netconf;

public sealed class NetconfRecordsTests
{
    private const string Data = """
        <data xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
          <interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">
            <interface nc:operation="merge">
              <name>eth0</name>
              <description> uplink </description>
              <type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>
              <enabled/>
            </interface>
            <interface><name>eth1</name></interface>
            <interface><name>eth2</name></interface>
          </interfaces>
          <system xmlns="urn:ietf:params:xml:ns:yang:ietf-system"><hostname>r1</hostname></system>
        </data>
        """;

    [Fact]
    public void Records_use_local_names_turn_repeated_siblings_into_a_list_and_drop_attributes_and_namespaces()
    {
        var records = NetconfRecords.From(XElement.Parse(Data));

        Assert.Equal(["interfaces", "system"], records.Keys);
        var interfaces = Assert.IsType<List<object?>>(((Dictionary<string, object?>)records["interfaces"]!)["interface"]);
        Assert.Equal(["eth0", "eth1", "eth2"], interfaces.Cast<Dictionary<string, object?>>().Select(i => i["name"]));
        var eth0 = (Dictionary<string, object?>)interfaces[0]!;
        Assert.Equal(["name", "description", "type", "enabled"], eth0.Keys);
        Assert.Equal("uplink", eth0["description"]);
        Assert.Equal("ianaift:ethernetCsmacd", eth0["type"]);
        Assert.Null(eth0["enabled"]);
        Assert.Equal("r1", ((Dictionary<string, object?>)records["system"]!)["hostname"]);
    }

    [Fact]
    public void A_single_child_stays_a_record_and_two_become_a_list()
    {
        var one = NetconfRecords.From(XElement.Parse("<data><a><b>1</b></a></data>"));
        var two = NetconfRecords.From(XElement.Parse("<data><a><b>1</b></a><a><b>2</b></a></data>"));

        Assert.IsType<Dictionary<string, object?>>(one["a"]);
        Assert.Equal(2, Assert.IsType<List<object?>>(two["a"]).Count);
    }

    [Fact]
    public void Canonical_text_is_the_same_for_the_same_tree_however_it_was_indented_and_keeps_sibling_order()
    {
        var compact = XElement.Parse("<data xmlns=\"urn:x\"><b>2</b><a>1</a><c><d>x</d></c></data>", LoadOptions.PreserveWhitespace);
        var spread = XElement.Parse("<data xmlns=\"urn:x\">\n    <b>2</b>\n <a>1</a>\n\t<c>\n<d>x</d>   </c>\n</data>", LoadOptions.PreserveWhitespace);

        var text = NetconfText.Canonical(compact);

        Assert.Equal(text, NetconfText.Canonical(spread));
        Assert.Equal("<data xmlns=\"urn:x\">\n  <b>2</b>\n  <a>1</a>\n  <c>\n    <d>x</d>\n  </c>\n</data>", text);
    }
}

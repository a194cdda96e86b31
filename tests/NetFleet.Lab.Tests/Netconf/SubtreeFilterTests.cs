using System.Xml.Linq;
using NetFleet.Lab.Netconf;

namespace NetFleet.Lab.Tests.Netconf;

/// <summary>RFC 6241 section 6 over a Junos configuration.</summary>
public sealed class SubtreeFilterTests
{
    private static readonly XElement Data = XElement.Parse("""
        <configuration xmlns="http://xml.juniper.net/xnm/1.1/xnm">
          <system><host-name>r1</host-name><ntp><server><name>10.0.0.1</name></server></ntp></system>
          <interfaces>
            <interface><name>ge-0/0/0</name><description>uplink</description><mtu>9192</mtu></interface>
            <interface><name>ge-0/0/1</name><description>core</description></interface>
            <interface><name>ge-0/0/2</name><disable/></interface>
          </interfaces>
        </configuration>
        """);

    private static XElement? Run(string filter) =>
        SubtreeFilter.Apply([Data], XElement.Parse($"<filter>{filter}</filter>")).SingleOrDefault();

    private static List<string?> Names(XElement? result) =>
        result?.Descendants().Where(e => e.Name.LocalName == "interface").Select(e => e.Elements().First().Value).ToList<string?>() ?? [];

    [Fact]
    public void A_selection_node_returns_its_whole_subtree_and_nothing_beside_it()
    {
        var result = Run("<configuration><system/></configuration>");

        Assert.NotNull(result);
        Assert.Equal(["system"], result.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("10.0.0.1", result.Descendants().Single(e => e.Name.LocalName == "server").Value);
    }

    [Fact]
    public void A_content_match_node_picks_the_list_entry_and_returns_all_of_it()
    {
        var result = Run("<configuration><interfaces><interface><name>ge-0/0/0</name></interface></interfaces></configuration>");

        Assert.Equal(["ge-0/0/0"], Names(result));
        Assert.Equal("9192", result!.Descendants().Single(e => e.Name.LocalName == "mtu").Value);
    }

    [Fact]
    public void Content_match_with_selection_siblings_returns_only_those_with_the_key()
    {
        var result = Run("<configuration><interfaces><interface><name>ge-0/0/0</name><description/></interface></interfaces></configuration>");

        var entry = result!.Descendants().Single(e => e.Name.LocalName == "interface");
        Assert.Equal(["name", "description"], entry.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void Containment_without_a_key_selects_a_field_of_every_entry_and_keeps_the_keys()
    {
        var result = Run("<configuration><interfaces><interface><description/></interface></interfaces></configuration>");

        Assert.Equal(["ge-0/0/0", "ge-0/0/1"], Names(result));
    }

    [Fact]
    public void A_content_match_that_no_entry_has_selects_nothing()
    {
        Assert.Null(Run("<configuration><interfaces><interface><name>xe-9/9/9</name></interface></interfaces></configuration>"));
        Assert.Null(Run("<configuration><system><host-name>other</host-name></system></configuration>"));
    }

    [Fact]
    public void A_filter_without_namespace_matches_any_but_another_namespace_matches_none()
    {
        Assert.NotNull(Run("<configuration><system/></configuration>"));
        Assert.Null(Run("<configuration xmlns=\"urn:example:other\"><system/></configuration>"));
    }

    [Fact]
    public void An_empty_filter_selects_nothing()
    {
        Assert.Null(Run(""));
    }
}

using System.Xml.Linq;
using NetFleet.Actors.Devices;
using NetFleet.Devices;
using NetFleet.Devices.Netconf;

namespace NetFleet.Actors.Tests.Devices;

/// <summary>The check-mode preview of an edit of a server without a candidate: running after the edit, worked out by NetFleet.</summary>
public sealed class NetconfPreviewTests
{
    private const string Running = """
        <data xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
          <interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">
            <interface>
              <name>eth0</name>
              <description>core</description>
            </interface>
            <interface>
              <name>eth1</name>
              <description>uplink</description>
            </interface>
          </interfaces>
        </data>
        """;

    private static string? Diff(string content, string? defaultOperation = null)
    {
        var data = XElement.Parse(Running);
        var config = NetconfOperations.ConfigElement(content);
        return ConfigText.LineDiff(NetconfText.Canonical(data), NetconfText.Canonical(NetconfPreview.Apply(data, config, defaultOperation)));
    }

    private static string Entry(string inside, string attributes = "") =>
        $"<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><interface {attributes}>{inside}</interface></interfaces>";

    [Fact]
    public void A_merge_changes_the_leaf_of_the_entry_with_the_same_key_and_nothing_else()
    {
        var diff = Diff(Entry("<name>eth1</name><description>backbone</description>"));

        Assert.NotNull(diff);
        var changed = diff.Split('\n').Where(l => l.StartsWith('+') || l.StartsWith('-')).Select(l => l[0] + " " + l[1..].Trim()).ToList();
        Assert.Equal(2, changed.Count);
        Assert.Contains("- <description>uplink</description>", changed);
        Assert.Contains("+ <description>backbone</description>", changed);
    }

    [Fact]
    public void A_new_key_adds_an_entry_and_an_edit_already_held_changes_nothing()
    {
        Assert.Contains("+       <name>eth2</name>", Diff(Entry("<name>eth2</name><description>new</description>")), StringComparison.Ordinal);
        Assert.Null(Diff(Entry("<name>eth0</name><description>core</description>")));
    }

    [Fact]
    public void Delete_removes_the_entry_and_replace_swaps_it_for_the_edits_content()
    {
        var deleted = Diff(Entry("<name>eth0</name>", "nc:operation=\"delete\""))!;
        var replaced = Diff(Entry("<name>eth1</name>", "nc:operation=\"replace\""))!;

        Assert.Contains("-       <name>eth0</name>", deleted, StringComparison.Ordinal);
        Assert.Contains("-       <description>core</description>", deleted, StringComparison.Ordinal);
        Assert.Contains("-       <description>uplink</description>", replaced, StringComparison.Ordinal);
        Assert.DoesNotContain("<name>eth1</name>", replaced.Split('\n').Where(l => l.StartsWith('-')), StringComparer.Ordinal);
    }

    [Fact]
    public void Default_operation_none_creates_nothing_that_is_not_there()
    {
        Assert.Null(Diff("<system xmlns=\"urn:example:system\"><hostname>r1</hostname></system>", "none"));
        Assert.NotNull(Diff("<system xmlns=\"urn:example:system\"><hostname>r1</hostname></system>"));
    }
}

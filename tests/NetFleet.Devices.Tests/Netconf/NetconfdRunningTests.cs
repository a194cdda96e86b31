using System.Xml.Linq;
using NetFleet.Devices.Netconf;
using NetFleet.Netconf;
using NetFleet.Testing;

namespace NetFleet.Devices.Tests.Netconf;

/// <summary>The client against netconfd started with <c>--target=running</c>: writable running, no candidate. Each test
/// configures interfaces named after itself.</summary>
public sealed class NetconfdRunningTests(NetconfdRunningFixture netconfd) : IClassFixture<NetconfdRunningFixture>
{
    private static readonly XNamespace If = "urn:ietf:params:xml:ns:yang:ietf-interfaces";

    [Fact]
    public async Task Hello_offers_writable_running_and_test_only_validation_and_no_candidate_or_confirmed_commit()
    {
        await using var session = await netconfd.OpenAsync();

        Assert.True(session.Supports(NetconfCapabilities.WritableRunning));
        Assert.True(session.Supports(NetconfCapabilities.Validate11));
        Assert.True(session.Supports(NetconfCapabilities.RollbackOnError));
        Assert.False(session.Supports(NetconfCapabilities.Candidate));
        Assert.False(session.Supports(NetconfCapabilities.ConfirmedCommit10));
        Assert.False(session.Supports(NetconfCapabilities.ConfirmedCommit11));
    }

    [Fact]
    public async Task Options_that_need_a_candidate_are_refused_before_sending_naming_the_capability()
    {
        await using var session = await netconfd.OpenAsync();

        var edit = await Assert.ThrowsAsync<NetconfCapabilityException>(() =>
            session.EditConfigAsync(NetconfDatastore.Candidate, Config(Interface("cand1", "never"))));
        var confirmed = await Assert.ThrowsAsync<NetconfCapabilityException>(() =>
            session.CommitAsync(new ConfirmedCommit(TimeSpan.FromMinutes(1))));
        var discard = await Assert.ThrowsAsync<NetconfCapabilityException>(() => session.DiscardChangesAsync());
        var cancel = await Assert.ThrowsAsync<NetconfCapabilityException>(() => session.CancelCommitAsync("job-1"));

        Assert.Equal(NetconfCapabilities.Candidate, edit.Capability);
        Assert.Contains("target candidate needs urn:ietf:params:netconf:capability:candidate:1.0", edit.Message, StringComparison.Ordinal);
        Assert.Equal(NetconfCapabilities.Candidate, confirmed.Capability);
        Assert.Equal(NetconfCapabilities.Candidate, discard.Capability);
        Assert.Equal(NetconfCapabilities.ConfirmedCommit11, cancel.Capability);
        Assert.True(session.IsOpen);
        Assert.DoesNotContain("cand1", (await session.GetConfigAsync(NetconfDatastore.Running)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_config_replace_at_the_root_replaces_only_the_top_level_nodes_it_names_and_remove_takes_one_away()
    {
        await using var session = await netconfd.OpenAsync();
        await session.EditConfigAsync(NetconfDatastore.Running, Config(Interface("root0", "stays")));
        var nacmOnly = new XElement(NetconfXml.Base + "config", new XElement((XNamespace)"urn:ietf:params:xml:ns:yang:ietf-netconf-acm" + "nacm"));
        var replace = new EditConfigOptions { DefaultOperation = "replace" };

        await session.EditConfigAsync(NetconfDatastore.Running, nacmOnly, replace);
        var kept = await session.GetConfigAsync(NetconfDatastore.Running);
        var removeInterfaces = new XElement(nacmOnly);
        removeInterfaces.Add(new XElement(If + "interfaces", new XAttribute(NetconfXml.Base + "operation", "remove")));
        await session.EditConfigAsync(NetconfDatastore.Running, removeInterfaces, replace);
        var removed = await session.GetConfigAsync(NetconfDatastore.Running);
        await session.EditConfigAsync(NetconfDatastore.Running, removeInterfaces, replace);

        // netconfd (yuma123 2.13) does not read RFC 6241's replace of the whole configuration: what the config omits stays.
        Assert.Contains(kept.Descendants(If + "name"), n => n.Value == "root0");
        Assert.Empty(removed.Descendants(If + "interfaces"));
        Assert.Single(removed.Elements());
    }

    private static XElement Config(XElement content) => new(NetconfXml.Base + "config", content);

    private static XElement Interface(string name, string description) =>
        new(If + "interfaces", new XElement(If + "interface",
            new XElement(If + "name", name),
            new XElement(If + "description", description),
            new XElement(If + "type", new XAttribute(XNamespace.Xmlns + "ianaift", "urn:ietf:params:xml:ns:yang:iana-if-type"), "ianaift:ethernetCsmacd")));
}

using System.Xml.Linq;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Netconf;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Tests.Devices;
using NetFleet.Netconf;

namespace NetFleet.Lab.Tests.Netconf;

/// <summary>The lab's NETCONF session on in-memory pipes, with the lab clock under the test's control.</summary>
public sealed class NetconfServerSessionTests
{
    private const string Candidate = "<target><candidate/></target>";
    private readonly FakeTime time = new();
    private readonly NetconfRegistry registry = new();
    private readonly NetconfDevice device;

    public NetconfServerSessionTests()
    {
        var lab = new LabDevice("r1", "127.1.0.1", "juniper_junos", DeviceFaults.None);
        device = new NetconfDevice(lab, new DeviceStateStore(new JuniperJunos().CreateFactoryState(lab)),
            new LabClock(time, TimeSpan.FromMinutes(1)), "nflab", new CommandLog());
    }

    private string Running => device.State.Read(s => s.RunningConfig);

    private static string Describe(string interfaceName, string text) =>
        $"<edit-config>{Candidate}<config><configuration><interfaces><interface><name>{interfaceName}</name>"
        + $"<description>{text}</description></interface></interfaces></configuration></config></edit-config>";

    private static void AssertOk(XElement reply) => Assert.True(reply.Element(NetconfXml.Base + "ok") is not null, reply.ToString());

    [Fact]
    public async Task A_base10_client_keeps_end_of_message_framing_and_gets_its_rpc_attributes_back()
    {
        await using var peer = await NetconfPeer.OpenAsync(device, registry, NetconfCapabilities.Base10);

        var reply = await peer.RpcAsync("<get-config><source><running/></source></get-config>", "xmlns:ex=\"urn:example\" ex:trace=\"t1\"");

        Assert.Equal(NetconfFraming.EndOfMessage, peer.Framing);
        Assert.Contains(NetconfCapabilities.ConfirmedCommit11, peer.ServerHello.Capabilities);
        Assert.DoesNotContain(NetconfCapabilities.XPath, peer.ServerHello.Capabilities);
        Assert.Equal("t1", (string?)reply.Attribute(XNamespace.Get("urn:example") + "trace"));
        Assert.Equal("r1", reply.Descendants(JunosXml.Xnm + "host-name").Single().Value);
    }

    [Fact]
    public async Task A_message_that_is_not_xml_gets_malformed_message_and_the_session_goes_on()
    {
        await using var peer = await NetconfPeer.OpenAsync(device, registry);

        await peer.SendAsync("<rpc message-id=\"1\"><get-config>");
        var error = NetconfRpcError.From(NetconfXml.Parse((await peer.ReadAsync())!)).Single();
        var reply = await peer.RpcAsync("<get><filter type=\"subtree\"><configuration><system><host-name/></system></configuration></filter></get>");

        Assert.Equal(NetconfFraming.Chunked, peer.Framing);
        Assert.Equal("malformed-message", error.Tag);
        Assert.Equal("r1", reply.Descendants(JunosXml.Xnm + "host-name").Single().Value);
    }

    [Fact]
    public async Task An_unconfirmed_commit_reverts_when_its_timeout_passes_on_the_lab_clock()
    {
        await using var peer = await NetconfPeer.OpenAsync(device, registry);
        AssertOk(await peer.RpcAsync(Describe("ge-0/0/2", "trial")));

        AssertOk(await peer.RpcAsync("<commit><confirmed/><confirm-timeout>120</confirm-timeout><persist>p</persist></commit>"));
        time.Advance(TimeSpan.FromSeconds(110));
        var during = Running;
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.Contains("description trial;", during);
        Assert.DoesNotContain("trial", Running);
        Assert.Equal("other", device.State.Read(s => s.Commits[0].Client));
    }

    [Fact]
    public async Task A_confirming_commit_keeps_the_change_past_the_timeout()
    {
        await using var peer = await NetconfPeer.OpenAsync(device, registry);
        AssertOk(await peer.RpcAsync(Describe("ge-0/0/2", "kept")));

        AssertOk(await peer.RpcAsync("<commit><confirmed/><confirm-timeout>60</confirm-timeout></commit>"));
        AssertOk(await peer.RpcAsync("<commit/>"));
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Contains("description kept;", Running);
        Assert.Equal(["netconf", "netconf"], device.State.Read(s => s.Commits.Take(2).Select(c => c.Client).ToList()));
    }

    [Fact]
    public async Task Kill_session_ends_the_other_session_and_frees_its_lock()
    {
        await using var holder = await NetconfPeer.OpenAsync(device, registry);
        await using var killer = await NetconfPeer.OpenAsync(device, registry);
        AssertOk(await holder.RpcAsync($"<lock>{Candidate}</lock>"));
        var denied = NetconfPeer.Errors(await killer.RpcAsync($"<lock>{Candidate}</lock>")).Single();

        AssertOk(await killer.RpcAsync($"<kill-session><session-id>{holder.SessionId}</session-id></kill-session>"));

        Assert.Equal("lock-denied", denied.Tag);
        Assert.Equal(holder.SessionId.ToString(System.Globalization.CultureInfo.InvariantCulture), denied.Info!.Elements().Single().Value);
        await holder.Server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(await holder.ReadAsync());
        AssertOk(await killer.RpcAsync($"<lock>{Candidate}</lock>"));
    }

    [Fact]
    public async Task Editing_a_candidate_another_session_locked_is_in_use()
    {
        await using var holder = await NetconfPeer.OpenAsync(device, registry);
        await using var other = await NetconfPeer.OpenAsync(device, registry);
        AssertOk(await holder.RpcAsync($"<lock>{Candidate}</lock>"));

        var error = NetconfPeer.Errors(await other.RpcAsync(Describe("ge-0/0/2", "blocked"))).Single();

        Assert.Equal("in-use", error.Tag);
        Assert.DoesNotContain("blocked", device.State.Read(s => s.Candidate ?? ""));
    }

    [Fact]
    public async Task A_lock_is_denied_while_the_candidate_holds_uncommitted_changes()
    {
        device.State.Update(s => s.Candidate = s.RunningConfig + "snmp {\n    location lab;\n}\n");
        await using var peer = await NetconfPeer.OpenAsync(device, registry);

        var error = NetconfPeer.Errors(await peer.RpcAsync($"<lock>{Candidate}</lock>")).Single();

        Assert.Equal("lock-denied", error.Tag);
        Assert.Equal("0", error.Info!.Elements().Single().Value);
    }

    [Theory]
    [InlineData("<edit-config><target><running/></target><config><configuration/></config></edit-config>", "operation-not-supported")]
    [InlineData("<get-config><source><running/></source><filter type=\"xpath\" select=\"/configuration\"/></get-config>", "bad-attribute")]
    [InlineData("<get-config><source><startup/></source></get-config>", "invalid-value")]
    [InlineData("<cancel-commit/>", "operation-failed")]
    [InlineData("<unlock><target><candidate/></target></unlock>", "operation-failed")]
    [InlineData("<commit><persist-id>nothing</persist-id></commit>", "invalid-value")]
    [InlineData("<get-schema/>", "operation-not-supported")]
    public async Task Requests_the_device_cannot_honour_get_the_rfc_error_tag(string operation, string tag)
    {
        await using var peer = await NetconfPeer.OpenAsync(device, registry);

        var error = NetconfPeer.Errors(await peer.RpcAsync(operation)).Single();

        Assert.Equal(tag, error.Tag);
        Assert.False(string.IsNullOrEmpty(error.Message));
    }

    [Fact]
    public async Task Junos_load_configuration_of_set_lines_and_get_configuration_as_text_share_the_candidate()
    {
        await using var peer = await NetconfPeer.OpenAsync(device, registry);

        var loaded = await peer.RpcAsync("<load-configuration action=\"set\" format=\"text\"><configuration-set>"
            + "set interfaces ge-0/0/3 description loaded\ndelete interfaces ge-0/0/2</configuration-set></load-configuration>");
        var text = await peer.RpcAsync("<get-configuration database=\"candidate\" format=\"text\"/>");
        var committed = await peer.RpcAsync("<get-configuration database=\"committed\" format=\"set\"/>");

        Assert.NotNull(loaded.Descendants("load-success").SingleOrDefault());
        var candidate = text.Element("configuration-text")!.Value;
        Assert.Contains("description loaded;", candidate);
        Assert.DoesNotContain("ge-0/0/2", candidate);
        Assert.Contains("set interfaces ge-0/0/2 disable", committed.Element("configuration-set")!.Value);
    }
}

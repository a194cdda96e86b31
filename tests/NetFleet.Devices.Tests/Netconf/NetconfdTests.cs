using System.Xml.Linq;
using NetFleet.Devices.Netconf;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Netconfd;
using NetFleet.Netconf;
using NetFleet.Testing;

namespace NetFleet.Devices.Tests.Netconf;

/// <summary>The client against Debian's netconfd (yuma123) through sshd's netconf subsystem. Each test configures
/// interfaces named after itself, so the shared datastores never mix tests.</summary>
public sealed class NetconfdTests(NetconfdFixture netconfd) : IClassFixture<NetconfdFixture>
{
    private static readonly XNamespace If = "urn:ietf:params:xml:ns:yang:ietf-interfaces";
    private static readonly XNamespace IanaIfType = "urn:ietf:params:xml:ns:yang:iana-if-type";

    [Fact]
    public async Task Hello_reads_the_servers_capabilities_and_both_sides_base_1_1_switches_to_chunked_framing()
    {
        await using var session = await netconfd.OpenAsync();

        Assert.True(session.IsOpen);
        Assert.NotNull(session.SessionId);
        Assert.True(session.Supports(NetconfCapabilities.Candidate));
        Assert.True(session.Supports(NetconfCapabilities.ConfirmedCommit11));
        Assert.True(session.Supports(NetconfCapabilities.XPath));
        Assert.Contains(session.ServerCapabilities, c => c.StartsWith("urn:ietf:params:xml:ns:yang:ietf-interfaces?", StringComparison.Ordinal));
        Assert.Equal(NetconfFraming.Chunked, session.Framing);
    }

    [Fact]
    public async Task A_client_offering_only_base_1_0_keeps_end_of_message_framing_and_still_works()
    {
        await using var session = await netconfd.OpenAsync([NetconfCapabilities.Base10]);
        Assert.Equal(NetconfFraming.EndOfMessage, session.Framing);

        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("eom0", "over base:1.0")));
        await session.CommitAsync();

        Assert.Equal("over base:1.0", Description(await RunningAsync(session), "eom0"));
    }

    [Fact]
    public async Task Edit_config_merge_into_candidate_shows_in_running_only_after_commit_and_the_diff_names_it()
    {
        await using var session = await netconfd.OpenAsync();

        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("merge0", "uplink")),
            new EditConfigOptions { DefaultOperation = "merge", TestOption = "test-then-set", ErrorOption = "rollback-on-error" });
        Assert.Null(Description(await RunningAsync(session), "merge0"));
        var running = NetconfText.Canonical(await session.GetConfigAsync(NetconfDatastore.Running));
        var candidate = NetconfText.Canonical(await session.GetConfigAsync(NetconfDatastore.Candidate));
        var added = candidate.Split('\n').Except(running.Split('\n')).Select(l => l.Trim()).ToList();
        Assert.Contains("<name>merge0</name>", added);
        Assert.Contains("<description>uplink</description>", added);

        await session.CommitAsync();

        var records = NetconfRecords.From(await RunningAsync(session));
        var interfaces = (Dictionary<string, object?>)records["interfaces"]!;
        var merge0 = Items(interfaces["interface"]).Single(i => (string?)i["name"] == "merge0");
        Assert.Equal("uplink", merge0["description"]);
        Assert.Equal("ianaift:ethernetCsmacd", merge0["type"]);
    }

    [Fact]
    public async Task Edit_config_replaces_and_deletes_with_the_operation_attribute_and_test_only_changes_nothing()
    {
        await using var session = await netconfd.OpenAsync();
        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("replace0", "old"), Interface("delete0", "doomed")));
        await session.CommitAsync();

        var replace = Interface("replace0", "new");
        replace.Add(new XAttribute(NetconfXml.Base + "operation", "replace"));
        var delete = new XElement(If + "interface", new XAttribute(NetconfXml.Base + "operation", "delete"), new XElement(If + "name", "delete0"));
        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(replace, delete), new EditConfigOptions { DefaultOperation = "none" });
        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("testonly0", "checked only")),
            new EditConfigOptions { TestOption = "test-only" });
        await session.CommitAsync();

        var running = await RunningAsync(session);
        Assert.Equal("new", Description(running, "replace0"));
        Assert.DoesNotContain("delete0", Names(running));
        Assert.DoesNotContain("testonly0", Names(running));
    }

    [Fact]
    public async Task Validate_accepts_a_valid_candidate_and_leaves_it_as_it_was()
    {
        await using var session = await netconfd.OpenAsync();
        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("validate0", "checked")));

        await session.ValidateAsync(NetconfDatastore.Candidate);

        Assert.Equal("checked", Description(await session.GetConfigAsync(NetconfDatastore.Candidate), "validate0"));
        // Not committed: after a validate of the candidate, netconfd 2.13's next commit commits nothing and drops the edit.
        await session.DiscardChangesAsync();
    }

    [Fact]
    public async Task Get_config_selects_with_a_subtree_filter_and_with_an_xpath_filter()
    {
        await using var session = await netconfd.OpenAsync();
        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("filter0", "zero"), Interface("filter1", "one")));
        await session.CommitAsync();

        var subtree = await session.GetConfigAsync(NetconfDatastore.Running, new NetconfFilter.Subtree(
            new XElement(If + "interfaces", new XElement(If + "interface", new XElement(If + "name", "filter0")))));
        Assert.Equal(["filter0"], Names(subtree));
        Assert.Equal("zero", Description(subtree, "filter0"));

        var xpath = await session.GetConfigAsync(NetconfDatastore.Running, new NetconfFilter.XPath(
            "/if:interfaces/if:interface[if:name='filter1']", new Dictionary<string, string> { ["if"] = If.NamespaceName }));
        Assert.Equal(["filter1"], Names(xpath));

        var state = await session.GetAsync(new NetconfFilter.Subtree(new XElement(If + "interfaces")));
        Assert.Contains("filter0", Names(state));
    }

    [Fact]
    public async Task An_invalid_edit_fails_with_the_servers_error_tag_path_and_message()
    {
        await using var session = await netconfd.OpenAsync();
        var bogus = Interfaces(new XElement(If + "interface", new XElement(If + "name", "invalid0"), new XElement(If + "type", "bogus")));

        var error = await Assert.ThrowsAsync<NetconfRpcException>(() => session.EditConfigAsync(NetconfDatastore.Candidate, bogus));

        var rpcError = Assert.Single(error.Errors);
        Assert.Equal("invalid-value", rpcError.Tag);
        Assert.Equal("error", rpcError.Severity);
        Assert.Contains("if:interface[if:name='invalid0']/if:type", rpcError.Path);
        Assert.Equal("invalid value", rpcError.Message);
        Assert.Contains("invalid-value at /nc:rpc/nc:edit-config/nc:config/if:interfaces/if:interface[if:name='invalid0']/if:type: invalid value", error.Message);
        Assert.Contains("bad-value: bogus", error.Message);
        Assert.Equal("netconfd", error.Device);
        Assert.False(error.Retryable);
        Assert.True(session.IsOpen);
        await session.DiscardChangesAsync();
    }

    [Fact]
    public async Task A_lock_held_by_another_session_is_denied_naming_the_holders_session_id()
    {
        await using var holder = await netconfd.OpenAsync();
        await using var other = await netconfd.OpenAsync();
        await holder.LockAsync(NetconfDatastore.Candidate);
        try
        {
            var error = await Assert.ThrowsAsync<NetconfRpcException>(() => other.LockAsync(NetconfDatastore.Candidate));

            var denied = Assert.Single(error.Errors);
            Assert.Equal("lock-denied", denied.Tag);
            Assert.Equal(holder.SessionId, denied.Info?.Element(NetconfXml.Base + "session-id")?.Value);
            Assert.Contains($"session-id: {holder.SessionId}", error.Message);
            Assert.True(error.Retryable);
        }
        finally
        {
            await holder.UnlockAsync(NetconfDatastore.Candidate);
        }

        await other.LockAsync(NetconfDatastore.Candidate);
        await other.UnlockAsync(NetconfDatastore.Candidate);
    }

    [Fact]
    public async Task A_confirmed_commit_that_is_not_confirmed_reverts_by_itself_after_its_timeout()
    {
        await using var session = await netconfd.OpenAsync();
        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("confirm0", "before")));
        await session.CommitAsync();
        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("confirm0", "on probation")));

        await session.CommitAsync(new ConfirmedCommit(TimeSpan.FromSeconds(2)));
        Assert.Equal("on probation", Description(await RunningAsync(session), "confirm0"));

        // netconfd checks confirm-timeout only when its event loop is idle for about a second: requests every 250 ms
        // kept an unconfirmed commit alive for 20 s and more. So: quiet past the timeout, then a look every 2 s.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var reverted = await PollAsync(async () => Description(await RunningAsync(session), "confirm0") == "before", TimeSpan.FromSeconds(20));
        Assert.True(reverted, "running still has the unconfirmed change 20 s after a 2 s confirmed commit; netconfd log:\n" + netconfd.Log());
    }

    [Fact]
    public async Task A_persistent_confirmed_commit_is_confirmed_from_another_session_and_then_stays()
    {
        await using (var first = await netconfd.OpenAsync())
        {
            await first.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("persist0", "kept")));
            await first.CommitAsync(new ConfirmedCommit(TimeSpan.FromSeconds(3)) { Persist = "persist0-token" });
        }

        await using var second = await netconfd.OpenAsync();
        Assert.Equal("kept", Description(await RunningAsync(second), "persist0"));
        await second.ConfirmCommitAsync("persist0-token");

        // Past the 3 s the commit had: confirmed, it is not rolled back.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal("kept", Description(await RunningAsync(second), "persist0"));
    }

    [Fact]
    public async Task Cancel_commit_rolls_a_persistent_confirmed_commit_back_at_once()
    {
        await using var session = await netconfd.OpenAsync();
        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("cancel0", "cancelled soon")));
        await session.CommitAsync(new ConfirmedCommit(TimeSpan.FromMinutes(5)) { Persist = "cancel0-token" });
        Assert.Equal("cancelled soon", Description(await RunningAsync(session), "cancel0"));

        await using var other = await netconfd.OpenAsync();
        await other.CancelCommitAsync("cancel0-token");

        Assert.Null(Description(await RunningAsync(other), "cancel0"));
    }

    [Fact]
    public async Task Discard_changes_resets_the_candidate_to_running()
    {
        await using var session = await netconfd.OpenAsync();
        await session.EditConfigAsync(NetconfDatastore.Candidate, Interfaces(Interface("discard0", "never committed")));
        Assert.Equal("never committed", Description(await session.GetConfigAsync(NetconfDatastore.Candidate), "discard0"));

        await session.DiscardChangesAsync();

        Assert.Null(Description(await session.GetConfigAsync(NetconfDatastore.Candidate), "discard0"));
    }

    [Fact]
    public async Task Kill_session_ends_another_session_whose_next_operation_fails_and_closes_it()
    {
        await using var killer = await netconfd.OpenAsync();
        await using var victim = await netconfd.OpenAsync();

        await killer.KillSessionAsync(victim.SessionId!);

        await Assert.ThrowsAsync<DeviceConnectionDroppedException>(() => victim.GetConfigAsync(NetconfDatastore.Running));
        Assert.False(victim.IsOpen);
        await Assert.ThrowsAsync<DeviceStateException>(() => victim.GetConfigAsync(NetconfDatastore.Running));
    }

    [Fact]
    public async Task Close_session_ends_the_session_and_a_second_close_is_harmless()
    {
        var session = await netconfd.OpenAsync();
        await session.CloseAsync();
        Assert.False(session.IsOpen);
        await session.CloseAsync();
        await session.DisposeAsync();
    }

    [Fact]
    public async Task A_vendor_operation_goes_through_RpcAsync_and_its_reply_comes_back()
    {
        await using var session = await netconfd.OpenAsync();
        var reply = await session.RpcAsync(new XElement(NetconfXml.Base + "get",
            new XElement(NetconfXml.Base + "filter", new XAttribute("type", "subtree"),
                new XElement(XNamespace.Get("urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring") + "netconf-state",
                    new XElement(XNamespace.Get("urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring") + "sessions")))));

        Assert.Equal(NetconfXml.Base + "rpc-reply", reply.Name);
        Assert.Contains(reply.Descendants().Where(e => e.Name.LocalName == "session-id"), e => e.Value == session.SessionId);
    }

    [Fact]
    public async Task An_unknown_host_key_and_a_wrong_password_fail_as_the_ssh_transport_does()
    {
        var empty = Path.Combine(netconfd.Dir, "empty_known_hosts");
        await File.WriteAllTextAsync(empty, "");
        var unknown = new NetconfSession(netconfd.Options() with { KnownHostsPath = empty }, netconfd.Port);
        var hostKey = await Assert.ThrowsAsync<HostKeyVerificationException>(() => unknown.OpenAsync());
        Assert.False(hostKey.IsMismatch);

        var options = netconfd.Options();
        var wrong = new NetconfSession(options with { Credentials = options.Credentials with { Password = "not-the-password" } }, netconfd.Port);
        await Assert.ThrowsAsync<DeviceAuthenticationException>(() => wrong.OpenAsync());
        Assert.False(wrong.IsOpen);
    }

    [Fact]
    public async Task An_sshd_without_the_netconf_subsystem_or_without_netconfd_behind_it_is_unreachable_with_the_reason()
    {
        var login = $"PasswordAuthentication yes\nAllowUsers {LabDefaults.Username}\n";
        await using var plain = await PrivateSshd.StartAsync(Path.Combine(netconfd.Dir, "plain-sshd"), NetconfdFixture.Address, Loopback.FreePort(), login);
        var noSubsystem = await Assert.ThrowsAsync<DeviceUnreachableException>(
            () => new NetconfSession(netconfd.Options() with { KnownHostsPath = plain.KnownHosts }, plain.Port).OpenAsync());
        Assert.Contains("refused the 'netconf' subsystem", noSubsystem.Message);

        var port = Loopback.FreePort();
        await using var orphan = await PrivateSshd.StartAsync(Path.Combine(netconfd.Dir, "orphan-sshd"), NetconfdFixture.Address, port,
            login + $"Subsystem netconf \"{NetconfdServer.SubsystemProgram} --ncxserver-sockname={port}@{netconfd.Dir}/none.sock\"\n");
        var noServer = await Assert.ThrowsAsync<DeviceUnreachableException>(
            () => new NetconfSession(netconfd.Options() with { KnownHostsPath = orphan.KnownHosts }, port).OpenAsync());
        Assert.Contains("closed the netconf subsystem before sending its hello", noServer.Message);
    }

    private static XElement Interfaces(params XElement[] interfaces) => new(If + "interfaces", interfaces);

    private static XElement Interface(string name, string description) => new(If + "interface",
        new XElement(If + "name", name),
        new XElement(If + "description", description),
        new XElement(If + "type", new XAttribute(XNamespace.Xmlns + "ianaift", IanaIfType.NamespaceName), "ianaift:ethernetCsmacd"));

    private static Task<XElement> RunningAsync(NetconfSession session) =>
        session.GetConfigAsync(NetconfDatastore.Running, new NetconfFilter.Subtree(new XElement(If + "interfaces")));

    private static string? Description(XElement data, string name) =>
        data.Descendants(If + "interface").FirstOrDefault(i => i.Element(If + "name")?.Value == name)?.Element(If + "description")?.Value;

    private static List<string> Names(XElement data) => [.. data.Descendants(If + "interface").Select(i => i.Element(If + "name")!.Value)];

    private static IEnumerable<Dictionary<string, object?>> Items(object? value) => value switch
    {
        List<object?> list => list.Cast<Dictionary<string, object?>>(),
        Dictionary<string, object?> single => [single],
        _ => [],
    };

    private static async Task<bool> PollAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        return await condition();
    }
}

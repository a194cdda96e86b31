using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using NetFleet.Devices.Netconf;
using NetFleet.Netconf;

namespace NetFleet.Devices.Tests.Netconf;

/// <summary>
/// What a real server never does on purpose (a reply under another message-id, silence) and what netconfd cannot show
/// (a missing capability), against a scripted peer on loopback TCP that speaks RFC 6242 framing with the same reader.
/// </summary>
public sealed class NetconfSessionProtocolTests
{
    private static readonly string[] Minimal = [NetconfCapabilities.Base10, NetconfCapabilities.Base11, NetconfCapabilities.Candidate];

    [Fact]
    public async Task A_reply_under_another_message_id_is_a_protocol_error_that_closes_the_session()
    {
        await using var peer = await ScriptedPeer.StartAsync(Minimal, rpc => Reply("999", "<ok/>"));
        await using var session = await peer.ConnectAsync();

        var error = await Assert.ThrowsAsync<NetconfProtocolException>(() => session.LockAsync(NetconfDatastore.Candidate));

        Assert.Contains("message-id '999'", error.Message);
        Assert.Contains("sent as '1'", error.Message);
        Assert.False(session.IsOpen);
        await Assert.ThrowsAsync<DeviceStateException>(() => session.UnlockAsync(NetconfDatastore.Candidate));
    }

    [Fact]
    public async Task A_yuma_server_that_drops_the_first_request_is_probed_again_until_it_answers_before_the_caller_sends_anything()
    {
        // netconfd 2.13 ignores a request that arrives in the same read as the client's hello; the scripted peer ignores
        // the first two requests as netconfd did when its relay started late.
        var ignored = 0;
        await using var peer = await ScriptedPeer.StartAsync([.. Minimal, "http://netconfcentral.org/ns/yuma-ncx?module=yuma-ncx"],
            rpc => ++ignored <= 2 ? null : Reply(rpc, rpc.Elements().Single().Name.LocalName == "get-config" ? "<data/>" : "<ok/>"));
        await using var session = await peer.ConnectAsync(commandTimeout: TimeSpan.FromSeconds(5));

        await session.LockAsync(NetconfDatastore.Candidate);

        Assert.Equal(["get-config", "get-config", "get-config", "lock"], peer.Received.Select(r => r.Elements().Single().Name.LocalName));
        Assert.Equal("4", (string?)peer.Received[^1].Attribute("message-id"));
    }

    [Fact]
    public async Task A_server_that_never_replies_times_out_after_the_command_timeout_and_the_session_closes()
    {
        await using var peer = await ScriptedPeer.StartAsync(Minimal, _ => null);
        await using var session = await peer.ConnectAsync(commandTimeout: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<DeviceTimeoutException>(() => session.GetConfigAsync(NetconfDatastore.Running));

        Assert.Equal("get-config", error.Operation);
        Assert.Contains("message-id 1", error.LastOutput);
        Assert.False(session.IsOpen);
    }

    [Fact]
    public async Task Warnings_are_kept_on_the_session_and_only_errors_throw()
    {
        const string Warning = "<rpc-error><error-type>application</error-type><error-tag>operation-failed</error-tag>"
            + "<error-severity>warning</error-severity><error-message>interface renamed</error-message></rpc-error>";
        const string Error = "<rpc-error><error-type>protocol</error-type><error-tag>in-use</error-tag>"
            + "<error-severity>error</error-severity><error-message>busy</error-message></rpc-error>";
        await using var peer = await ScriptedPeer.StartAsync(Minimal,
            rpc => Reply(rpc, rpc.Elements().Single().Name.LocalName == "lock" ? Warning + "<ok/>" : Warning + Error));
        await using var session = await peer.ConnectAsync();

        await session.LockAsync(NetconfDatastore.Candidate);
        Assert.Equal("interface renamed", Assert.Single(session.Warnings).Message);

        var error = await Assert.ThrowsAsync<NetconfRpcException>(() => session.UnlockAsync(NetconfDatastore.Candidate));
        Assert.Equal("in-use", Assert.Single(error.Errors).Tag);
        Assert.True(error.Retryable);
        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task Operations_and_options_whose_capability_the_server_lacks_are_refused_before_anything_is_sent()
    {
        await using var peer = await ScriptedPeer.StartAsync(Minimal, rpc => Reply(rpc, "<data/>"));
        await using var session = await peer.ConnectAsync();
        var config = new XElement(XNamespace.Get("urn:example") + "system");

        var refusals = new (Func<Task> Call, string Capability)[]
        {
            (() => session.GetConfigAsync(NetconfDatastore.Running, new NetconfFilter.XPath("/a", new Dictionary<string, string>())), NetconfCapabilities.XPath),
            (() => session.EditConfigAsync(NetconfDatastore.Running, config), NetconfCapabilities.WritableRunning),
            (() => session.EditConfigAsync(NetconfDatastore.Candidate, config, new EditConfigOptions { ErrorOption = "rollback-on-error" }), NetconfCapabilities.RollbackOnError),
            (() => session.EditConfigAsync(NetconfDatastore.Candidate, config, new EditConfigOptions { TestOption = "test-only" }), NetconfCapabilities.Validate11),
            (() => session.ValidateAsync(NetconfDatastore.Candidate), NetconfCapabilities.Validate10),
            (() => session.CommitAsync(new ConfirmedCommit(TimeSpan.FromSeconds(30))), NetconfCapabilities.ConfirmedCommit10),
            (() => session.CommitAsync(new ConfirmedCommit(TimeSpan.FromSeconds(30)) { Persist = "p" }), NetconfCapabilities.ConfirmedCommit11),
            (() => session.CancelCommitAsync("p"), NetconfCapabilities.ConfirmedCommit11),
            (() => session.GetConfigAsync(NetconfDatastore.Startup), NetconfCapabilities.Startup),
        };
        foreach (var (call, capability) in refusals)
        {
            var error = await Assert.ThrowsAsync<NetconfCapabilityException>(call);
            Assert.Equal(capability, error.Capability);
            Assert.Contains(capability, error.Message);
        }

        Assert.Empty(peer.Received);
        await session.GetConfigAsync(NetconfDatastore.Candidate);
        Assert.Single(peer.Received);
    }

    [Fact]
    public async Task Edit_config_and_confirmed_commit_are_written_in_the_order_and_units_of_RFC_6241()
    {
        string[] capabilities = [.. Minimal, NetconfCapabilities.Validate11, NetconfCapabilities.RollbackOnError, NetconfCapabilities.ConfirmedCommit11];
        await using var peer = await ScriptedPeer.StartAsync(capabilities, rpc => Reply(rpc, "<ok/>"));
        await using var session = await peer.ConnectAsync();

        await session.EditConfigAsync(NetconfDatastore.Candidate, new XElement(XNamespace.Get("urn:example") + "system"),
            new EditConfigOptions { DefaultOperation = "replace", TestOption = "test-only", ErrorOption = "rollback-on-error" });
        await session.CommitAsync(new ConfirmedCommit(TimeSpan.FromSeconds(1.2)) { Persist = "t1" });
        await session.ConfirmCommitAsync("t1");

        var edit = peer.Received[0].Elements().Single();
        Assert.Equal(["target", "default-operation", "test-option", "error-option", "config"], edit.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("system", edit.Element(NetconfXml.Base + "config")!.Elements().Single().Name.LocalName);
        var commit = peer.Received[1].Elements().Single();
        Assert.Equal(["confirmed", "confirm-timeout", "persist"], commit.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("2", commit.Element(NetconfXml.Base + "confirm-timeout")!.Value);
        var confirming = peer.Received[2].Elements().Single();
        Assert.Equal(["persist-id"], confirming.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["1", "2", "3"], peer.Received.Select(r => (string?)r.Attribute("message-id")));
    }

    [Fact]
    public async Task A_server_offering_only_base_1_1_to_a_client_offering_only_base_1_0_is_refused()
    {
        await using var peer = await ScriptedPeer.StartAsync([NetconfCapabilities.Base11], rpc => Reply(rpc, "<ok/>"));
        var error = await Assert.ThrowsAsync<NetconfProtocolException>(() => peer.ConnectAsync(clientCapabilities: [NetconfCapabilities.Base10]));
        Assert.Contains("neither base:1.0", error.Message);
    }

    private static string Reply(XElement rpc, string content) => Reply((string?)rpc.Attribute("message-id") ?? "", content);

    private static string Reply(string messageId, string content) =>
        $"<rpc-reply xmlns=\"{NetconfXml.Base.NamespaceName}\" message-id=\"{messageId}\">{content}</rpc-reply>";

    /// <summary>A NETCONF server on loopback TCP that answers each rpc with what the script returns (null: silence).</summary>
    private sealed class ScriptedPeer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly IReadOnlyList<string> capabilities;
        private readonly Func<XElement, string?> script;
        private readonly List<IDisposable> connections = [];
        private Task serving = Task.CompletedTask;

        private ScriptedPeer(IReadOnlyList<string> capabilities, Func<XElement, string?> script)
        {
            this.capabilities = capabilities;
            this.script = script;
        }

        public List<XElement> Received { get; } = [];

        public static Task<ScriptedPeer> StartAsync(IReadOnlyList<string> capabilities, Func<XElement, string?> script)
        {
            var peer = new ScriptedPeer(capabilities, script);
            peer.listener.Start();
            return Task.FromResult(peer);
        }

        public async Task<NetconfSession> ConnectAsync(TimeSpan? commandTimeout = null, IReadOnlyList<string>? clientCapabilities = null)
        {
            var client = new TcpClient();
            connections.Add(client);
            var accept = listener.AcceptTcpClientAsync();
            await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
            var server = await accept;
            connections.Add(server);
            serving = ServeAsync(server.GetStream());
            var options = new DeviceConnectionOptions("127.0.0.1", "netconf", new SshCredentials("test"))
            {
                Name = "scripted",
                CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(10),
            };
            return await NetconfSession.OverStreamAsync(options, client.GetStream(), clientCapabilities);
        }

        private async Task ServeAsync(Stream stream)
        {
            var reader = new NetconfMessageReader(stream);
            await NetconfMessageWriter.WriteAsync(stream, new NetconfHello(capabilities, "7").ToXml(), NetconfFraming.EndOfMessage);
            var hello = NetconfHello.Parse((await reader.ReadMessageAsync())!);
            var framing = NetconfCapabilities.Negotiate(capabilities, hello.Capabilities);
            reader.Framing = framing;
            try
            {
                while (await reader.ReadMessageAsync() is { } message)
                {
                    var rpc = NetconfXml.Parse(message);
                    lock (Received) Received.Add(rpc);
                    if (script(rpc) is { } reply) await NetconfMessageWriter.WriteAsync(stream, reply, framing);
                }
            }
            catch (IOException)
            {
                // The client closed the connection.
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var connection in connections) connection.Dispose();
            listener.Stop();
            await serving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

using System.Globalization;
using System.Xml.Linq;
using NetFleet.Devices.Transport;
using NetFleet.Netconf;
using Renci.SshNet.Common;

namespace NetFleet.Devices.Netconf;

/// <summary>
/// A NETCONF session over SSH's <c>netconf</c> subsystem (RFC 6242): the hello exchange, the framing both sides agreed
/// on, one rpc at a time matched to its reply by message-id, each bounded by <see cref="DeviceConnectionOptions.CommandTimeout"/>.
/// A timeout, a broken stream or a reply that does not match closes the session: where the next reply starts is unknown.
/// The operations are in NetconfSession.Operations.cs.
/// </summary>
public sealed partial class NetconfSession : INetconfSession
{
    /// <summary>The standard NETCONF port (RFC 6242 section 3).</summary>
    public const int DefaultPort = 830;

    /// <summary>What the client offers in its hello unless told otherwise: both framings.</summary>
    public static readonly IReadOnlyList<string> DefaultClientCapabilities = [NetconfCapabilities.Base10, NetconfCapabilities.Base11];

    private static readonly XNamespace Notifications = "urn:ietf:params:xml:ns:netconf:notification:1.0";

    private readonly DeviceConnectionOptions options;
    private readonly SemaphoreSlim turn = new(1, 1);
    private SshTransport? transport;
    private Stream? stream;
    private NetconfMessageReader? reader;
    private long lastMessageId;
    private string? broken;

    /// <param name="options">Host, credentials, known_hosts and timeouts as for the CLI session; its Port is ignored.</param>
    /// <param name="port">The NETCONF port: 830, or 22 where the device serves the subsystem beside its CLI.</param>
    /// <param name="clientCapabilities">The client's hello; base:1.0 alone keeps end-of-message framing.</param>
    public NetconfSession(DeviceConnectionOptions options, int port = DefaultPort, IReadOnlyList<string>? clientCapabilities = null)
    {
        this.options = options;
        Port = port;
        ClientCapabilities = clientCapabilities ?? DefaultClientCapabilities;
        if (!NetconfCapabilities.Has(ClientCapabilities, NetconfCapabilities.Base10) && !NetconfCapabilities.Has(ClientCapabilities, NetconfCapabilities.Base11))
        {
            throw new ArgumentException("the client's capabilities need base:1.0 or base:1.1", nameof(clientCapabilities));
        }
    }

    public string Device => options.DisplayName;
    public int Port { get; }
    public IReadOnlyList<string> ClientCapabilities { get; }
    public IReadOnlyList<string> ServerCapabilities { get; private set; } = [];
    public string? SessionId { get; private set; }
    public NetconfFraming Framing { get; private set; } = NetconfFraming.EndOfMessage;
    public bool IsOpen => stream is not null && broken is null && (transport?.IsConnected ?? true);

    /// <summary>The <c>rpc-error</c>s of severity warning in the last reply: the operation succeeded, the server had remarks.</summary>
    public IReadOnlyList<NetconfRpcError> Warnings { get; private set; } = [];

    public bool Supports(string capability) => NetconfCapabilities.Has(ServerCapabilities, capability);

    /// <summary>Connects (host key, login, connect timeout as the SSH transport does), opens the subsystem and exchanges hellos.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        if (stream is not null || broken is not null)
        {
            throw new DeviceStateException(Device, "this NETCONF session was opened before; create a new NetconfSession to reconnect");
        }

        transport = await SshTransport.ConnectAsync(options with { Port = Port }, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            var channel = await transport.OpenSubsystemAsync("netconf", timeout.Token);
            await StartAsync(channel, timeout.Token);
        }
        catch (Exception e)
        {
            await AbortAsync("the session did not open");
            if (OpenFailure(e, cancellationToken) is { } failure) throw failure;
            throw;
        }
    }

    /// <summary>What a failure to open means to the caller; null keeps the exception as it is (caller's cancellation,
    /// a server that broke the protocol).</summary>
    private DeviceException? OpenFailure(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        OperationCanceledException => new DeviceUnreachableException(Device,
            $"no NETCONF hello from {options.Host}:{Port} within the connect timeout of {options.ConnectTimeout.TotalSeconds:0.###} s "
            + "(the SSH login worked; check that the NETCONF server behind the netconf subsystem runs)", e),
        NetconfFramingException or NetconfProtocolException => null,
        SshException or IOException => new DeviceUnreachableException(Device, $"no NETCONF session on {options.Host}:{Port}: {e.Message}", e),
        _ => null,
    };

    /// <summary>A session on a stream that is already connected to a NETCONF server (tests drive the protocol with it).</summary>
    internal static async Task<NetconfSession> OverStreamAsync(DeviceConnectionOptions options, Stream stream,
        IReadOnlyList<string>? clientCapabilities = null, CancellationToken cancellationToken = default)
    {
        var session = new NetconfSession(options, DefaultPort, clientCapabilities);
        await session.StartAsync(stream, cancellationToken);
        return session;
    }

    private async Task StartAsync(Stream channel, CancellationToken cancellationToken)
    {
        stream = channel;
        reader = new NetconfMessageReader(channel);
        // Both hellos travel in end-of-message framing (RFC 6242 section 4.1); ours goes first, without waiting.
        await NetconfMessageWriter.WriteAsync(channel, new NetconfHello(ClientCapabilities, null).ToXml(), NetconfFraming.EndOfMessage, cancellationToken);
        var text = await reader.ReadMessageAsync(cancellationToken)
            ?? throw new IOException("the server closed the netconf subsystem before sending its hello (is the NETCONF server running?)");
        var hello = NetconfHello.Parse(text);
        if (hello.SessionId is null)
        {
            throw new NetconfProtocolException($"{Device}: the server's hello has no session-id (RFC 6241 section 8.1 requires one)");
        }

        ServerCapabilities = hello.Capabilities;
        SessionId = hello.SessionId;
        Framing = NetconfCapabilities.Negotiate(ClientCapabilities, hello.Capabilities);
        if (!NetconfCapabilities.Has(hello.Capabilities, NetconfCapabilities.Base10) && Framing != NetconfFraming.Chunked)
        {
            throw new NetconfProtocolException($"{Device}: the server offers neither base:1.0 nor a base:1.1 the client offered too: "
                + string.Join(", ", hello.Capabilities.Where(c => c.StartsWith("urn:ietf:params:netconf:base:", StringComparison.Ordinal))));
        }

        reader.Framing = Framing;
        if (ServerCapabilities.Any(c => c.StartsWith(YumaCapabilities, StringComparison.Ordinal)))
        {
            await SettleYumaAsync(cancellationToken);
        }
    }

    private const string YumaCapabilities = "http://netconfcentral.org/ns/yuma";

    /// <summary>
    /// netconfd (yuma123 2.13) never answers a request that reaches it in the same read as the client's hello, which
    /// happens when its netconf-subsystem relay starts late (seen under load: the session's first request then timed
    /// out). So with a yuma server the first request is a harmless empty get-config, sent again every second until one
    /// is answered; answers to earlier copies are skipped. Nothing the caller sends can meet the hello after that.
    /// </summary>
    private async Task SettleYumaAsync(CancellationToken cancellationToken)
    {
        var probe = await SendProbeAsync(cancellationToken);
        var reply = reader!.ReadMessageAsync(cancellationToken);
        while (true)
        {
            if (await Task.WhenAny(reply, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)) != reply)
            {
                cancellationToken.ThrowIfCancellationRequested();
                probe = await SendProbeAsync(cancellationToken);
                continue;
            }

            var text = await reply ?? throw new IOException("the server closed the session before answering its first request");
            if (NetconfXml.Parse(text).Attribute("message-id")?.Value == probe) return;
            reply = reader.ReadMessageAsync(cancellationToken);
        }
    }

    private async Task<string> SendProbeAsync(CancellationToken cancellationToken)
    {
        var id = (++lastMessageId).ToString(CultureInfo.InvariantCulture);
        var rpc = new XElement(NetconfXml.Base + "rpc", new XAttribute("message-id", id),
            new XElement(NetconfXml.Base + "get-config",
                new XElement(NetconfXml.Base + "source", new XElement(NetconfXml.Base + "running")),
                new XElement(NetconfXml.Base + "filter", new XAttribute("type", "subtree"))));
        await NetconfMessageWriter.WriteAsync(stream!, rpc.ToString(SaveOptions.DisableFormatting), Framing, cancellationToken);
        return id;
    }

    public async Task<XElement> RpcAsync(XElement operation, CancellationToken cancellationToken = default) =>
        await SendAsync(operation.Name.LocalName, operation, cancellationToken);

    /// <summary>Sends one operation and returns its <c>rpc-reply</c>; errors of severity error throw <see cref="NetconfRpcException"/>.</summary>
    private async Task<XElement> SendAsync(string operation, XElement body, CancellationToken cancellationToken)
    {
        var reply = await ExchangeAsync(operation, body, cancellationToken);
        var errors = NetconfRpcError.From(reply);
        Warnings = [.. errors.Where(e => e.Severity == "warning")];
        var failures = errors.Where(e => e.Severity != "warning").ToList();
        if (failures.Count > 0)
        {
            throw new NetconfRpcException(Device, operation, failures);
        }

        return reply;
    }

    private async Task<XElement> ExchangeAsync(string operation, XElement body, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            if (broken is not null || stream is null || reader is null)
            {
                throw new DeviceStateException(Device, broken is null
                    ? $"NETCONF {operation}: the session is not open; call OpenAsync first"
                    : $"NETCONF {operation}: the session is closed ({broken}); open a new one");
            }

            var id = (++lastMessageId).ToString(CultureInfo.InvariantCulture);
            var rpc = new XElement(NetconfXml.Base + "rpc", new XAttribute("message-id", id), body);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.CommandTimeout);
            try
            {
                await NetconfMessageWriter.WriteAsync(stream, rpc.ToString(SaveOptions.DisableFormatting), Framing, timeout.Token);
                return await ReadReplyAsync(operation, id, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await AbortAsync($"no reply to {operation} within {options.CommandTimeout.TotalSeconds:0.###} s");
                throw new DeviceTimeoutException(Device, operation, options.CommandTimeout, $"(no rpc-reply to message-id {id})");
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SshException)
            {
                // Cancelled by the caller or broken mid-message: the next reply's start is unknown either way.
                await AbortAsync(e is OperationCanceledException ? $"{operation} was cancelled while waiting for its reply" : e.Message);
                if (e is NetconfFramingException or NetconfProtocolException or OperationCanceledException) throw;
                throw new DeviceConnectionDroppedException(Device, operation, e);
            }
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task<XElement> ReadReplyAsync(string operation, string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = await reader!.ReadMessageAsync(cancellationToken)
                ?? throw new IOException($"the server closed the session before replying to {operation}");
            var message = NetconfXml.Parse(text);
            if (message.Name.Namespace == Notifications)
            {
                // Only a subscription (create-subscription through RpcAsync) makes the server send these.
                continue;
            }

            if (message.Name != NetconfXml.Base + "rpc-reply")
            {
                throw new NetconfProtocolException($"{Device}: expected an rpc-reply to {operation} (message-id {id}), got <{message.Name.LocalName}>: {NetconfXml.Start(text)}");
            }

            // Only one rpc is ever outstanding, so a reply without message-id (some servers drop it from errors about
            // the rpc element itself) can only be ours; a different id cannot.
            var replyId = (string?)message.Attribute("message-id");
            if (replyId is not null && replyId != id)
            {
                throw new NetconfProtocolException($"{Device}: the reply to {operation} carries message-id '{replyId}', the rpc was sent as '{id}'");
            }

            return message;
        }
    }

    /// <summary>close-session, then the SSH connection; safe to call twice and after a failure.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (IsOpen)
        {
            try
            {
                await SendAsync("close-session", Operation("close-session"), cancellationToken);
            }
            catch (DeviceException)
            {
                // The server is gone or refused; the connection is closed below either way.
            }
            catch (IOException)
            {
                // Same: a broken stream needs no goodbye.
            }
        }

        await AbortAsync("closed");
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        turn.Dispose();
    }

    private async Task AbortAsync(string reason)
    {
        broken ??= reason;
        var (channel, connection) = (stream, transport);
        (stream, transport) = (null, null);
        if (channel is not null) await channel.DisposeAsync();
        if (connection is not null) await connection.DisposeAsync();
    }
}

using System.Globalization;
using System.IO.Pipelines;
using System.Xml.Linq;
using NetFleet.Lab.Netconf;
using NetFleet.Lab.Platforms;
using NetFleet.Netconf;

namespace NetFleet.Lab.Tests.Netconf;

/// <summary>
/// A NETCONF client for tests of the lab's server session without sshd: the session runs on in-memory pipes, the
/// client side reads and writes whole messages with NetFleet.Netconf's framing.
/// </summary>
internal sealed class NetconfPeer : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Pipe toServer = new();
    private readonly Pipe toClient = new();
    private readonly Stream client;
    private readonly NetconfMessageReader reader;
    private int messageId;

    private NetconfPeer(NetconfDevice device, NetconfRegistry registry)
    {
        client = new DuplexStream(toClient.Reader.AsStream(), toServer.Writer.AsStream());
        reader = new NetconfMessageReader(client);
        Server = ServeAsync(device, registry);
    }

    // As the lab host does, the connection closes when the session ends (close-session, kill-session).
    private async Task ServeAsync(NetconfDevice device, NetconfRegistry registry)
    {
        try
        {
            await NetconfServerSession.RunAsync(device, new JuniperJunos(), registry,
                new DuplexStream(toServer.Reader.AsStream(), toClient.Writer.AsStream()), Serilog.Core.Logger.None, CancellationToken.None);
        }
        finally
        {
            await toClient.Writer.CompleteAsync();
        }
    }

    /// <summary>The server session; it ends when the client closes or the session is killed.</summary>
    public Task Server { get; }

    public NetconfHello ServerHello { get; private set; } = null!;

    public int SessionId => int.Parse(ServerHello.SessionId!, CultureInfo.InvariantCulture);

    public NetconfFraming Framing => reader.Framing;

    public static async Task<NetconfPeer> OpenAsync(NetconfDevice device, NetconfRegistry registry, params string[] capabilities)
    {
        var peer = new NetconfPeer(device, registry);
        peer.ServerHello = NetconfHello.Parse(await peer.ReadAsync() ?? throw new InvalidOperationException("no server hello"));
        string[] offered = capabilities.Length > 0 ? capabilities : [NetconfCapabilities.Base10, NetconfCapabilities.Base11];
        await NetconfMessageWriter.WriteAsync(peer.client, new NetconfHello(offered, null).ToXml(), NetconfFraming.EndOfMessage);
        peer.reader.Framing = NetconfCapabilities.Negotiate(offered, peer.ServerHello.Capabilities);
        return peer;
    }

    /// <summary>Sends one operation in an rpc and returns the rpc-reply.</summary>
    public async Task<XElement> RpcAsync(string operation, string attributes = "")
    {
        var id = ++messageId;
        await SendAsync($"<rpc xmlns=\"{NetconfXml.Base.NamespaceName}\" message-id=\"{id}\" {attributes}>{operation}</rpc>");
        var reply = NetconfXml.Parse(await ReadAsync() ?? throw new InvalidOperationException("the server closed the session"));
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), (string?)reply.Attribute("message-id"));
        return reply;
    }

    public Task SendAsync(string message) => NetconfMessageWriter.WriteAsync(client, message, reader.Framing);

    public async Task<string?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await reader.ReadMessageAsync(timeout.Token);
    }

    public static IReadOnlyList<NetconfRpcError> Errors(XElement reply) => NetconfRpcError.From(reply);

    public async ValueTask DisposeAsync()
    {
        await toServer.Writer.CompleteAsync();
        await Server.WaitAsync(Patience);
    }

    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            input.ReadAsync(buffer, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            output.WriteAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);

        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        public override void Flush() => output.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

using System.Reflection;
using System.Threading.Channels;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NetFleet.Devices.Transport;

/// <summary>
/// An SSH channel running a subsystem (RFC 4254 section 6.5, e.g. <c>netconf</c> of RFC 6242) as a byte stream.
/// <para>
/// Reflection, and only here: SSH.NET 2026.0.0 sends subsystem requests only from its own clients (SftpClient, and
/// NetConfClient, which does its own blocking hello and framing), and keeps the pieces internal — <c>BaseClient.Session</c>,
/// <c>ISession.CreateChannelSession()</c>, <c>IChannelSession.Open()</c>/<c>SendSubsystemRequest(name)</c>, <c>IChannel</c>'s
/// <c>SendData</c>, <c>DataReceived</c> and <c>Closed</c>. Every member is looked up once, and a missing one fails with
/// the SSH.NET member named, so a package update that renames them breaks here and loudly.
/// </para>
/// </summary>
internal sealed class SshSubsystemStream : Stream
{
    private static readonly Internals Ssh = new();

    private readonly object channel;
    private readonly Channel<byte[]> received = System.Threading.Channels.Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly MemoryStream pending = new();
    private ReadOnlyMemory<byte> current;
    private int disposed;

    private SshSubsystemStream(object channel)
    {
        this.channel = channel;
    }

    /// <summary>Opens a session channel on the connected client and asks for the subsystem; false from the server
    /// (no such subsystem configured) throws <see cref="SshException"/>.</summary>
    public static async Task<Stream> OpenAsync(SshClient client, string subsystem, CancellationToken cancellationToken)
    {
        var session = Ssh.Session.GetValue(client) ?? throw new SshConnectionException("the SSH client is not connected");
        var channel = Ssh.CreateChannelSession.Invoke(session, null)!;
        var stream = new SshSubsystemStream(channel);
        Ssh.DataReceived.AddEventHandler(channel, Delegate.CreateDelegate(Ssh.DataReceived.EventHandlerType!, stream, Ssh.OnDataMethod));
        Ssh.Closed.AddEventHandler(channel, Delegate.CreateDelegate(Ssh.Closed.EventHandlerType!, stream, Ssh.OnClosedMethod));
        Ssh.Exception.AddEventHandler(channel, new EventHandler<ExceptionEventArgs>(stream.OnException));
        try
        {
            // Open and the request wait for the server's answers inside SSH.NET (bounded by ConnectionInfo.Timeout):
            // that wait stays off the caller's thread.
            var accepted = await Task.Run(() =>
            {
                Invoke(Ssh.Open, channel);
                return (bool)Invoke(Ssh.SendSubsystemRequest, channel, subsystem)!;
            }, cancellationToken).WaitAsync(cancellationToken);
            if (!accepted)
            {
                throw new SshException($"the server refused the '{subsystem}' subsystem (it is not configured there)");
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (current.IsEmpty)
        {
            if (!await received.Reader.WaitToReadAsync(cancellationToken))
            {
                return 0;
            }

            if (received.Reader.TryRead(out var data))
            {
                current = data;
            }
        }

        var take = Math.Min(buffer.Length, current.Length);
        current[..take].CopyTo(buffer);
        current = current[take..];
        return take;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Collected until <see cref="FlushAsync(CancellationToken)"/>, so a framed message leaves as one write.</summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        pending.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (pending.Length == 0) return;
        var data = pending.ToArray();
        pending.SetLength(0);
        // SendData waits inside SSH.NET while the server's receive window is full: not on the caller's thread.
        await Task.Run(() => Invoke(Ssh.SendData, channel, data, 0, data.Length), cancellationToken).WaitAsync(cancellationToken);
    }

    public override void Flush() => throw new NotSupportedException("use FlushAsync: sending may wait for the SSH window");
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("use ReadAsync");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("use WriteAsync");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        received.Writer.TryComplete();
        // Closing waits for the server's channel close (ConnectionInfo.ChannelCloseTimeout) inside SSH.NET.
        await Task.Run(((IDisposable)channel).Dispose);
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref disposed, 1) == 0)
        {
            received.Writer.TryComplete();
            ((IDisposable)channel).Dispose();
        }

        base.Dispose(disposing);
    }

    // Raised on SSH.NET's message loop: copy (the segment's buffer is reused) and return at once.
    private void OnData(object? sender, EventArgs e)
    {
        var data = (ArraySegment<byte>)Ssh.Data.GetValue(e)!;
        if (data.Count > 0) received.Writer.TryWrite(data.ToArray());
    }

    private void OnClosed(object? sender, EventArgs e) => received.Writer.TryComplete();

    private void OnException(object? sender, ExceptionEventArgs e) =>
        received.Writer.TryComplete(new IOException($"the SSH channel failed: {e.Exception.Message}", e.Exception));

    private static object? Invoke(MethodInfo method, object target, params object?[] arguments)
    {
        try
        {
            return method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    /// <summary>The internal SSH.NET members used above, resolved once.</summary>
    private sealed class Internals
    {
        private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        private readonly Assembly assembly = typeof(BaseClient).Assembly;

        public Internals()
        {
            var session = Find("Renci.SshNet.ISession");
            var channelSession = Find("Renci.SshNet.Channels.IChannelSession");
            var channel = Find("Renci.SshNet.Channels.IChannel");
            Session = typeof(BaseClient).GetProperty("Session", Instance) ?? throw Missing("BaseClient.Session");
            CreateChannelSession = session.GetMethod("CreateChannelSession", System.Type.EmptyTypes) ?? throw Missing("ISession.CreateChannelSession()");
            Open = channelSession.GetMethod("Open", System.Type.EmptyTypes) ?? throw Missing("IChannelSession.Open()");
            SendSubsystemRequest = channelSession.GetMethod("SendSubsystemRequest", [typeof(string)])
                ?? throw Missing("IChannelSession.SendSubsystemRequest(string)");
            SendData = channel.GetMethod("SendData", [typeof(byte[]), typeof(int), typeof(int)]) ?? throw Missing("IChannel.SendData(byte[], int, int)");
            DataReceived = channel.GetEvent("DataReceived") ?? throw Missing("IChannel.DataReceived");
            Closed = channel.GetEvent("Closed") ?? throw Missing("IChannel.Closed");
            Exception = channel.GetEvent("Exception") ?? throw Missing("IChannel.Exception");
            Data = Find("Renci.SshNet.Common.ChannelDataEventArgs").GetProperty("Data", Instance) ?? throw Missing("ChannelDataEventArgs.Data");
            OnDataMethod = typeof(SshSubsystemStream).GetMethod(nameof(OnData), Instance)!;
            OnClosedMethod = typeof(SshSubsystemStream).GetMethod(nameof(OnClosed), Instance)!;
        }

        public PropertyInfo Session { get; }
        public MethodInfo CreateChannelSession { get; }
        public MethodInfo Open { get; }
        public MethodInfo SendSubsystemRequest { get; }
        public MethodInfo SendData { get; }
        public EventInfo DataReceived { get; }
        public EventInfo Closed { get; }
        public EventInfo Exception { get; }
        public PropertyInfo Data { get; }

        /// <summary>Handlers of (object, EventArgs): bound to events whose argument types are internal.</summary>
        public MethodInfo OnDataMethod { get; }
        public MethodInfo OnClosedMethod { get; }

        private Type Find(string name) => assembly.GetType(name) ?? throw Missing(name);

        private static MissingMemberException Missing(string member) => new(
            $"SSH.NET {typeof(BaseClient).Assembly.GetName().Version} has no {member}, which the SSH subsystem channel "
            + "(NETCONF) needs; SSH.NET's internals changed: keep SSH.NET at the version in Directory.Packages.props");
    }
}

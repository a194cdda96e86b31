using System.Net;
using System.Net.Sockets;

namespace NetFleet.Capture.Tests;

/// <summary>
/// Known traffic on 127.0.0.1: a TCP listener that reads everything and closes, a UDP echo socket
/// on the same port number, and a port with nothing behind it.
/// </summary>
internal sealed class Traffic : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Socket _udp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly Task _echoing;

    public Traffic()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _udp.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        ClosedPort = FreePort();
        _accepting = AcceptAsync();
        _echoing = EchoAsync();
    }

    public int Port { get; }

    /// <summary>A port with no listener: connects to it are answered with RST.</summary>
    public int ClosedPort { get; }

    public int Accepted { get; private set; }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Connects, sends <paramref name="bytes"/> bytes, half-closes and waits for the server's close.</summary>
    public async Task SendTcpAsync(int bytes)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var payload = new byte[bytes];
        Random.Shared.NextBytes(payload);
        await client.SendAsync(payload);
        client.Shutdown(SocketShutdown.Send);
        var buffer = new byte[1024];
        while (await client.ReceiveAsync(buffer) > 0)
        {
        }
    }

    /// <summary>A connect to <see cref="ClosedPort"/>: one SYN, one RST.</summary>
    public async Task ConnectClosedAsync()
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = await Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(IPAddress.Loopback, ClosedPort));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    /// <summary>Sends datagrams of <paramref name="bytes"/> bytes to the echo socket and waits for each echo.</summary>
    public async Task SendUdpAsync(int count, int bytes)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var buffer = new byte[65_536];
        for (var i = 0; i < count; i++)
        {
            await client.SendAsync(new byte[bytes]);
            await client.ReceiveAsync(buffer);
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Accepted++;
                _ = DrainAsync(socket);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private static async Task DrainAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[65_536];
            try
            {
                while (await socket.ReceiveAsync(buffer) > 0)
                {
                }

                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // The client went away.
            }
        }
    }

    private async Task EchoAsync()
    {
        var buffer = new byte[65_536];
        try
        {
            while (true)
            {
                var received = await _udp.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                await _udp.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), received.RemoteEndPoint, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _udp.Dispose();
        await Task.WhenAll(_accepting, _echoing);
        _stop.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;

namespace NetFleet.Snmp;

/// <summary>
/// The receive loop every SNMP endpoint runs on its UDP socket (manager, agent, trap receiver):
/// datagrams until the socket is closed or the token cancelled. An ICMP port-unreachable for an
/// earlier send surfaces on Linux as a failed receive; it is skipped, not fatal.
/// </summary>
internal static class Datagrams
{
    /// <summary>One datagram; <paramref name="Buffer"/> is reused by the next receive, so copy what outlives the call.</summary>
    public readonly record struct Datagram(byte[] Buffer, int Length, EndPoint From)
    {
        public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);
    }

    public static async Task ReceiveAllAsync(Socket socket, Func<Datagram, ValueTask> handle, CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            await handle(new Datagram(buffer, received.ReceivedBytes, received.RemoteEndPoint));
        }
    }

    /// <summary>Sends a reply; a closed socket or a cancelled token means the loop is ending, and the next receive ends it.</summary>
    public static async ValueTask ReplyAsync(Socket socket, byte[] reply, EndPoint to, Action<SocketException> failed,
        CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendToAsync(reply, SocketFlags.None, to, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping.
        }
        catch (SocketException e)
        {
            failed(e);
        }
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetFleet.Capture.Probes;

/// <summary>
/// Sends probes the way scapy users check a path: TCP connects, UDP datagrams (optionally expecting
/// them echoed) and ICMP echo over a raw socket (root or cap_net_raw only), N attempts at an
/// interval, each with a timeout. With <see cref="ProbeRequest.Namespace"/> every socket is made inside that
/// network namespace (<see cref="NetworkNamespace"/>), so the probe leaves from a lab router's own links; host
/// names are still resolved by this process, from its own namespace.
/// </summary>
public static class Prober
{
    public static async Task<ProbeResult> RunAsync(ProbeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = request.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(request));
        }

        IPAddress address;
        try
        {
            address = await ResolveAsync(request.Host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            return ProbeResult.Failed(request, null, ProbeOutcome.Error, $"cannot resolve {request.Host}: {e.Message}");
        }

        IcmpEcho? icmp = null;
        try
        {
            if (request.Kind == ProbeKind.Icmp)
            {
                icmp = await IcmpEcho.OpenAsync(address, request.Namespace).ConfigureAwait(false);
            }
            else if (request.Namespace is { } name)
            {
                // TCP and UDP open a socket per attempt; a namespace that cannot be entered is told once, up front.
                await NetworkNamespace.RunAsync(name, () => true).ConfigureAwait(false);
            }
        }
        catch (NetworkNamespaceException e)
        {
            return ProbeResult.Failed(request, address,
                e.Kind == NetworkNamespaceErrorKind.NotPermitted ? ProbeOutcome.NotPermitted : ProbeOutcome.NoNamespace, e.Message);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AccessDenied or SocketError.ProtocolNotSupported or SocketError.SocketNotSupported)
        {
            return ProbeResult.Failed(request, address, ProbeOutcome.NotPermitted,
                $"ICMP echo not permitted: it needs a raw socket, so root or the cap_net_raw capability ({e.Message})");
        }

        using var icmpSocket = icmp;

        var attempts = new List<ProbeAttempt>(request.Count);
        var clock = Stopwatch.StartNew();
        for (var sequence = 1; sequence <= request.Count; sequence++)
        {
            if (sequence > 1)
            {
                var wait = request.Interval * (sequence - 1) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
            }

            var endpoint = new IPEndPoint(address, request.Port);
            attempts.Add(request.Kind switch
            {
                ProbeKind.Tcp => await TcpAsync(endpoint, sequence, request, cancellationToken).ConfigureAwait(false),
                ProbeKind.Udp => await UdpAsync(endpoint, sequence, request, cancellationToken).ConfigureAwait(false),
                _ => await icmp!.PingAsync(sequence, request.Payload ?? DefaultPayload(sequence), request.Timeout, cancellationToken).ConfigureAwait(false),
            });
        }

        return ProbeResult.From(request, address, attempts);
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return literal;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }

    internal static byte[] DefaultPayload(int sequence) => Encoding.ASCII.GetBytes($"netfleet-probe {sequence:D6}");

    /// <summary>A socket of the process's own namespace, or of <paramref name="netns"/> (bound to it for its whole life).</summary>
    private static Task<Socket> OpenAsync(string? netns, AddressFamily family, SocketType type, ProtocolType protocol) =>
        netns is null ? Task.FromResult(new Socket(family, type, protocol)) : NetworkNamespace.RunAsync(netns, () => new Socket(family, type, protocol));

    /// <summary>The socket an attempt sends from; null with <paramref name="failed"/> set when there is none (the
    /// namespace went away since the probe began).</summary>
    private static async Task<(Socket? Socket, ProbeAttempt? Failed)> OpenForAttemptAsync(
        string? netns, AddressFamily family, SocketType type, ProtocolType protocol, int sequence)
    {
        try
        {
            return (await OpenAsync(netns, family, type, protocol).ConfigureAwait(false), null);
        }
        catch (NetworkNamespaceException e)
        {
            return (null, new ProbeAttempt(sequence, ProbeOutcome.NoNamespace, null, e.Message));
        }
    }

    private static async Task<ProbeAttempt> TcpAsync(IPEndPoint endpoint, int sequence, ProbeRequest request, CancellationToken cancellationToken)
    {
        var timeout = request.Timeout;
        var (opened, failed) = await OpenForAttemptAsync(request.Namespace, endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp, sequence)
            .ConfigureAwait(false);
        if (failed is not null)
        {
            return failed;
        }

        using var socket = opened!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
            return new ProbeAttempt(sequence, ProbeOutcome.Ok, clock.Elapsed.TotalMilliseconds, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeAttempt(sequence, ProbeOutcome.Timeout, null, $"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException e)
        {
            return new ProbeAttempt(sequence, Classify(e), null, e.Message);
        }
    }

    private static async Task<ProbeAttempt> UdpAsync(IPEndPoint endpoint, int sequence, ProbeRequest request, CancellationToken cancellationToken)
    {
        var (opened, failed) = await OpenForAttemptAsync(request.Namespace, endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp, sequence)
            .ConfigureAwait(false);
        if (failed is not null)
        {
            return failed;
        }

        using var socket = opened!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        var payload = request.Payload ?? DefaultPayload(sequence);
        var buffer = new byte[65_536];
        var clock = Stopwatch.StartNew();
        try
        {
            // Connected, so an ICMP port unreachable comes back as a refusal on the next receive.
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
            await socket.SendAsync(payload, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            while (true)
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                var latency = clock.Elapsed.TotalMilliseconds;
                if (!request.ExpectEcho || buffer.AsSpan(0, length).SequenceEqual(payload))
                {
                    return new ProbeAttempt(sequence, ProbeOutcome.Ok, latency, null);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return request.ExpectEcho
                ? new ProbeAttempt(sequence, ProbeOutcome.Timeout, null, $"no echo within {request.Timeout.TotalMilliseconds:0} ms")
                : new ProbeAttempt(sequence, ProbeOutcome.Ok, null, "sent; no reply and no refusal (open or filtered)");
        }
        catch (SocketException e)
        {
            return new ProbeAttempt(sequence, Classify(e), null, e.Message);
        }
    }

    internal static ProbeOutcome Classify(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused or SocketError.ConnectionReset => ProbeOutcome.Refused,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown => ProbeOutcome.Unreachable,
        SocketError.TimedOut => ProbeOutcome.Timeout,
        SocketError.AccessDenied => ProbeOutcome.NotPermitted,
        _ => ProbeOutcome.Error,
    };

    /// <summary>ICMP echo over a raw socket; replies are matched by identifier and sequence number.</summary>
    private sealed class IcmpEcho : IDisposable
    {
        private readonly Socket _socket;
        private readonly IPEndPoint _target;
        private readonly ushort _identifier = (ushort)Random.Shared.Next(1, ushort.MaxValue);
        private readonly bool _v6;

        private IcmpEcho(Socket socket, IPEndPoint target)
        {
            _socket = socket;
            _target = target;
            _v6 = target.AddressFamily == AddressFamily.InterNetworkV6;
        }

        /// <summary>Throws <see cref="SocketException"/> when raw sockets are not permitted, and
        /// <see cref="NetworkNamespaceException"/> when the namespace cannot be entered.</summary>
        public static async Task<IcmpEcho> OpenAsync(IPAddress address, string? netns)
        {
            var socket = address.AddressFamily == AddressFamily.InterNetworkV6
                ? await Prober.OpenAsync(netns, AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6).ConfigureAwait(false)
                : await Prober.OpenAsync(netns, AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp).ConfigureAwait(false);
            return new IcmpEcho(socket, new IPEndPoint(address, 0));
        }

        public async Task<ProbeAttempt> PingAsync(int sequence, byte[] payload, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var seq = (ushort)sequence;
            var request = new byte[8 + payload.Length];
            request[0] = _v6 ? (byte)128 : (byte)8;
            BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(4), _identifier);
            BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), seq);
            payload.CopyTo(request, 8);
            if (!_v6)
            {
                // The kernel fills in ICMPv6 checksums on raw sockets, not ICMPv4 ones.
                BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(2), Checksum(request));
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            var buffer = new byte[65_536];
            var clock = Stopwatch.StartNew();
            try
            {
                await _socket.SendToAsync(request, SocketFlags.None, _target, deadline.Token).ConfigureAwait(false);
                while (true)
                {
                    var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None,
                        new IPEndPoint(_v6 ? IPAddress.IPv6Any : IPAddress.Any, 0), deadline.Token).ConfigureAwait(false);
                    if (IsReply(buffer.AsSpan(0, received.ReceivedBytes), seq, out var unreachable))
                    {
                        return unreachable
                            ? new ProbeAttempt(sequence, ProbeOutcome.Unreachable, null, "destination unreachable")
                            : new ProbeAttempt(sequence, ProbeOutcome.Ok, clock.Elapsed.TotalMilliseconds, null);
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new ProbeAttempt(sequence, ProbeOutcome.Timeout, null, $"no echo reply within {timeout.TotalMilliseconds:0} ms");
            }
            catch (SocketException e)
            {
                return new ProbeAttempt(sequence, Classify(e), null, e.Message);
            }
        }

        /// <summary>An echo reply to us with this sequence, or an unreachable quoting our request.</summary>
        private bool IsReply(ReadOnlySpan<byte> datagram, ushort sequence, out bool unreachable)
        {
            unreachable = false;
            var icmp = datagram;
            if (!_v6)
            {
                // IPv4 raw sockets hand over the IP header too.
                if (icmp.Length < 20)
                {
                    return false;
                }

                icmp = icmp[((icmp[0] & 0x0f) * 4)..];
            }

            if (icmp.Length < 8)
            {
                return false;
            }

            var (echoReply, destinationUnreachable, echoRequest) = _v6 ? ((byte)129, (byte)1, (byte)128) : ((byte)0, (byte)3, (byte)8);
            if (icmp[0] == echoReply)
            {
                return Matches(icmp, sequence);
            }

            if (icmp[0] != destinationUnreachable)
            {
                return false;
            }

            // The error quotes the offending packet: its IP header, then our echo request's first 8 bytes.
            var quoted = icmp[8..];
            var headerLength = _v6 ? 40 : quoted.Length > 0 ? (quoted[0] & 0x0f) * 4 : 0;
            if (quoted.Length < headerLength + 8)
            {
                return false;
            }

            var original = quoted[headerLength..];
            unreachable = original[0] == echoRequest && Matches(original, sequence);
            return unreachable;
        }

        private bool Matches(ReadOnlySpan<byte> icmp, ushort sequence) =>
            BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]) == _identifier && BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]) == sequence;

        private static ushort Checksum(ReadOnlySpan<byte> data)
        {
            uint sum = 0;
            for (var i = 0; i + 1 < data.Length; i += 2)
            {
                sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            }

            if (data.Length % 2 == 1)
            {
                sum += (uint)(data[^1] << 8);
            }

            while (sum >> 16 != 0)
            {
                sum = (sum & 0xffff) + (sum >> 16);
            }

            return (ushort)~sum;
        }

        public void Dispose() => _socket.Dispose();
    }
}

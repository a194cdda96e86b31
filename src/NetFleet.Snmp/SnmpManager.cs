using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Serilog;

namespace NetFleet.Snmp;

/// <summary>
/// NetFleet's SNMP manager: one UDP socket for every request to every agent, answers matched by
/// request id (v1/v2c) or msgID (v3), with per-target timeouts and retries. For v3 it discovers
/// each agent's engine ID once, keeps its boots and time, and resynchronises on notInTimeWindow.
/// </summary>
public sealed class SnmpManager : ISnmpManager
{
    private readonly Socket socket;
    private readonly ConcurrentDictionary<int, Pending> pending = new();
    private readonly ConcurrentDictionary<IPEndPoint, RemoteEngine> engines = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private int nextId = RandomNumberGenerator.GetInt32(1, int.MaxValue / 2);

    public SnmpManager(ILogger? log = null, IPEndPoint? local = null)
    {
        var logger = log ?? Serilog.Core.Logger.None;
        Drops = new DropCounters(logger, "SNMP manager");
        local ??= new IPEndPoint(IPAddress.Any, 0);
        socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(local);
        loop = ReceiveLoopAsync(stopping.Token);
    }

    public DropCounters Drops { get; }

    public IPEndPoint LocalEndpoint => (IPEndPoint)socket.LocalEndPoint!;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        socket.Dispose();
        await loop;
        foreach (var entry in pending.Values)
        {
            entry.Reply.TrySetCanceled();
        }

        stopping.Dispose();
    }

    /// <summary>The engine ID learnt for an agent, if it was discovered.</summary>
    public byte[]? EngineIdOf(IPEndPoint endpoint) => engines.TryGetValue(endpoint, out var e) ? e.Id : null;

    public async Task<IReadOnlyList<Variable>> GetAsync(SnmpTarget target, IReadOnlyList<Oid> oids, CancellationToken cancellationToken = default) =>
        Checked(target, await RequestAsync(target, PduType.Get, 0, 0, Nulls(oids), cancellationToken)).Variables;

    public async Task<IReadOnlyList<Variable>> GetNextAsync(SnmpTarget target, IReadOnlyList<Oid> oids, CancellationToken cancellationToken = default) =>
        Checked(target, await RequestAsync(target, PduType.GetNext, 0, 0, Nulls(oids), cancellationToken)).Variables;

    public async Task<IReadOnlyList<Variable>> GetBulkAsync(SnmpTarget target, int nonRepeaters, int maxRepetitions, IReadOnlyList<Oid> oids,
        CancellationToken cancellationToken = default)
    {
        if (target.Version == SnmpVersion.V1)
        {
            throw new NotSupportedException("get-bulk is not part of SNMPv1");
        }

        return Checked(target, await RequestAsync(target, PduType.GetBulk, nonRepeaters, maxRepetitions, Nulls(oids), cancellationToken)).Variables;
    }

    public async Task<IReadOnlyList<Variable>> SetAsync(SnmpTarget target, IReadOnlyList<Variable> variables, CancellationToken cancellationToken = default) =>
        Checked(target, await RequestAsync(target, PduType.Set, 0, 0, variables, cancellationToken)).Variables;

    public async IAsyncEnumerable<Variable> WalkAsync(SnmpTarget target, Oid root, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var current = root;
        while (true)
        {
            var pdu = await RequestAsync(target, PduType.GetNext, 0, 0, [new Variable(current, Null.Instance)], cancellationToken);
            var variable = target.Version == SnmpVersion.V1 && pdu.Error == SnmpError.NoSuchName ? null : Checked(target, pdu).Variables.FirstOrDefault();
            if (variable is null || variable.Value is EndOfMibView || !variable.Oid.StartsWith(root))
            {
                if (current == root && await LeafAsync(target, root, cancellationToken) is { } leaf)
                {
                    yield return leaf;
                }

                yield break;
            }

            if (variable.Oid <= current)
            {
                throw new SnmpException($"{target}: the agent went backwards ({variable.Oid} after {current})");
            }

            yield return variable;
            current = variable.Oid;
        }
    }

    public async IAsyncEnumerable<Variable> BulkWalkAsync(SnmpTarget target, Oid root, int maxRepetitions = 25,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (target.Version == SnmpVersion.V1)
        {
            await foreach (var variable in WalkAsync(target, root, cancellationToken))
            {
                yield return variable;
            }

            yield break;
        }

        var current = root;
        while (true)
        {
            var pdu = Checked(target, await RequestAsync(target, PduType.GetBulk, 0, maxRepetitions, [new Variable(current, Null.Instance)], cancellationToken));
            if (pdu.Variables.Count == 0)
            {
                yield break;
            }

            foreach (var variable in pdu.Variables)
            {
                if (variable.Value is EndOfMibView || !variable.Oid.StartsWith(root))
                {
                    if (current == root && await LeafAsync(target, root, cancellationToken) is { } leaf)
                    {
                        yield return leaf;
                    }

                    yield break;
                }

                if (variable.Oid <= current)
                {
                    throw new SnmpException($"{target}: the agent went backwards ({variable.Oid} after {current})");
                }

                yield return variable;
                current = variable.Oid;
            }
        }
    }

    /// <summary>Walking an instance (<c>sysDescr.0</c>) finds nothing under it; like net-snmp, answer with a get.</summary>
    private async Task<Variable?> LeafAsync(SnmpTarget target, Oid root, CancellationToken cancellationToken)
    {
        var pdu = await RequestAsync(target, PduType.Get, 0, 0, [new Variable(root, Null.Instance)], cancellationToken);
        return pdu.ErrorStatus == 0 && pdu.Variables.Count == 1 && !pdu.Variables[0].Value.IsException ? pdu.Variables[0] : null;
    }

    private static Variable[] Nulls(IReadOnlyList<Oid> oids) => [.. oids.Select(o => new Variable(o, Null.Instance))];

    private static Pdu Checked(SnmpTarget target, Pdu pdu)
    {
        if (pdu.ErrorStatus != 0)
        {
            var index = pdu.ErrorIndex;
            var oid = index >= 1 && index <= pdu.Variables.Count ? pdu.Variables[index - 1].Oid : null;
            throw new SnmpErrorException(target, pdu.Error, index, oid);
        }

        return pdu;
    }

    private int NextId()
    {
        var id = Interlocked.Increment(ref nextId) & int.MaxValue;
        return id == 0 ? NextId() : id;
    }

    private async Task<Pdu> RequestAsync(SnmpTarget target, PduType type, int a, int b, IReadOnlyList<Variable> variables,
        CancellationToken cancellationToken)
    {
        if (target.Version != SnmpVersion.V3)
        {
            for (var attempt = 0; attempt <= target.Retries; attempt++)
            {
                var id = NextId();
                var bytes = SnmpCodec.EncodeCommunity(target.Version, target.Community, new Pdu(type, id, a, b, variables));
                var reply = await ExchangeAsync(target, id, bytes, cancellationToken);
                if (reply is { Message.Pdu: { Type: PduType.Response } pdu })
                {
                    return pdu;
                }
            }

            throw new SnmpTimeoutException(target, target.Retries + 1);
        }

        var user = target.User ?? throw new ArgumentException($"{target}: SNMPv3 needs a user", nameof(target));
        var resyncs = 0;
        var attempts = 0;
        while (attempts <= target.Retries)
        {
            var engine = await DiscoverAsync(target, cancellationToken);
            var id = NextId();
            var envelope = new V3Envelope(id, SnmpCodec.MaxMessageSize, true, user.Level, engine.Id, engine.Boots, engine.Time,
                user.Name, engine.Id, System.Text.Encoding.UTF8.GetBytes(target.ContextName));
            var bytes = SnmpCodec.EncodeV3(envelope, new Pdu(type, id, a, b, variables), user);
            var reply = await ExchangeAsync(target, id, bytes, cancellationToken);
            if (reply is null)
            {
                attempts++;
                continue;
            }

            var (message, packet) = reply.Value;
            var usm = message.Usm!;
            if (message.Level == SecurityLevel.NoAuthNoPriv && message.Pdu is { Type: PduType.Report } unauthenticated)
            {
                var failure = ReportFailure(unauthenticated);
                if (failure == UsmFailure.UnknownEngineId && resyncs++ < 2)
                {
                    engines.TryRemove(target.Endpoint, out _);
                    continue;
                }

                throw Refused(target, failure ?? UsmFailure.UnsupportedSecLevel);
            }

            if (SnmpCodec.Unprotect(message, packet, user) is { } problem)
            {
                throw new SnmpAuthenticationException(target, problem, "the agent's answer failed the check: are the passwords and protocols the agent's?");
            }

            if (!usm.EngineId.AsSpan().SequenceEqual(engine.Id))
            {
                Drops.Drop("answer from another engine ID", target.Endpoint);
                attempts++;
                continue;
            }

            engine.Observe(usm.Boots, usm.Time);
            if (message.Pdu!.Type == PduType.Report)
            {
                var failure = ReportFailure(message.Pdu);
                if (failure == UsmFailure.NotInTimeWindow && resyncs++ < 2)
                {
                    engines[target.Endpoint] = new RemoteEngine(engine.Id, usm.Boots, usm.Time);
                    continue;
                }

                throw Refused(target, failure ?? UsmFailure.UnsupportedSecLevel);
            }

            return message.Pdu;
        }

        throw new SnmpTimeoutException(target, target.Retries + 1);
    }

    private static UsmFailure? ReportFailure(Pdu report) =>
        report.Variables.Select(v => Usm.FailureOf(v.Oid)).FirstOrDefault(f => f is not null);

    private static SnmpAuthenticationException Refused(SnmpTarget target, UsmFailure failure) => new(target, failure, failure switch
    {
        UsmFailure.WrongDigest => "the agent rejected the message's digest: wrong authentication password or protocol",
        UsmFailure.UnknownUserName => $"the agent does not know user '{target.User?.Name}'",
        UsmFailure.UnsupportedSecLevel => "the agent does not allow this security level for this user",
        UsmFailure.DecryptionError => "the agent could not decrypt the message: wrong privacy password or protocol",
        UsmFailure.NotInTimeWindow => "the agent's clock could not be synchronised",
        _ => "the agent's engine ID could not be learnt",
    });

    private async Task<RemoteEngine> DiscoverAsync(SnmpTarget target, CancellationToken cancellationToken)
    {
        if (engines.TryGetValue(target.Endpoint, out var known))
        {
            return known;
        }

        for (var attempt = 0; attempt <= target.Retries; attempt++)
        {
            var id = NextId();
            var probe = SnmpCodec.EncodeV3(new V3Envelope(id, SnmpCodec.MaxMessageSize, true, SecurityLevel.NoAuthNoPriv, [], 0, 0, "", [], []),
                new Pdu(PduType.Get, id, 0, 0, []), null);
            var reply = await ExchangeAsync(target, id, probe, cancellationToken);
            if (reply is { Message.Usm: { EngineId.Length: > 0 } usm })
            {
                var engine = new RemoteEngine(usm.EngineId, usm.Boots, usm.Time);
                engines[target.Endpoint] = engine;
                return engine;
            }
        }

        throw new SnmpTimeoutException(target, target.Retries + 1);
    }

    private async Task<(SnmpMessage Message, byte[] Packet)?> ExchangeAsync(SnmpTarget target, int id, byte[] bytes, CancellationToken cancellationToken)
    {
        var entry = new Pending(target.Endpoint, new TaskCompletionSource<(SnmpMessage, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously));
        pending[id] = entry;
        try
        {
            await socket.SendToAsync(bytes, SocketFlags.None, target.Endpoint, cancellationToken);
            return await entry.Reply.Task.WaitAsync(target.Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    private Task ReceiveLoopAsync(CancellationToken cancellationToken) =>
        Datagrams.ReceiveAllAsync(socket, datagram =>
        {
            var packet = datagram.Span.ToArray();
            SnmpMessage message;
            try
            {
                message = SnmpCodec.Decode(packet);
            }
            catch (SnmpDecodeException e)
            {
                Drops.Drop("malformed: " + e.Reason, datagram.From);
                return ValueTask.CompletedTask;
            }

            var id = message.Version == SnmpVersion.V3 ? message.MessageId : message.Pdu!.RequestId;
            if (!pending.TryGetValue(id, out var entry))
            {
                Drops.Drop("no request waiting for this id (late or duplicate answer)", datagram.From);
            }
            else if (!entry.Remote.Equals(datagram.From))
            {
                Drops.Drop($"answer for {entry.Remote} came from another address", datagram.From);
            }
            else
            {
                entry.Reply.TrySetResult((message, packet));
            }

            return ValueTask.CompletedTask;
        }, cancellationToken);

    private sealed record Pending(IPEndPoint Remote, TaskCompletionSource<(SnmpMessage, byte[])> Reply);

    /// <summary>An agent's engine as this manager knows it: its boots and clock, advanced locally.</summary>
    private sealed class RemoteEngine(byte[] id, int boots, int time)
    {
        private readonly long learnt = Stopwatch.GetTimestamp();
        private int latestBoots = boots;
        private int latestTime = time;

        public byte[] Id { get; } = id;
        public int Boots => latestBoots;
        public int Time => latestTime + (int)Stopwatch.GetElapsedTime(learnt).TotalSeconds;

        public void Observe(int boots, int time)
        {
            if (boots > latestBoots || (boots == latestBoots && time > Time))
            {
                latestBoots = boots;
                latestTime = time - (int)Stopwatch.GetElapsedTime(learnt).TotalSeconds;
            }
        }
    }
}

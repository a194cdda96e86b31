using System.Net;
using System.Net.Sockets;
using Serilog;

namespace NetFleet.Snmp;

/// <summary>Who may talk to an agent, and as what engine.</summary>
public sealed record SnmpAgentOptions
{
    public IReadOnlyList<string> ReadCommunities { get; init; } = ["public"];
    public IReadOnlyList<string> WriteCommunities { get; init; } = [];
    public IReadOnlyList<UsmUser> Users { get; init; } = [];
    /// <summary>v3 users may set writable objects.</summary>
    public bool UsersCanWrite { get; init; } = true;
    /// <summary>Null: a random engine ID.</summary>
    public byte[]? EngineId { get; init; }
    public int EngineBoots { get; init; } = 1;
    /// <summary>Upper bound on get-bulk max-repetitions, whatever the manager asks.</summary>
    public int MaxRepetitions { get; init; } = 200;
}

/// <summary>
/// An SNMP agent answering v1, v2c and v3 (USM) from an <see cref="IMibView"/> on one UDP socket.
/// Malformed or unauthorised packets are dropped and counted in <see cref="Drops"/>.
/// </summary>
public sealed class SnmpAgent : IAsyncDisposable
{
    private const int ResponseBudget = 60000;
    private readonly IMibView view;
    private readonly SnmpAgentOptions options;
    private readonly AuthoritativeEngine engine;
    private readonly ILogger log;
    private readonly CancellationTokenSource stopping = new();
    private Socket? socket;
    private Task? loop;
    private long requests;

    public SnmpAgent(IMibView view, SnmpAgentOptions? options = null, ILogger? log = null)
    {
        this.view = view;
        this.options = options ?? new SnmpAgentOptions();
        this.log = log ?? Serilog.Core.Logger.None;
        engine = new AuthoritativeEngine(this.options.EngineId, this.options.EngineBoots, this.options.Users);
        Drops = new DropCounters(this.log, "SNMP agent");
    }

    public byte[] EngineId => engine.EngineId;

    /// <summary>A stable RFC 3411 engine ID derived from <paramref name="seed"/> (a device name).</summary>
    public static byte[] EngineIdFor(string seed) => AuthoritativeEngine.NewEngineId(seed);
    public IPEndPoint? Endpoint => socket?.LocalEndPoint as IPEndPoint;
    public DropCounters Drops { get; }
    public long Requests => Interlocked.Read(ref requests);

    public void Start(IPEndPoint endpoint)
    {
        var udp = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            udp.Bind(endpoint);
        }
        catch
        {
            udp.Dispose();
            throw;
        }

        socket = udp;
        loop = ReceiveLoopAsync(socket, stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        socket?.Dispose();
        if (loop is not null)
        {
            await loop;
        }

        stopping.Dispose();
    }

    private Task ReceiveLoopAsync(Socket udp, CancellationToken cancellationToken) =>
        Datagrams.ReceiveAllAsync(udp, async datagram =>
        {
            byte[]? reply;
            try
            {
                reply = Handle(datagram.Span, datagram.From);
            }
            catch (SnmpDecodeException e)
            {
                Drops.Drop("malformed: " + e.Reason, datagram.From);
                return;
            }

            if (reply is not null)
            {
                await Datagrams.ReplyAsync(udp, reply, datagram.From,
                    e => log.Debug("SNMP agent: reply to {To} failed: {Reason}", datagram.From, e.SocketErrorCode), cancellationToken);
            }
        }, cancellationToken);

    /// <summary>Processes one packet; returns the reply, or null to stay silent.</summary>
    internal byte[]? Handle(ReadOnlySpan<byte> packet, EndPoint from)
    {
        var message = SnmpCodec.Decode(packet);
        if (message.Version == SnmpVersion.V3)
        {
            var user = engine.Accept(message, packet, out var report, out var failure);
            if (user is null)
            {
                Drops.Drop(failure, from);
                return report;
            }

            var response = Respond(message.Pdu!, SnmpVersion.V3, options.UsersCanWrite, from);
            return response is null ? null : engine.Reply(message, user, response);
        }

        var community = message.CommunityText;
        var canWrite = options.WriteCommunities.Contains(community);
        if (!canWrite && !options.ReadCommunities.Contains(community))
        {
            Drops.Drop("unknown community", from);
            return null;
        }

        var answer = Respond(message.Pdu!, message.Version, canWrite, from);
        return answer is null ? null : SnmpCodec.EncodeCommunity(message.Version, message.Community, answer);
    }

    private Pdu? Respond(Pdu request, SnmpVersion version, bool canWrite, EndPoint from)
    {
        Interlocked.Increment(ref requests);
        var v1 = version == SnmpVersion.V1;
        switch (request.Type)
        {
            case PduType.Get:
            {
                var results = new List<Variable>(request.Variables.Count);
                for (var i = 0; i < request.Variables.Count; i++)
                {
                    var oid = request.Variables[i].Oid;
                    var value = view.Get(oid);
                    if (v1 && (value.IsException || value is Counter64))
                    {
                        return Error(request, SnmpError.NoSuchName, i + 1);
                    }

                    results.Add(new Variable(oid, value));
                }

                return Fit(request, results);
            }

            case PduType.GetNext:
            {
                var results = new List<Variable>(request.Variables.Count);
                for (var i = 0; i < request.Variables.Count; i++)
                {
                    var next = Next(request.Variables[i].Oid, v1);
                    if (next is null && v1)
                    {
                        return Error(request, SnmpError.NoSuchName, i + 1);
                    }

                    results.Add(next ?? new Variable(request.Variables[i].Oid, EndOfMibView.Instance));
                }

                return Fit(request, results);
            }

            case PduType.GetBulk when !v1:
                return Bulk(request);
            case PduType.Set:
                return Set(request, v1, canWrite);
            default:
                Drops.Drop($"unexpected {request.Type} PDU", from);
                return null;
        }
    }

    private Variable? Next(Oid oid, bool v1)
    {
        var next = view.GetNext(oid);
        while (v1 && next is { Value: Counter64 })
        {
            next = view.GetNext(next.Oid);
        }

        return next;
    }

    private Pdu Bulk(Pdu request)
    {
        var variables = request.Variables;
        var nonRepeaters = Math.Clamp(request.ErrorStatus, 0, variables.Count);
        var repetitions = Math.Clamp(request.ErrorIndex, 0, options.MaxRepetitions);
        var results = new List<Variable>();
        var size = 0;
        for (var i = 0; i < nonRepeaters; i++)
        {
            var next = view.GetNext(variables[i].Oid) ?? new Variable(variables[i].Oid, EndOfMibView.Instance);
            results.Add(next);
            size += EstimateSize(next);
        }

        var cursors = variables.Skip(nonRepeaters).Select(v => v.Oid).ToArray();
        for (var r = 0; r < repetitions && cursors.Length > 0; r++)
        {
            var allEnded = true;
            for (var c = 0; c < cursors.Length; c++)
            {
                var next = view.GetNext(cursors[c]);
                var variable = next ?? new Variable(cursors[c], EndOfMibView.Instance);
                if (next is not null)
                {
                    cursors[c] = next.Oid;
                    allEnded = false;
                }

                size += EstimateSize(variable);
                if (size > ResponseBudget)
                {
                    return new Pdu(PduType.Response, request.RequestId, 0, 0, results);
                }

                results.Add(variable);
            }

            if (allEnded)
            {
                break;
            }
        }

        return new Pdu(PduType.Response, request.RequestId, 0, 0, results);
    }

    private Pdu Set(Pdu request, bool v1, bool canWrite)
    {
        if (!canWrite)
        {
            return Error(request, v1 ? SnmpError.NoSuchName : SnmpError.NoAccess, 1);
        }

        for (var i = 0; i < request.Variables.Count; i++)
        {
            var error = view.TestSet(request.Variables[i].Oid, request.Variables[i].Value);
            if (error != SnmpError.NoError)
            {
                var v1Error = error switch
                {
                    SnmpError.WrongType or SnmpError.WrongLength or SnmpError.WrongValue or SnmpError.WrongEncoding => SnmpError.BadValue,
                    SnmpError.GenErr => SnmpError.GenErr,
                    _ => SnmpError.NoSuchName,
                };
                return Error(request, v1 ? v1Error : error, i + 1);
            }
        }

        foreach (var variable in request.Variables)
        {
            view.CommitSet(variable.Oid, variable.Value);
        }

        return new Pdu(PduType.Response, request.RequestId, 0, 0, request.Variables);
    }

    private static Pdu Fit(Pdu request, List<Variable> results) =>
        results.Sum(EstimateSize) > ResponseBudget
            ? Error(request, SnmpError.TooBig, 0)
            : new Pdu(PduType.Response, request.RequestId, 0, 0, results);

    private static Pdu Error(Pdu request, SnmpError error, int index) =>
        new(PduType.Response, request.RequestId, (int)error, index, request.Variables);

    private static int EstimateSize(Variable variable) => 8 + variable.Oid.Length * 2 + variable.Value switch
    {
        OctetString s => s.Bytes.Length,
        Opaque o => o.Bytes.Length,
        ObjectIdentifier o => o.Value.Length * 2,
        _ => 9,
    };
}

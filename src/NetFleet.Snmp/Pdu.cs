using System.Net;

namespace NetFleet.Snmp;

public enum SnmpVersion
{
    V1 = 0,
    V2c = 1,
    V3 = 3,
}

public enum PduType : byte
{
    Get = 0xA0,
    GetNext = 0xA1,
    Response = 0xA2,
    Set = 0xA3,
    TrapV1 = 0xA4,
    GetBulk = 0xA5,
    Inform = 0xA6,
    TrapV2 = 0xA7,
    Report = 0xA8,
}

/// <summary>RFC 3416 error-status values (1–5 are also SNMPv1's).</summary>
public enum SnmpError
{
    NoError = 0,
    TooBig = 1,
    NoSuchName = 2,
    BadValue = 3,
    ReadOnly = 4,
    GenErr = 5,
    NoAccess = 6,
    WrongType = 7,
    WrongLength = 8,
    WrongEncoding = 9,
    WrongValue = 10,
    NoCreation = 11,
    InconsistentValue = 12,
    ResourceUnavailable = 13,
    CommitFailed = 14,
    UndoFailed = 15,
    AuthorizationError = 16,
    NotWritable = 17,
    InconsistentName = 18,
}

/// <summary>
/// A protocol data unit. For get-bulk, <see cref="ErrorStatus"/> carries non-repeaters and
/// <see cref="ErrorIndex"/> max-repetitions, as on the wire. SNMPv1 traps use <see cref="Trap"/>.
/// </summary>
public sealed record Pdu(PduType Type, int RequestId, int ErrorStatus, int ErrorIndex, IReadOnlyList<Variable> Variables)
{
    public TrapV1Fields? Trap { get; init; }

    public SnmpError Error => (SnmpError)ErrorStatus;

    internal void Write(BerWriter writer)
    {
        writer.WriteConstructed((byte)Type, w =>
        {
            if (Type == PduType.TrapV1)
            {
                var trap = Trap ?? throw new InvalidOperationException("an SNMPv1 trap needs its trap fields");
                w.WriteOid(trap.Enterprise);
                w.WriteTlv(BerTag.IpAddress, trap.AgentAddress.MapToIPv4().GetAddressBytes());
                w.WriteInteger(trap.GenericTrap);
                w.WriteInteger(trap.SpecificTrap);
                w.WriteUnsigned(BerTag.TimeTicks, trap.Timestamp);
            }
            else
            {
                w.WriteInteger(RequestId);
                w.WriteInteger(ErrorStatus);
                w.WriteInteger(ErrorIndex);
            }

            w.WriteConstructed(BerTag.Sequence, list =>
            {
                foreach (var variable in Variables)
                {
                    list.WriteConstructed(BerTag.Sequence, vb =>
                    {
                        vb.WriteOid(variable.Oid);
                        variable.Value.Write(vb);
                    });
                }
            });
        });
    }

    internal static Pdu Read(ref BerReader reader)
    {
        var tag = reader.PeekTag();
        if (tag is < 0xA0 or > 0xA8)
        {
            throw new SnmpDecodeException($"unknown PDU type 0x{tag:x2}");
        }

        var body = reader.ReadConstructed(tag, "PDU");
        var type = (PduType)tag;
        TrapV1Fields? trap = null;
        int requestId = 0, status = 0, index = 0;
        if (type == PduType.TrapV1)
        {
            var enterprise = Oid.Decode(body.Read(BerTag.ObjectIdentifier, "trap enterprise"));
            var address = body.Read(BerTag.IpAddress, "trap agent-addr");
            if (address.Length != 4)
            {
                throw new SnmpDecodeException("trap agent-addr is not 4 bytes");
            }

            var ip = new IPAddress(address);
            var generic = body.ReadInt32("generic-trap");
            var specific = body.ReadInt32("specific-trap");
            var time = (uint)BerReader.DecodeUnsigned(body.Read(BerTag.TimeTicks, "trap time-stamp"), 32, "time-stamp");
            trap = new TrapV1Fields(enterprise, ip, generic, specific, time);
        }
        else
        {
            requestId = body.ReadInt32("request-id");
            status = body.ReadInt32("error-status");
            index = body.ReadInt32("error-index");
        }

        var list = body.ReadSequence("variable-bindings");
        var variables = new List<Variable>();
        while (list.HasMore)
        {
            var vb = list.ReadSequence("variable-binding");
            var oid = Oid.Decode(vb.Read(BerTag.ObjectIdentifier, "variable name"));
            var value = SnmpValue.Read(ref vb);
            if (vb.HasMore)
            {
                throw new SnmpDecodeException("extra data in a variable binding");
            }

            variables.Add(new Variable(oid, value));
        }

        return new Pdu(type, requestId, status, index, variables) { Trap = trap };
    }
}

/// <summary>The header of an SNMPv1 Trap-PDU (RFC 1157).</summary>
public sealed record TrapV1Fields(Oid Enterprise, IPAddress AgentAddress, int GenericTrap, int SpecificTrap, uint Timestamp);

using System.Net;
using System.Text;

namespace NetFleet.Snmp;

/// <summary>A value in a variable binding (SNMPv2-SMI types plus the v2 exceptions).</summary>
public abstract record SnmpValue
{
    internal abstract void Write(BerWriter writer);

    /// <summary>True for noSuchObject, noSuchInstance and endOfMibView.</summary>
    public virtual bool IsException => false;

    public static SnmpValue FromString(string text) => new OctetString(Encoding.UTF8.GetBytes(text));

    internal static SnmpValue Read(ref BerReader reader)
    {
        var bytes = reader.ReadTlv(out var tag, out _);
        return tag switch
        {
            BerTag.Integer => new Integer32(bytes.Length > 4 ? throw new SnmpDecodeException("Integer32 longer than 4 bytes") : (int)BerReader.DecodeInteger(bytes, "Integer32")),
            BerTag.OctetString => new OctetString(bytes.ToArray()),
            BerTag.Null => bytes.Length == 0 ? Null.Instance : throw new SnmpDecodeException("NULL with content"),
            BerTag.ObjectIdentifier => new ObjectIdentifier(Oid.Decode(bytes)),
            BerTag.IpAddress => bytes.Length == 4 ? new IpAddress(new IPAddress(bytes)) : throw new SnmpDecodeException("IpAddress not of 4 bytes"),
            BerTag.Counter32 => new Counter32((uint)BerReader.DecodeUnsigned(bytes, 32, "Counter32")),
            BerTag.Gauge32 => new Gauge32((uint)BerReader.DecodeUnsigned(bytes, 32, "Gauge32")),
            BerTag.TimeTicks => new TimeTicks((uint)BerReader.DecodeUnsigned(bytes, 32, "TimeTicks")),
            BerTag.Opaque => new Opaque(bytes.ToArray()),
            BerTag.Counter64 => new Counter64(BerReader.DecodeUnsigned(bytes, 64, "Counter64")),
            BerTag.NoSuchObject => NoSuchObject.Instance,
            BerTag.NoSuchInstance => NoSuchInstance.Instance,
            BerTag.EndOfMibView => EndOfMibView.Instance,
            _ => throw new SnmpDecodeException($"unknown value type 0x{tag:x2}"),
        };
    }
}

public sealed record Integer32(int Value) : SnmpValue
{
    internal override void Write(BerWriter writer) => writer.WriteInteger(Value);
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record OctetString(byte[] Bytes) : SnmpValue
{
    internal override void Write(BerWriter writer) => writer.WriteOctetString(Bytes);

    /// <summary>Text when every byte is printable UTF-8, else hexadecimal.</summary>
    public override string ToString()
    {
        try
        {
            var text = new UTF8Encoding(false, true).GetString(Bytes);
            if (text.All(c => !char.IsControl(c) || c is '\r' or '\n' or '\t'))
            {
                return text;
            }
        }
        catch (DecoderFallbackException)
        {
            // Not text: shown as hex below.
        }

        return Convert.ToHexString(Bytes);
    }

    public bool Equals(OctetString? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);
    public override int GetHashCode() => Bytes.Length;
}

public sealed record Null : SnmpValue
{
    public static readonly Null Instance = new();
    internal override void Write(BerWriter writer) => writer.WriteNull();
    public override string ToString() => "NULL";
}

public sealed record ObjectIdentifier(Oid Value) : SnmpValue
{
    internal override void Write(BerWriter writer) => writer.WriteOid(Value);
    public override string ToString() => Value.ToString();
}

public sealed record IpAddress(IPAddress Value) : SnmpValue
{
    internal override void Write(BerWriter writer) => writer.WriteTlv(BerTag.IpAddress, Value.MapToIPv4().GetAddressBytes());
    public override string ToString() => Value.ToString();
}

public sealed record Counter32(uint Value) : SnmpValue
{
    internal override void Write(BerWriter writer) => writer.WriteUnsigned(BerTag.Counter32, Value);
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record Gauge32(uint Value) : SnmpValue
{
    internal override void Write(BerWriter writer) => writer.WriteUnsigned(BerTag.Gauge32, Value);
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record TimeTicks(uint Value) : SnmpValue
{
    internal override void Write(BerWriter writer) => writer.WriteUnsigned(BerTag.TimeTicks, Value);
    public TimeSpan AsTimeSpan => TimeSpan.FromMilliseconds(Value * 10.0);
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record Opaque(byte[] Bytes) : SnmpValue
{
    internal override void Write(BerWriter writer) => writer.WriteTlv(BerTag.Opaque, Bytes);
    public override string ToString() => Convert.ToHexString(Bytes);
    public bool Equals(Opaque? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);
    public override int GetHashCode() => Bytes.Length;
}

public sealed record Counter64(ulong Value) : SnmpValue
{
    internal override void Write(BerWriter writer) => writer.WriteUnsigned(BerTag.Counter64, Value);
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record NoSuchObject : SnmpValue
{
    public static readonly NoSuchObject Instance = new();
    public override bool IsException => true;
    internal override void Write(BerWriter writer) => writer.WriteNull(BerTag.NoSuchObject);
    public override string ToString() => "noSuchObject";
}

public sealed record NoSuchInstance : SnmpValue
{
    public static readonly NoSuchInstance Instance = new();
    public override bool IsException => true;
    internal override void Write(BerWriter writer) => writer.WriteNull(BerTag.NoSuchInstance);
    public override string ToString() => "noSuchInstance";
}

public sealed record EndOfMibView : SnmpValue
{
    public static readonly EndOfMibView Instance = new();
    public override bool IsException => true;
    internal override void Write(BerWriter writer) => writer.WriteNull(BerTag.EndOfMibView);
    public override string ToString() => "endOfMibView";
}

/// <summary>A variable binding: an OID and its value.</summary>
public sealed record Variable(Oid Oid, SnmpValue Value)
{
    public override string ToString() => $"{MibNames.Format(Oid)} = {Value}";
}

using System.Buffers;

namespace NetFleet.Snmp;

/// <summary>Why a packet could not be decoded; the message is the reason that gets counted and logged.</summary>
public sealed class SnmpDecodeException(string reason) : Exception(reason)
{
    public string Reason => Message;
}

/// <summary>BER tags used by SNMP (X.690 universal, SNMPv2-SMI application, RFC 3416 context).</summary>
public static class BerTag
{
    public const byte Integer = 0x02;
    public const byte OctetString = 0x04;
    public const byte Null = 0x05;
    public const byte ObjectIdentifier = 0x06;
    public const byte Sequence = 0x30;
    public const byte IpAddress = 0x40;
    public const byte Counter32 = 0x41;
    public const byte Gauge32 = 0x42;
    public const byte TimeTicks = 0x43;
    public const byte Opaque = 0x44;
    public const byte Counter64 = 0x46;
    public const byte NoSuchObject = 0x80;
    public const byte NoSuchInstance = 0x81;
    public const byte EndOfMibView = 0x82;
}

/// <summary>
/// Reads BER from a buffer without copying. Every violation (truncation, bad lengths, oversized
/// numbers, wrong tags) throws <see cref="SnmpDecodeException"/>; nothing else escapes for any input.
/// </summary>
internal ref struct BerReader
{
    private readonly ReadOnlySpan<byte> data;
    private readonly int baseOffset;
    private int position;

    public BerReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        this.data = data;
        this.baseOffset = baseOffset;
        position = 0;
    }

    public readonly bool HasMore => position < data.Length;

    /// <summary>The offset of the next byte in the whole packet (for locating the USM MAC).</summary>
    public readonly int Offset => baseOffset + position;

    public readonly byte PeekTag() => HasMore ? data[position] : throw new SnmpDecodeException("truncated: expected a tag");

    /// <summary>Reads a tag and length; returns the value's bytes and their offset in the packet.</summary>
    public ReadOnlySpan<byte> ReadTlv(out byte tag, out int valueOffset)
    {
        if (position >= data.Length)
        {
            throw new SnmpDecodeException("truncated: expected a tag");
        }

        tag = data[position++];
        if ((tag & 0x1f) == 0x1f)
        {
            throw new SnmpDecodeException($"multi-byte tag 0x{tag:x2} is not used by SNMP");
        }

        if (position >= data.Length)
        {
            throw new SnmpDecodeException("truncated: expected a length");
        }

        int length = data[position++];
        if (length == 0x80)
        {
            throw new SnmpDecodeException("indefinite length is not allowed");
        }

        if (length > 0x80)
        {
            var count = length & 0x7f;
            if (count > 4)
            {
                throw new SnmpDecodeException("length field longer than 4 bytes");
            }

            if (position + count > data.Length)
            {
                throw new SnmpDecodeException("truncated length");
            }

            long value = 0;
            for (var i = 0; i < count; i++)
            {
                value = (value << 8) | data[position++];
            }

            if (value > int.MaxValue)
            {
                throw new SnmpDecodeException("length out of range");
            }

            length = (int)value;
        }

        if (length > data.Length - position)
        {
            throw new SnmpDecodeException("length runs past the end of the packet");
        }

        valueOffset = baseOffset + position;
        var value_ = data.Slice(position, length);
        position += length;
        return value_;
    }

    public ReadOnlySpan<byte> Read(byte expectedTag, string what) => Read(expectedTag, what, out _);

    public ReadOnlySpan<byte> Read(byte expectedTag, string what, out int valueOffset)
    {
        var value = ReadTlv(out var tag, out valueOffset);
        if (tag != expectedTag)
        {
            throw new SnmpDecodeException($"{what}: expected tag 0x{expectedTag:x2}, got 0x{tag:x2}");
        }

        return value;
    }

    public BerReader ReadSequence(string what) => ReadConstructed(BerTag.Sequence, what);

    public BerReader ReadConstructed(byte tag, string what)
    {
        var content = Read(tag, what, out var offset);
        return new BerReader(content, offset);
    }

    public long ReadInteger(string what) => DecodeInteger(Read(BerTag.Integer, what), what);

    public int ReadInt32(string what)
    {
        var value = ReadInteger(what);
        return value is < int.MinValue or > int.MaxValue ? throw new SnmpDecodeException($"{what}: out of range") : (int)value;
    }

    public byte[] ReadOctetString(string what) => Read(BerTag.OctetString, what).ToArray();

    public static long DecodeInteger(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.Length == 0 || bytes.Length > 8)
        {
            throw new SnmpDecodeException($"{what}: integer of 0 or more than 8 bytes");
        }

        long value = (sbyte)bytes[0];
        for (var i = 1; i < bytes.Length; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    public static ulong DecodeUnsigned(ReadOnlySpan<byte> bytes, int maxBits, string what)
    {
        if (bytes.Length == 0)
        {
            throw new SnmpDecodeException($"{what}: empty unsigned integer");
        }

        if ((bytes[0] & 0x80) != 0)
        {
            // Some agents send unsigned values without the leading zero; accept within range.
            if (bytes.Length > maxBits / 8)
            {
                throw new SnmpDecodeException($"{what}: unsigned integer too long");
            }
        }

        while (bytes.Length > 1 && bytes[0] == 0)
        {
            bytes = bytes[1..];
        }

        if (bytes.Length > maxBits / 8)
        {
            throw new SnmpDecodeException($"{what}: unsigned integer out of range");
        }

        ulong value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }
}

/// <summary>Writes BER. Constructed values are written into a nested writer and then framed,
/// which keeps the code obvious; SNMP messages are small.</summary>
internal sealed class BerWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new(256);

    public int Length => buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => buffer.WrittenSpan;

    public byte[] ToArray() => buffer.WrittenSpan.ToArray();

    public void WriteRaw(ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    public void WriteTlv(byte tag, ReadOnlySpan<byte> value)
    {
        WriteHeader(tag, value.Length);
        buffer.Write(value);
    }

    public void WriteHeader(byte tag, int length)
    {
        var span = buffer.GetSpan(6);
        span[0] = tag;
        var n = 1;
        if (length < 0x80)
        {
            span[n++] = (byte)length;
        }
        else if (length <= 0xff)
        {
            span[n++] = 0x81;
            span[n++] = (byte)length;
        }
        else if (length <= 0xffff)
        {
            span[n++] = 0x82;
            span[n++] = (byte)(length >> 8);
            span[n++] = (byte)length;
        }
        else
        {
            span[n++] = 0x84;
            span[n++] = (byte)(length >> 24);
            span[n++] = (byte)(length >> 16);
            span[n++] = (byte)(length >> 8);
            span[n++] = (byte)length;
        }

        buffer.Advance(n);
    }

    public static int HeaderLength(int length) => length < 0x80 ? 2 : length <= 0xff ? 3 : length <= 0xffff ? 4 : 6;

    public void WriteConstructed(byte tag, Action<BerWriter> content)
    {
        var inner = new BerWriter();
        content(inner);
        WriteTlv(tag, inner.WrittenSpan);
    }

    public void WriteInteger(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        for (var i = 7; i >= 0; i--)
        {
            bytes[i] = (byte)value;
            value >>= 8;
        }

        var start = 0;
        while (start < 7 && ((bytes[start] == 0 && (bytes[start + 1] & 0x80) == 0) || (bytes[start] == 0xff && (bytes[start + 1] & 0x80) != 0)))
        {
            start++;
        }

        WriteTlv(BerTag.Integer, bytes[start..]);
    }

    public void WriteUnsigned(byte tag, ulong value)
    {
        Span<byte> bytes = stackalloc byte[9];
        for (var i = 8; i >= 0; i--)
        {
            bytes[i] = (byte)value;
            value >>= 8;
        }

        var start = 0;
        while (start < 8 && bytes[start] == 0 && (bytes[start + 1] & 0x80) == 0)
        {
            start++;
        }

        WriteTlv(tag, bytes[start..]);
    }

    public void WriteOctetString(ReadOnlySpan<byte> value) => WriteTlv(BerTag.OctetString, value);

    public void WriteNull(byte tag = BerTag.Null) => WriteTlv(tag, []);

    public void WriteOid(Oid oid) => WriteTlv(BerTag.ObjectIdentifier, oid.Encode());
}

using System.Globalization;
using System.Text;

namespace NetFleet.Snmp;

/// <summary>An object identifier: immutable, ordered lexicographically by sub-identifier as SNMP
/// walks are. <see cref="Parse"/> takes numbers only; <see cref="MibNames"/> adds names.</summary>
public sealed class Oid : IEquatable<Oid>, IComparable<Oid>
{
    private readonly uint[] parts;
    private int hash;

    public Oid(params uint[] parts) => this.parts = (uint[])parts.Clone();

    private Oid(uint[] parts, bool owned) => this.parts = owned ? parts : (uint[])parts.Clone();

    public ReadOnlySpan<uint> Parts => parts;

    public int Length => parts.Length;

    public uint this[int index] => parts[index];

    /// <summary>Parses <c>1.3.6.1.2.1.1.1.0</c> (a leading dot is allowed).</summary>
    public static Oid Parse(string text) =>
        TryParse(text, out var oid) ? oid : throw new FormatException($"'{text}' is not a numeric OID");

    public static bool TryParse(string text, out Oid oid)
    {
        oid = null!;
        var trimmed = text.Trim();
        if (trimmed.StartsWith('.'))
        {
            trimmed = trimmed[1..];
        }

        if (trimmed.Length == 0)
        {
            return false;
        }

        var pieces = trimmed.Split('.');
        var values = new uint[pieces.Length];
        for (var i = 0; i < pieces.Length; i++)
        {
            if (!uint.TryParse(pieces[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
            {
                return false;
            }
        }

        oid = new Oid(values, owned: true);
        return true;
    }

    public Oid Append(params uint[] more)
    {
        var combined = new uint[parts.Length + more.Length];
        parts.CopyTo(combined, 0);
        more.CopyTo(combined, parts.Length);
        return new Oid(combined, owned: true);
    }

    /// <summary>True when this OID is <paramref name="other"/> or lies under it.</summary>
    public bool StartsWith(Oid other) =>
        other.parts.Length <= parts.Length && parts.AsSpan(0, other.parts.Length).SequenceEqual(other.parts);

    public int CompareTo(Oid? other)
    {
        if (other is null)
        {
            return 1;
        }

        var n = Math.Min(parts.Length, other.parts.Length);
        for (var i = 0; i < n; i++)
        {
            if (parts[i] != other.parts[i])
            {
                return parts[i] < other.parts[i] ? -1 : 1;
            }
        }

        return parts.Length.CompareTo(other.parts.Length);
    }

    public bool Equals(Oid? other) => other is not null && parts.AsSpan().SequenceEqual(other.parts);

    public override bool Equals(object? obj) => obj is Oid other && Equals(other);

    public override int GetHashCode()
    {
        if (hash == 0)
        {
            var h = new HashCode();
            foreach (var p in parts)
            {
                h.Add(p);
            }

            hash = h.ToHashCode() | 1;
        }

        return hash;
    }

    public static bool operator ==(Oid? a, Oid? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Oid? a, Oid? b) => !(a == b);
    public static bool operator <(Oid a, Oid b) => a.CompareTo(b) < 0;
    public static bool operator >(Oid a, Oid b) => a.CompareTo(b) > 0;
    public static bool operator <=(Oid a, Oid b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Oid a, Oid b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Join('.', parts);

    internal byte[] Encode()
    {
        if (parts.Length < 2)
        {
            // X.690 needs two arcs; a lone arc (never used by SNMP) is written as X.0.
            return parts.Length == 0 ? [0] : EncodeParts([parts[0], 0]);
        }

        return EncodeParts(parts);
    }

    private static byte[] EncodeParts(uint[] parts)
    {
        var bytes = new List<byte>(parts.Length + 4);
        AppendSubId(bytes, (ulong)parts[0] * 40 + parts[1]);
        for (var i = 2; i < parts.Length; i++)
        {
            AppendSubId(bytes, parts[i]);
        }

        return [.. bytes];
    }

    private static void AppendSubId(List<byte> bytes, ulong value)
    {
        Span<byte> tmp = stackalloc byte[10];
        var n = 0;
        do
        {
            tmp[n++] = (byte)(value & 0x7f);
            value >>= 7;
        }
        while (value != 0);

        for (var i = n - 1; i >= 0; i--)
        {
            bytes.Add((byte)(tmp[i] | (i > 0 ? 0x80 : 0)));
        }
    }

    internal static Oid Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            throw new SnmpDecodeException("empty OID");
        }

        if (bytes.Length > 1024)
        {
            throw new SnmpDecodeException("OID too long");
        }

        var values = new List<uint>(bytes.Length + 1);
        ulong current = 0;
        var digits = 0;
        foreach (var b in bytes)
        {
            if (digits == 0 && b == 0x80)
            {
                throw new SnmpDecodeException("OID sub-identifier with a leading 0x80");
            }

            current = (current << 7) | (uint)(b & 0x7f);
            digits++;
            if (current > (values.Count == 0 ? uint.MaxValue + 80UL : uint.MaxValue))
            {
                throw new SnmpDecodeException("OID sub-identifier exceeds 32 bits");
            }

            if ((b & 0x80) == 0)
            {
                if (values.Count == 0)
                {
                    var first = current < 80 ? (uint)(current / 40) : 2;
                    values.Add(first);
                    values.Add((uint)(current - first * 40UL));
                }
                else
                {
                    values.Add((uint)current);
                }

                current = 0;
                digits = 0;
            }
        }

        if (digits != 0)
        {
            throw new SnmpDecodeException("OID ends inside a sub-identifier");
        }

        return new Oid([.. values], owned: true);
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace NetFleet.Lab.Topology;

/// <summary>
/// The address ranges a lab may use inside its namespaces and the little arithmetic links need.
/// Only the benchmarking range (RFC 2544) and the documentation prefix (RFC 3849) are allowed,
/// so nothing the lab routes can ever be mistaken for, or leak into, a real network.
/// </summary>
internal static class TopologyAddresses
{
    public static readonly IPNetwork Ipv4Range = IPNetwork.Parse("198.18.0.0/15");
    public static readonly IPNetwork Ipv6Range = IPNetwork.Parse("2001:db8::/32");
    public static readonly IPNetwork ManagementRange = IPNetwork.Parse("127.0.0.0/8");

    public static IPNetwork RangeFor(AddressFamily family) => family == AddressFamily.InterNetwork ? Ipv4Range : Ipv6Range;

    /// <summary>A prefix inside the lab's ranges, or an explanation of what is wrong with it.</summary>
    public static (IPNetwork? Network, string? Error) ParsePrefix(string text, AddressFamily family, string what)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text[..slash], out var address) || address.AddressFamily != family
            || !int.TryParse(text[(slash + 1)..], out var length) || length < 0 || length > Bits(family))
        {
            var example = family == AddressFamily.InterNetwork ? "198.18.0.0/31" : "2001:db8::/127";
            return (null, $"{what} '{text}' is not an {Name(family)} prefix such as {example}");
        }

        var network = new IPNetwork(Mask(address, length), length);
        if (!network.BaseAddress.Equals(address))
        {
            return (null, $"{what} '{text}' has host bits set; did you mean {network}?");
        }

        var range = RangeFor(family);
        if (length < range.PrefixLength || !range.Contains(address))
        {
            return (null, $"{what} {text} is outside {range}, the only {Name(family)} range the lab uses inside its namespaces");
        }

        return (network, null);
    }

    /// <summary>The two addresses a link's ends get: both addresses of a /31 or /127, otherwise the first two hosts.</summary>
    public static (IPAddress First, IPAddress Second)? LinkAddresses(IPNetwork network)
    {
        var bits = Bits(network.BaseAddress.AddressFamily);
        var hostBits = bits - network.PrefixLength;
        if (hostBits < 1)
        {
            return null;
        }

        var offset = hostBits == 1 ? 0 : 1;
        return (Add(network.BaseAddress, offset), Add(network.BaseAddress, offset + 1));
    }

    public static bool Overlaps(IPNetwork a, IPNetwork b) =>
        a.BaseAddress.AddressFamily == b.BaseAddress.AddressFamily && (a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress));

    private static int Bits(AddressFamily family) => family == AddressFamily.InterNetwork ? 32 : 128;

    private static string Name(AddressFamily family) => family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    private static IPAddress Mask(IPAddress address, int length)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(length - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    private static IPAddress Add(IPAddress address, int offset)
    {
        var bytes = address.GetAddressBytes();
        if (bytes.Length == 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, BinaryPrimitives.ReadUInt32BigEndian(bytes) + (uint)offset);
        }
        else
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes, BinaryPrimitives.ReadUInt128BigEndian(bytes) + (UInt128)offset);
        }

        return new IPAddress(bytes);
    }
}

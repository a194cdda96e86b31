using System.Net;

namespace NetFleet.Lab.Devices;

/// <summary>Stable per-device facts (serial numbers, MAC addresses, lab addressing) derived from the
/// device's name and address, so that a device looks the same after every reset.</summary>
internal static class DeviceIdentity
{
    /// <summary>FNV-1a: string.GetHashCode changes from one process to the next.</summary>
    public static uint Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }

    /// <summary>Up to 32 hexadecimal digits after <paramref name="prefix"/>.</summary>
    public static string Serial(LabDevice device, string prefix, int digits) =>
        prefix + string.Concat(Enumerable.Range(0, 4).Select(i => Hash(device.Name + new string('/', i)).ToString("X8")))[..digits];

    /// <summary>A MAC address in Cisco's dotted form, e.g. <c>5254.0012.abcd</c>.</summary>
    public static string Mac(LabDevice device)
    {
        var h = Hash(device.Name).ToString("x8");
        return $"5254.00{h[..2]}.{h[2..6]}";
    }

    /// <summary>Two numbers from the device's lab address (its last two octets) to build unique
    /// private addresses from.</summary>
    public static (int High, int Low) Octets(LabDevice device)
    {
        if (IPAddress.TryParse(device.Address, out var ip) && ip.GetAddressBytes() is { Length: 4 } b)
        {
            return (b[2], b[3]);
        }
        var h = Hash(device.Name);
        return ((int)(h >> 8 & 0xff), (int)(h & 0xff));
    }

    /// <summary>The management address: the lab address when it is IPv4, else one inside 127/8.</summary>
    public static string ManagementAddress(LabDevice device)
    {
        var (high, low) = Octets(device);
        return IPAddress.TryParse(device.Address, out var ip) && ip.GetAddressBytes().Length == 4 ? device.Address : $"127.0.{high}.{low}";
    }
}

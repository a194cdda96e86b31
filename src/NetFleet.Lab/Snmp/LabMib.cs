using System.Diagnostics;
using NetFleet.Lab.Devices;
using NetFleet.Snmp;

namespace NetFleet.Lab.Snmp;

/// <summary>
/// What a lab device's SNMP agent serves: the SNMPv2-MIB system group and an IF-MIB ifTable and
/// ifXTable. Traffic counters are computed from the time since the agent started at a per-interface
/// rate, so they only grow; the 32-bit columns are the 64-bit ones truncated, so they wrap as real
/// ones do (every few minutes at the faster rates, sooner thanks to a per-device starting offset).
/// </summary>
public static class LabMib
{
    private static readonly Oid System = Oid.Parse("1.3.6.1.2.1.1");
    private static readonly Oid IfNumber = Oid.Parse("1.3.6.1.2.1.2.1.0");
    private static readonly Oid IfEntry = Oid.Parse("1.3.6.1.2.1.2.2.1");
    private static readonly Oid IfXEntry = Oid.Parse("1.3.6.1.2.1.31.1.1.1");

    public static SortedMibView Build(LabDevice device, long startedTimestamp)
    {
        var (descr, objectId, interfaces) = Personality(device.Platform);
        if (device.Platform == "cisco_ios" && device.Capabilities.IsLegacyImage)
        {
            descr = "Cisco IOS Software, 2800 Software (C2800NM-ADVIPSERVICESK9-M), Version 12.4(24)T8, RELEASE SOFTWARE (fc1)";
        }
        double Seconds() => Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds;
        var entries = new List<MibEntry>
        {
            MibEntry.Constant(System.Append(1, 0), SnmpValue.FromString(descr)),
            MibEntry.Constant(System.Append(2, 0), new ObjectIdentifier(Oid.Parse(objectId))),
            new(System.Append(3, 0), () => new TimeTicks((uint)(Seconds() * 100))),
            MibEntry.Variable(System.Append(4, 0), SnmpValue.FromString("noc@netfleet.lab")),
            MibEntry.Constant(System.Append(5, 0), SnmpValue.FromString(device.Name)),
            MibEntry.Variable(System.Append(6, 0), SnmpValue.FromString(device.Site)),
            MibEntry.Constant(System.Append(7, 0), new Integer32(6)),
            MibEntry.Constant(IfNumber, new Integer32(interfaces.Length)),
        };

        var seed = DeviceIdentity.Hash(device.Name);
        for (var i = 0; i < interfaces.Length; i++)
        {
            var index = (uint)(i + 1);
            var name = interfaces[i];
            var loopback = name.StartsWith("Lo", StringComparison.OrdinalIgnoreCase) || name == "lo0";
            var up = i != interfaces.Length - 2;
            var mix = DeviceIdentity.Hash(device.Name + "/" + name);
            // Bytes per second in and out: 1–80 Mbit/s on a physical port that is up.
            var inRate = up && !loopback ? 125_000.0 * (1 + mix % 80) : 0;
            var outRate = up && !loopback ? 125_000.0 * (1 + (mix >> 8) % 80) : 0;
            var inStart = (ulong)(mix ^ seed);
            var outStart = (ulong)(mix * 31 + seed);
            ulong InOctets() => inStart + (ulong)(inRate * Seconds());
            ulong OutOctets() => outStart + (ulong)(outRate * Seconds());
            ulong InPackets() => InOctets() / 700;
            ulong OutPackets() => OutOctets() / 700;
            var mac = new byte[] { 0x52, 0x54, 0x00, (byte)(seed >> 16), (byte)(seed >> 8), (byte)(seed + index) };

            void Column(uint column, Func<SnmpValue> read) => entries.Add(new MibEntry(IfEntry.Append(column, index), read));
            void XColumn(uint column, Func<SnmpValue> read) => entries.Add(new MibEntry(IfXEntry.Append(column, index), read));
            Column(1, () => new Integer32((int)index));
            var descrValue = SnmpValue.FromString(name);
            Column(2, () => descrValue);
            var type = new Integer32(loopback ? 24 : 6);
            Column(3, () => type);
            var mtu = new Integer32(loopback ? 65535 : 1500);
            Column(4, () => mtu);
            var speed = new Gauge32(loopback ? 0u : 1_000_000_000u);
            Column(5, () => speed);
            var phys = new OctetString(loopback ? [] : mac);
            Column(6, () => phys);
            Column(7, () => new Integer32(1));
            var oper = new Integer32(up ? 1 : 2);
            Column(8, () => oper);
            Column(9, () => new TimeTicks(0));
            Column(10, () => new Counter32((uint)InOctets()));
            Column(11, () => new Counter32((uint)InPackets()));
            Column(12, () => new Counter32((uint)(InPackets() / 50)));
            Column(13, () => new Counter32(0));
            Column(14, () => new Counter32((uint)(InPackets() / 100_000)));
            Column(15, () => new Counter32(0));
            Column(16, () => new Counter32((uint)OutOctets()));
            Column(17, () => new Counter32((uint)OutPackets()));
            Column(18, () => new Counter32((uint)(OutPackets() / 50)));
            Column(19, () => new Counter32(0));
            Column(20, () => new Counter32(0));
            Column(21, () => new Gauge32(0));
            var zeroDotZero = new ObjectIdentifier(new Oid(0, 0));
            Column(22, () => zeroDotZero);

            var nameValue = SnmpValue.FromString(ShortName(name));
            XColumn(1, () => nameValue);
            XColumn(2, () => new Counter32((uint)(InPackets() / 100)));
            XColumn(3, () => new Counter32((uint)(InPackets() / 100)));
            XColumn(4, () => new Counter32((uint)(OutPackets() / 100)));
            XColumn(5, () => new Counter32((uint)(OutPackets() / 100)));
            XColumn(6, () => new Counter64(InOctets()));
            XColumn(7, () => new Counter64(InPackets()));
            XColumn(8, () => new Counter64(InPackets() / 100));
            XColumn(9, () => new Counter64(InPackets() / 100));
            XColumn(10, () => new Counter64(OutOctets()));
            XColumn(11, () => new Counter64(OutPackets()));
            XColumn(12, () => new Counter64(OutPackets() / 100));
            XColumn(13, () => new Counter64(OutPackets() / 100));
            XColumn(14, () => new Integer32(loopback ? 2 : 1));
            var highSpeed = new Gauge32(loopback ? 0u : 1000u);
            XColumn(15, () => highSpeed);
            XColumn(16, () => new Integer32(2));
            XColumn(17, () => new Integer32(loopback ? 2 : 1));
            entries.Add(MibEntry.Variable(IfXEntry.Append(18, index), new OctetString([])));
            XColumn(19, () => new TimeTicks(0));
        }

        return new SortedMibView(entries);
    }

    private static string ShortName(string name) =>
        name.StartsWith("GigabitEthernet", StringComparison.Ordinal) ? "Gi" + name["GigabitEthernet".Length..]
        : name.StartsWith("Ethernet", StringComparison.Ordinal) ? "Et" + name["Ethernet".Length..]
        : name.StartsWith("Loopback", StringComparison.Ordinal) ? "Lo" + name["Loopback".Length..]
        : name.StartsWith("Management", StringComparison.Ordinal) ? "Ma" + name["Management".Length..]
        : name;

    private static (string Descr, string ObjectId, string[] Interfaces) Personality(string platform) => platform switch
    {
        "arista_eos" => ("Arista Networks EOS version 4.31.2F running on an Arista Networks vEOS-lab", "1.3.6.1.4.1.30065.1.3011.7010.427.48",
            ["Ethernet1", "Ethernet2", "Ethernet3", "Ethernet4", "Management1", "Loopback0"]),
        "juniper_junos" => ("Juniper Networks, Inc. vmx internet router, kernel JUNOS 23.2R1.13, Build date: 2023-06-13", "1.3.6.1.4.1.2636.1.1.1.2.108",
            ["ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "ge-0/0/3", "fxp0", "lo0"]),
        _ => ("Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M8, RELEASE SOFTWARE (fc2)", "1.3.6.1.4.1.9.1.1045",
            ["GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2", "GigabitEthernet0/3", "Embedded-Service-Engine0/0", "Loopback0"]),
    };
}

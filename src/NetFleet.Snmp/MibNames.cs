using System.Globalization;

namespace NetFleet.Snmp;

/// <summary>
/// Names for common objects, both ways: SNMPv2-MIB's system group and IF-MIB's ifTable and ifXTable
/// columns (<c>sysDescr.0</c> ⇄ <c>1.3.6.1.2.1.1.1.0</c>, <c>ifHCInOctets.3</c>). Numeric OIDs always
/// work; a <c>MIB::</c> prefix is accepted and ignored.
/// </summary>
public static class MibNames
{
    private static readonly Dictionary<string, Oid> ByName = new(StringComparer.OrdinalIgnoreCase);
    private static readonly List<(Oid Oid, string Name)> ByOid = [];

    static MibNames()
    {
        Add("1.3.6.1.2.1.1", "system");
        string[] system = ["sysDescr", "sysObjectID", "sysUpTime", "sysContact", "sysName", "sysLocation", "sysServices", "sysORLastChange"];
        for (var i = 0; i < system.Length; i++)
        {
            Add($"1.3.6.1.2.1.1.{i + 1}", system[i]);
        }

        Add("1.3.6.1.2.1.2", "interfaces");
        Add("1.3.6.1.2.1.2.1", "ifNumber");
        Add("1.3.6.1.2.1.2.2", "ifTable");
        Add("1.3.6.1.2.1.2.2.1", "ifEntry");
        string[] ifTable = ["ifIndex", "ifDescr", "ifType", "ifMtu", "ifSpeed", "ifPhysAddress", "ifAdminStatus", "ifOperStatus",
            "ifLastChange", "ifInOctets", "ifInUcastPkts", "ifInNUcastPkts", "ifInDiscards", "ifInErrors", "ifInUnknownProtos",
            "ifOutOctets", "ifOutUcastPkts", "ifOutNUcastPkts", "ifOutDiscards", "ifOutErrors", "ifOutQLen", "ifSpecific"];
        for (var i = 0; i < ifTable.Length; i++)
        {
            Add($"1.3.6.1.2.1.2.2.1.{i + 1}", ifTable[i]);
        }

        Add("1.3.6.1.2.1.31", "ifMIB");
        Add("1.3.6.1.2.1.31.1.1", "ifXTable");
        Add("1.3.6.1.2.1.31.1.1.1", "ifXEntry");
        string[] ifXTable = ["ifName", "ifInMulticastPkts", "ifInBroadcastPkts", "ifOutMulticastPkts", "ifOutBroadcastPkts",
            "ifHCInOctets", "ifHCInUcastPkts", "ifHCInMulticastPkts", "ifHCInBroadcastPkts", "ifHCOutOctets", "ifHCOutUcastPkts",
            "ifHCOutMulticastPkts", "ifHCOutBroadcastPkts", "ifLinkUpDownTrapEnable", "ifHighSpeed", "ifPromiscuousMode",
            "ifConnectorPresent", "ifAlias", "ifCounterDiscontinuityTime"];
        for (var i = 0; i < ifXTable.Length; i++)
        {
            Add($"1.3.6.1.2.1.31.1.1.1.{i + 1}", ifXTable[i]);
        }

        Add("1.3.6.1.6.3.1.1.4.1", "snmpTrapOID");
        Add("1.3.6.1.6.3.1.1.5.1", "coldStart");
        Add("1.3.6.1.6.3.1.1.5.2", "warmStart");
        Add("1.3.6.1.6.3.1.1.5.3", "linkDown");
        Add("1.3.6.1.6.3.1.1.5.4", "linkUp");
        Add("1.3.6.1.6.3.1.1.5.5", "authenticationFailure");
        ByOid.Sort((a, b) => b.Oid.Length.CompareTo(a.Oid.Length));
    }

    private static void Add(string oid, string name)
    {
        var parsed = Oid.Parse(oid);
        ByName[name] = parsed;
        ByOid.Add((parsed, name));
    }

    /// <summary>Parses <c>sysDescr.0</c>, <c>IF-MIB::ifHCInOctets.3</c>, <c>ifTable</c> or <c>1.3.6.1.2.1.1.1.0</c>.</summary>
    public static Oid Parse(string text) =>
        TryParse(text, out var oid) ? oid : throw new FormatException($"'{text}' is neither a numeric OID nor a known object name");

    public static bool TryParse(string text, out Oid oid)
    {
        if (Oid.TryParse(text, out oid))
        {
            return true;
        }

        var name = text.Trim();
        var colons = name.IndexOf("::", StringComparison.Ordinal);
        if (colons >= 0)
        {
            name = name[(colons + 2)..];
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var head = dot < 0 ? name : name[..dot];
        if (!ByName.TryGetValue(head, out var baseOid))
        {
            return false;
        }

        if (dot < 0)
        {
            oid = baseOid;
            return true;
        }

        var rest = name[(dot + 1)..].Split('.');
        var suffix = new uint[rest.Length];
        for (var i = 0; i < rest.Length; i++)
        {
            if (!uint.TryParse(rest[i], NumberStyles.None, CultureInfo.InvariantCulture, out suffix[i]))
            {
                return false;
            }
        }

        oid = baseOid.Append(suffix);
        return true;
    }

    /// <summary>The most specific known name with the rest as numbers (<c>ifHCInOctets.3</c>), or the numeric form.</summary>
    public static string Format(Oid oid)
    {
        foreach (var (prefix, name) in ByOid)
        {
            if (oid.StartsWith(prefix))
            {
                return oid.Length == prefix.Length ? name : name + "." + string.Join('.', oid.Parts[prefix.Length..].ToArray());
            }
        }

        return oid.ToString();
    }
}

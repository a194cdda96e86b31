namespace NetFleet.Capture;

/// <summary>The ports a network engineer reads by name in a protocol mix.</summary>
internal static class WellKnownPorts
{
    private static readonly Dictionary<int, string> Names = new()
    {
        [20] = "ftp-data", [21] = "ftp", [22] = "ssh", [23] = "telnet", [25] = "smtp", [49] = "tacacs",
        [53] = "dns", [67] = "dhcp", [68] = "dhcp", [69] = "tftp", [80] = "http", [88] = "kerberos",
        [110] = "pop3", [123] = "ntp", [143] = "imap", [161] = "snmp", [162] = "snmp-trap", [179] = "bgp",
        [389] = "ldap", [443] = "https", [445] = "smb", [500] = "isakmp", [514] = "syslog", [546] = "dhcpv6",
        [547] = "dhcpv6", [636] = "ldaps", [830] = "netconf", [1812] = "radius", [1813] = "radius-acct",
        [2055] = "netflow", [3306] = "mysql", [3784] = "bfd", [4500] = "ipsec-nat-t", [4789] = "vxlan",
        [5432] = "postgresql", [6343] = "sflow", [6514] = "syslog-tls", [8080] = "http-alt", [8443] = "https-alt",
        [57400] = "gnmi",
    };

    /// <summary>The well-known one of two ports (the lower if both are), or null.</summary>
    public static (int Port, string Name)? Find(int sourcePort, int destinationPort)
    {
        var (low, high) = sourcePort <= destinationPort ? (sourcePort, destinationPort) : (destinationPort, sourcePort);
        if (Names.TryGetValue(low, out var name))
        {
            return (low, name);
        }

        return Names.TryGetValue(high, out name) ? (high, name) : null;
    }
}

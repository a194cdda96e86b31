namespace NetFleet.Lab.Config;

/// <summary>
/// Expands abbreviated interface names (<c>gi0/1</c>, <c>Et1</c>, <c>lo 0</c>) to the canonical name a
/// device stores, and back to the short form its prompts use.
/// </summary>
internal sealed class InterfaceNames(params (string Long, string Short)[] types)
{
    public static readonly InterfaceNames Ios = new(
        ("GigabitEthernet", "Gi"), ("FastEthernet", "Fa"), ("TenGigabitEthernet", "Te"), ("Ethernet", "Et"),
        ("Loopback", "Lo"), ("Tunnel", "Tu"), ("Vlan", "Vl"), ("Port-channel", "Po"), ("Serial", "Se"));

    public static readonly InterfaceNames Eos = new(
        ("Ethernet", "Et"), ("Loopback", "Lo"), ("Management", "Ma"), ("Port-Channel", "Po"), ("Vlan", "Vl"),
        ("Tunnel", "Tu"), ("Vxlan", "Vx"));

    /// <summary>The canonical name, or null when the type is not one this platform has.
    /// <paramref name="number"/> is for names typed with a blank (<c>interface gi 0/1</c>).</summary>
    public string? Expand(string name, string? number = null)
    {
        var split = 0;
        while (split < name.Length && (char.IsAsciiLetter(name[split]) || name[split] == '-'))
        {
            split++;
        }
        var type = name[..split];
        var rest = name[split..] + (split == name.Length ? number ?? "" : "");
        if (type.Length == 0 || rest.Length == 0 || !char.IsAsciiDigit(rest[0]))
        {
            return null;
        }
        var candidates = types.Where(t => t.Long.StartsWith(type, StringComparison.OrdinalIgnoreCase)).ToList();
        var match = candidates.FirstOrDefault(t => t.Long.Equals(type, StringComparison.OrdinalIgnoreCase));
        if (match.Long is null && candidates.Count >= 1)
        {
            // "Et" would match Ethernet only on EOS, but on IOS "E" is ambiguous; take the table's order.
            match = candidates[0];
        }
        return match.Long is null ? null : match.Long + rest;
    }

    public string Short(string name)
    {
        foreach (var (longName, shortName) in types)
        {
            if (name.StartsWith(longName, StringComparison.Ordinal) && name.Length > longName.Length && char.IsAsciiDigit(name[longName.Length]))
            {
                return shortName + name[longName.Length..];
            }
        }
        return name;
    }
}

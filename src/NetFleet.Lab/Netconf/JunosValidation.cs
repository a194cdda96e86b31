using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using NetFleet.Netconf;

namespace NetFleet.Lab.Netconf;

/// <summary>
/// What the lab checks of a Junos configuration before it takes or commits it: the parts of the schema the lab
/// models (top-level statements, unit numbers, interface addresses) and the device's <c>reject_config</c> fault,
/// held against the same set lines the CLI would check.
/// </summary>
internal static class JunosValidation
{
    private const long MaxUnit = 1073741823;

    /// <summary>The errors of <paramref name="configuration"/>; the reject fault applies to the set lines that
    /// <paramref name="baseline"/> (the configuration before the change) does not have.</summary>
    public static List<NetconfRpcError> Check(XElement configuration, DeviceFaults faults, string baseline)
    {
        var errors = new List<NetconfRpcError>();
        foreach (var top in configuration.Elements().Where(e => !JunosConfig.TopLevel.Contains(e.Name.LocalName)))
        {
            errors.Add(Error("unknown-element", top, $"syntax error: '{top.Name.LocalName}' is not a top-level statement",
                new XElement(NetconfXml.Base + "bad-element", top.Name.LocalName)));
        }

        foreach (var unit in configuration.Descendants().Where(e => e.Name.LocalName == "unit"))
        {
            var name = unit.Elements().FirstOrDefault(e => e.Name.LocalName == "name")?.Value.Trim() ?? "";
            if (!long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > MaxUnit)
            {
                errors.Add(Error("invalid-value", unit, $"invalid unit number '{name}': expected 0 to {MaxUnit}",
                    new XElement(NetconfXml.Base + "bad-element", "unit")));
            }
        }

        foreach (var family in configuration.Descendants().Where(e => e.Name.LocalName is "inet" or "inet6" && e.Parent?.Name.LocalName == "family"))
        {
            var expected = family.Name.LocalName == "inet" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            foreach (var address in family.Elements().Where(e => e.Name.LocalName == "address"))
            {
                var text = address.Elements().FirstOrDefault(e => e.Name.LocalName == "name")?.Value.Trim() ?? "";
                if (FamilyOf(text) != expected)
                {
                    errors.Add(Error("invalid-value", address,
                        $"invalid {(expected == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address '{text}' for family {family.Name.LocalName}",
                        new XElement(NetconfXml.Base + "bad-element", "address")));
                }
            }
        }

        if (faults.RejectConfig.Count > 0)
        {
            var old = JunosConfig.Parse(baseline).DisplaySet().Split('\n').ToHashSet(StringComparer.Ordinal);
            foreach (var line in JunosXml.FromXml(configuration).DisplaySet().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !old.Contains(l)))
            {
                if (RejectRules.Find(faults, line) is not null)
                {
                    errors.Add(new NetconfRpcError("application", "invalid-value", "error")
                    {
                        Message = $"syntax error: the device rejects '{line}'",
                    });
                }
            }
        }
        return errors;
    }

    // An interface address is an address with an optional prefix length; host bits may be set (10.0.0.1/31).
    private static AddressFamily? FamilyOf(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address))
        {
            return null;
        }
        var maxLength = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return slash < 0 || int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length <= maxLength
            ? address.AddressFamily
            : null;
    }

    private static NetconfRpcError Error(string tag, XElement at, string message, XElement info) =>
        new("application", tag, "error")
        {
            Path = NetconfEdit.PathOf(at),
            Message = message,
            Info = new XElement(NetconfXml.Base + "error-info", info),
        };
}

using System.Xml;
using System.Xml.Linq;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Netconf;

namespace NetFleet.Actors.Devices;

/// <summary>Whether a configuration holds a NETCONF edit, for a change resumed after a restart (was it made already?).</summary>
internal static class NetconfChanges
{
    /// <summary>True when every element of the edit is in <paramref name="config"/> (canonical text of a get-config), leaf
    /// values equal, and no element the edit deletes or removes is there. Keys need no schema: a list entry matches the
    /// configured entry that holds all of its children (its key among them). Text that is not XML holds nothing.</summary>
    public static bool Holds(NetconfEditConfig edit, string config)
    {
        XElement have;
        XElement want;
        try
        {
            have = XElement.Parse(config);
            want = NetconfOperations.ConfigElement(edit.Content);
        }
        catch (XmlException)
        {
            return false;
        }

        return want.Elements().All(w => Present(w, have));
    }

    private static bool Present(XElement want, XElement parent)
    {
        var operation = (string?)want.Attribute(NetconfXml.Base + "operation");
        var match = parent.Elements().FirstOrDefault(h => SameName(want, h) && Matches(want, h));
        return operation is "delete" or "remove" ? match is null : match is not null;
    }

    /// <summary>An edit written without namespaces (as Junos accepts it) matches the server's elements by local name.</summary>
    private static bool SameName(XElement want, XElement have) =>
        want.Name == have.Name || (want.Name.Namespace == XNamespace.None && want.Name.LocalName == have.Name.LocalName);

    private static bool Matches(XElement want, XElement have)
    {
        if (!want.HasElements) return want.Value.Trim().Length == 0 || want.Value.Trim() == have.Value.Trim();
        return want.Elements().All(child => Present(child, have));
    }
}

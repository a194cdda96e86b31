using System.Xml.Linq;
using NetFleet.Netconf;

namespace NetFleet.Actors.Devices;

/// <summary>
/// What an edit-config would make of a configuration, worked out by NetFleet: the check-mode diff of a server without a
/// candidate datastore, which has nowhere to try an edit without making it. No schema is at hand, so a list entry is
/// found by its first child when that is a leaf (YANG encodes a list's keys first, RFC 7950 section 7.8.5) and any other
/// element by its name alone. A list with several keys matches on the first, and a leaf-list value replaces the first
/// value of that name: the preview is the likely change, and the server's test-only validation says whether it is valid.
/// </summary>
internal static class NetconfPreview
{
    /// <summary>The configuration <paramref name="data"/> (a get-config's <c>data</c>) after <paramref name="config"/>
    /// (an edit's <c>config</c> element) is applied with <paramref name="defaultOperation"/>.</summary>
    public static XElement Apply(XElement data, XElement config, string? defaultOperation)
    {
        var result = new XElement(data);
        foreach (var edit in config.Elements())
        {
            Edit(result, edit, defaultOperation ?? "merge");
        }

        return result;
    }

    private static void Edit(XElement parent, XElement edit, string inherited)
    {
        var operation = (string?)edit.Attribute(NetconfXml.Base + "operation") ?? inherited;
        var match = parent.Elements().FirstOrDefault(have => SameName(edit, have) && SameEntry(edit, have));
        switch (operation)
        {
            case "delete" or "remove":
                match?.Remove();
                return;
            case "replace" when match is not null:
                match.ReplaceWith(Plain(edit));
                return;
            case "none" when match is null:
                // default-operation none creates nothing by itself; only explicit operations below it act.
                return;
        }

        if (match is null)
        {
            parent.Add(Plain(edit));
            return;
        }

        if (!edit.HasElements)
        {
            match.Value = edit.Value;
            return;
        }

        foreach (var child in edit.Elements())
        {
            Edit(match, child, operation == "none" ? "none" : "merge");
        }
    }

    /// <summary>The edit's element as configuration: without its NETCONF operation attributes.</summary>
    private static XElement Plain(XElement edit)
    {
        var copy = new XElement(edit);
        copy.DescendantsAndSelf().Attributes(NetconfXml.Base + "operation").Remove();
        return copy;
    }

    private static bool SameName(XElement edit, XElement have) =>
        edit.Name == have.Name || (edit.Name.Namespace == XNamespace.None && edit.Name.LocalName == have.Name.LocalName);

    /// <summary>A leaf is the same when its value is, or when it is the only one of its name (a value changes); an entry with
    /// a leading leaf (its key) when that leaf's value is equal; a container always.</summary>
    private static bool SameEntry(XElement edit, XElement have)
    {
        if (!edit.HasElements)
        {
            return edit.Value.Trim() == have.Value.Trim()
                || have.Parent!.Elements().Count(e => SameName(edit, e)) == 1;
        }

        var key = edit.Elements().First();
        if (key.HasElements) return true;
        var haveKey = have.Elements().FirstOrDefault(e => SameName(key, e));
        return haveKey is not null && haveKey.Value.Trim() == key.Value.Trim();
    }
}

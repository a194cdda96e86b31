using System.Xml.Linq;
using NetFleet.Netconf;

namespace NetFleet.Lab.Netconf;

/// <summary>
/// Subtree filtering (RFC 6241 section 6): an empty filter element is a selection node (its whole subtree is
/// returned), one holding only text is a content-match node (its siblings are returned only if the data has
/// that value), one with children is a containment node. A filter element without a namespace matches any
/// namespace, and so does one in the NETCONF base namespace: no data lives there, so it can only be the default
/// namespace inherited from <c>&lt;rpc xmlns="…base:1.0"&gt;</c> by a client writing the filter inline (Junos takes
/// those too). List keys (<c>&lt;name&gt;</c>) of a returned entry are always returned, as Junos does.
/// </summary>
internal static class SubtreeFilter
{
    /// <summary>The parts of <paramref name="data"/> (the top-level data elements) that <paramref name="filter"/> selects.</summary>
    public static List<XElement> Apply(IEnumerable<XElement> data, XElement filter)
    {
        var selected = new List<XElement>();
        foreach (var item in data)
        {
            foreach (var node in filter.Elements().Where(f => Matches(f, item)))
            {
                if (Select(item, node) is { } result)
                {
                    selected.Add(result);
                    break;
                }
            }
        }
        return selected;
    }

    private static XElement? Select(XElement data, XElement filter)
    {
        var filterChildren = filter.Elements().ToList();
        if (filterChildren.Count == 0)
        {
            var text = filter.Value.Trim();
            return text.Length == 0 || data.Value.Trim() == text ? new XElement(data) : null;
        }

        var contentMatches = filterChildren.Where(IsContentMatch).ToList();
        foreach (var match in contentMatches)
        {
            if (!data.Elements().Any(d => Matches(match, d) && !d.HasElements && d.Value.Trim() == match.Value.Trim()))
            {
                return null;
            }
        }

        var others = filterChildren.Except(contentMatches).ToList();
        if (others.Count == 0)
        {
            return new XElement(data);
        }

        var result = new XElement(data.Name, data.Attributes());
        var selectedAny = false;
        foreach (var child in data.Elements())
        {
            if (contentMatches.Any(m => Matches(m, child)) || IsKey(child))
            {
                result.Add(new XElement(child));
                continue;
            }
            foreach (var node in others.Where(f => Matches(f, child)))
            {
                if (Select(child, node) is { } inner)
                {
                    result.Add(inner);
                    selectedAny = true;
                    break;
                }
            }
        }
        return selectedAny || contentMatches.Count > 0 ? result : null;
    }

    private static bool IsContentMatch(XElement filter) => !filter.HasElements && filter.Value.Trim().Length > 0;

    private static bool IsKey(XElement data) => data.Name.LocalName == "name" && !data.HasElements;

    private static bool Matches(XElement filter, XElement data) =>
        filter.Name.LocalName == data.Name.LocalName
        && (filter.Name.Namespace == XNamespace.None || filter.Name.Namespace == NetconfXml.Base || filter.Name.Namespace == data.Name.Namespace);
}

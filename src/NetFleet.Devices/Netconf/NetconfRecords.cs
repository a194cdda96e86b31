using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace NetFleet.Devices.Netconf;

/// <summary>
/// A reply's <c>data</c> as JSON-like records for playbooks (<c>register</c>, <c>assert</c>), shaped the way ncclient users
/// get it from xmltodict: element local names as keys (namespaces and attributes dropped), a leaf's text as a string (null
/// when empty), siblings with the same name as a list in document order.
/// </summary>
public static class NetconfRecords
{
    /// <summary>The children of <paramref name="data"/> (the <c>data</c> element itself is not a key).</summary>
    public static Dictionary<string, object?> From(XElement data) => Children(data);

    private static object? Value(XElement element)
    {
        if (!element.HasElements)
        {
            var text = element.Value.Trim();
            return text.Length == 0 ? null : text;
        }

        return Children(element);
    }

    private static Dictionary<string, object?> Children(XElement parent)
    {
        var record = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var child in parent.Elements())
        {
            var key = child.Name.LocalName;
            var value = Value(child);
            if (!record.TryGetValue(key, out var existing))
            {
                record[key] = value;
            }
            else if (existing is List<object?> list)
            {
                // Values are strings, null or records, never lists: a list under the key holds the earlier siblings.
                list.Add(value);
            }
            else
            {
                record[key] = new List<object?> { existing, value };
            }
        }

        return record;
    }
}

/// <summary>Configuration XML as stable text, so two datastores (running, candidate) can be diffed line by line.</summary>
public static class NetconfText
{
    /// <summary>Indented by two spaces, one element per line, siblings in the server's order, whitespace-only text dropped,
    /// line feeds only.</summary>
    public static string Canonical(XElement element)
    {
        var copy = new XElement(element);
        foreach (var blank in copy.DescendantNodesAndSelf().OfType<XText>().Where(t => string.IsNullOrWhiteSpace(t.Value)).ToList())
        {
            blank.Remove();
        }

        var text = new StringBuilder();
        var settings = new XmlWriterSettings
        {
            OmitXmlDeclaration = true,
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        using (var writer = XmlWriter.Create(text, settings))
        {
            copy.WriteTo(writer);
        }

        return text.ToString();
    }
}

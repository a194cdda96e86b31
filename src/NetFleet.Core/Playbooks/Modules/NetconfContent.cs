using System.Xml;
using System.Xml.Linq;
using NetFleet.Core.Diagnostics;

namespace NetFleet.Core.Playbooks.Modules;

/// <summary>XML written in a playbook for NETCONF (edit content, subtree filters), checked when the playbook loads.</summary>
internal static class NetconfContent
{
    private const string Wrapper = "<config>";

    /// <summary>Reports XML that is not well-formed at the YAML value, with the parser's own line and position inside it.
    /// Template expressions (<c>{{ … }}</c>) are text to the parser, so a templated body is checked as written.</summary>
    public static bool Check(string text, SourceLocation at, string what, DiagnosticBag diagnostics)
    {
        try
        {
            // A body may hold several top-level elements, as a config element's content does.
            var root = XElement.Parse(Wrapper + text + "</config>", LoadOptions.SetLineInfo);
            if (root.Elements().Any()) return true;
            diagnostics.Error(at, DiagnosticCodes.Empty, $"'{what}' holds no XML element", "write the elements to send, e.g. <interfaces>…</interfaces>");
            return false;
        }
        catch (XmlException e)
        {
            var position = e.LineNumber == 1 ? e.LinePosition - Wrapper.Length : e.LinePosition;
            diagnostics.Error(at, DiagnosticCodes.InvalidValue,
                $"'{what}' is not well-formed XML (line {e.LineNumber}, position {Math.Max(1, position)} of the XML): {Reason(e)}",
                "fix the XML; a template expression may not contain '<' or '&'");
            return false;
        }
    }

    /// <summary>The parser's message without its own location, which counts the wrapper and is given separately.</summary>
    private static string Reason(XmlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Line ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

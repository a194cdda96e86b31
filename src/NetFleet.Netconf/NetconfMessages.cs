using System.Xml.Linq;

namespace NetFleet.Netconf;

/// <summary>The XML namespace of NETCONF's own elements (hello, rpc, rpc-reply, rpc-error, the operations).</summary>
public static class NetconfXml
{
    public static readonly XNamespace Base = "urn:ietf:params:xml:ns:netconf:base:1.0";

    /// <summary>Parses one message; a message that is not XML is a protocol failure of the peer.</summary>
    public static XElement Parse(string message)
    {
        try
        {
            return XElement.Parse(message, LoadOptions.PreserveWhitespace);
        }
        catch (System.Xml.XmlException e)
        {
            throw new NetconfProtocolException($"the peer sent a message that is not XML ({e.Message}): {Start(message)}");
        }
    }

    /// <summary>The start of a message for an error text.</summary>
    public static string Start(string message) => message.Length <= 200 ? message : message[..200] + "…";
}

/// <summary>The peer broke the protocol (not XML, no hello, a reply to a message never sent): the session is unusable.</summary>
public sealed class NetconfProtocolException(string message) : IOException(message);

/// <summary>Capability URNs of RFC 6241 and the checks on a peer's list (a capability may carry <c>?parameters</c>).</summary>
public static class NetconfCapabilities
{
    public const string Base10 = "urn:ietf:params:netconf:base:1.0";
    public const string Base11 = "urn:ietf:params:netconf:base:1.1";
    public const string WritableRunning = "urn:ietf:params:netconf:capability:writable-running:1.0";
    public const string Candidate = "urn:ietf:params:netconf:capability:candidate:1.0";
    public const string ConfirmedCommit10 = "urn:ietf:params:netconf:capability:confirmed-commit:1.0";
    public const string ConfirmedCommit11 = "urn:ietf:params:netconf:capability:confirmed-commit:1.1";
    public const string RollbackOnError = "urn:ietf:params:netconf:capability:rollback-on-error:1.0";
    public const string Validate10 = "urn:ietf:params:netconf:capability:validate:1.0";
    public const string Validate11 = "urn:ietf:params:netconf:capability:validate:1.1";
    public const string Startup = "urn:ietf:params:netconf:capability:startup:1.0";
    public const string XPath = "urn:ietf:params:netconf:capability:xpath:1.0";

    public static bool Has(IEnumerable<string> capabilities, string capability) =>
        capabilities.Any(c => c == capability || c.StartsWith(capability + "?", StringComparison.Ordinal));

    /// <summary>Chunked framing once both hellos name base:1.1 (RFC 6242 section 4.1), end-of-message otherwise.</summary>
    public static NetconfFraming Negotiate(IEnumerable<string> ours, IEnumerable<string> theirs) =>
        Has(ours, Base11) && Has(theirs, Base11) ? NetconfFraming.Chunked : NetconfFraming.EndOfMessage;
}

/// <summary>A hello: the capabilities a side offers and, from a server, the session id.</summary>
public sealed record NetconfHello(IReadOnlyList<string> Capabilities, string? SessionId)
{
    public static NetconfHello Parse(string message)
    {
        var root = NetconfXml.Parse(message);
        if (root.Name != NetconfXml.Base + "hello")
        {
            throw new NetconfProtocolException($"expected a <hello> in the base:1.0 namespace first, got <{root.Name.LocalName}>: {NetconfXml.Start(message)}");
        }

        var capabilities = root.Element(NetconfXml.Base + "capabilities")?.Elements(NetconfXml.Base + "capability")
            .Select(c => c.Value.Trim()).Where(c => c.Length > 0).ToList() ?? [];
        if (capabilities.Count == 0)
        {
            throw new NetconfProtocolException("the peer's <hello> names no capabilities; RFC 6241 requires at least base:1.0");
        }

        var sessionId = root.Element(NetconfXml.Base + "session-id")?.Value.Trim();
        return new NetconfHello(capabilities, string.IsNullOrEmpty(sessionId) ? null : sessionId);
    }

    public string ToXml()
    {
        var hello = new XElement(NetconfXml.Base + "hello",
            new XElement(NetconfXml.Base + "capabilities", Capabilities.Select(c => new XElement(NetconfXml.Base + "capability", c))));
        if (SessionId is not null) hello.Add(new XElement(NetconfXml.Base + "session-id", SessionId));
        return new XDeclaration("1.0", "UTF-8", null) + hello.ToString(SaveOptions.DisableFormatting);
    }
}

/// <summary>One <c>rpc-error</c> of RFC 6241 section 4.3, as the server sent it.</summary>
public sealed record NetconfRpcError(string Type, string Tag, string Severity)
{
    public string? AppTag { get; init; }
    public string? Path { get; init; }
    public string? Message { get; init; }
    public XElement? Info { get; init; }

    /// <summary>The errors of a reply (warnings included; see <see cref="Severity"/>).</summary>
    public static IReadOnlyList<NetconfRpcError> From(XElement reply) =>
        [.. reply.Elements(NetconfXml.Base + "rpc-error").Select(e => new NetconfRpcError(
            Text(e, "error-type") ?? "", Text(e, "error-tag") ?? "", Text(e, "error-severity") ?? "error")
        {
            AppTag = Text(e, "error-app-tag"),
            Path = Text(e, "error-path"),
            Message = Text(e, "error-message"),
            Info = e.Element(NetconfXml.Base + "error-info"),
        })];

    public XElement ToXml() => new(NetconfXml.Base + "rpc-error",
        new XElement(NetconfXml.Base + "error-type", Type),
        new XElement(NetconfXml.Base + "error-tag", Tag),
        new XElement(NetconfXml.Base + "error-severity", Severity),
        AppTag is null ? null : new XElement(NetconfXml.Base + "error-app-tag", AppTag),
        Path is null ? null : new XElement(NetconfXml.Base + "error-path", Path),
        Message is null ? null : new XElement(NetconfXml.Base + "error-message", new XAttribute(XNamespace.Xml + "lang", "en"), Message),
        Info);

    /// <summary>For people: <c>invalid-value at /if:interfaces/...: invalid value (bad-value: bogus)</c>.</summary>
    public override string ToString()
    {
        var details = Info?.Elements().Select(e => $"{e.Name.LocalName}: {e.Value.Trim()}").ToList() ?? [];
        return Tag
            + (Path is null ? "" : $" at {Path}")
            + (Message is null ? "" : $": {Message}")
            + (details.Count == 0 ? "" : $" ({string.Join(", ", details)})");
    }

    private static string? Text(XElement error, string name) => error.Element(NetconfXml.Base + name)?.Value.Trim();
}

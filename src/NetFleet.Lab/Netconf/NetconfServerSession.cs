using System.Globalization;
using System.Xml.Linq;
using NetFleet.Lab.Platforms;
using NetFleet.Netconf;
using Serilog;

namespace NetFleet.Lab.Netconf;

/// <summary>
/// One NETCONF session (RFC 6241 over RFC 6242) with a lab Junos device: the hello exchange, the framing both
/// sides agreed on, and each rpc answered in order. The operations work on the device's own state
/// (<see cref="JunosDatastore"/>), so NETCONF and the CLI see one configuration and one commit history.
/// </summary>
internal sealed class NetconfServerSession
{
    /// <summary>The start of the <c>netconf</c> subsystem's command text in the lab's sshd configuration (the lab
    /// host adds a token drawn at start).</summary>
    public const string SubsystemMarker = "netfleet-lab-subsystem:netconf";

    public static readonly IReadOnlyList<string> Capabilities =
    [
        NetconfCapabilities.Base10,
        NetconfCapabilities.Base11,
        NetconfCapabilities.Candidate,
        NetconfCapabilities.ConfirmedCommit10,
        NetconfCapabilities.ConfirmedCommit11,
        NetconfCapabilities.Validate10,
        NetconfCapabilities.Validate11,
        NetconfCapabilities.RollbackOnError,
        "http://xml.juniper.net/netconf/junos/1.0",
        "http://xml.juniper.net/dmi/system/1.0",
    ];

    private readonly NetconfDevice device;
    private readonly NetconfRegistry registry;
    private readonly Stream stream;
    private readonly ILogger log;
    // Not disposed: a kill-session from another session may still cancel it after this one ended, and a source
    // without timers holds nothing to release.
    private readonly CancellationTokenSource killed = new();
    private NetconfFraming framing = NetconfFraming.EndOfMessage;
    private JunosDatastore datastore = null!;
    private int id;

    private NetconfServerSession(NetconfDevice device, NetconfRegistry registry, Stream stream, ILogger log)
    {
        this.device = device;
        this.registry = registry;
        this.stream = stream;
        this.log = log;
    }

    public static async Task RunAsync(NetconfDevice device, ILabPlatform platform, NetconfRegistry registry, Stream stream, ILogger log, CancellationToken cancellationToken)
    {
        var session = new NetconfServerSession(device, registry, stream, log);
        session.id = registry.Open(session.killed.Cancel);
        session.datastore = new JunosDatastore(device, platform, registry, session.id);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.killed.Token);
        try
        {
            await session.ServeAsync(linked.Token);
        }
        catch (Exception e) when (e is NetconfFramingException or NetconfProtocolException)
        {
            log.Warning("NETCONF session {Session} to {Device}: {Reason}; closing it", session.id, device.Device.Name, e.Message);
        }
        catch (OperationCanceledException) when (session.killed.IsCancellationRequested)
        {
            log.Information("NETCONF session {Session} to {Device} was killed", session.id, device.Device.Name);
        }
        finally
        {
            registry.Close(session.id);
            if (session.datastore.SessionEnded())
            {
                log.Information("NETCONF session {Session} to {Device} ended before confirming its commit: reverted", session.id, device.Device.Name);
            }
        }
    }

    private async Task ServeAsync(CancellationToken ct)
    {
        await SendAsync(new NetconfHello(Capabilities, id.ToString(CultureInfo.InvariantCulture)).ToXml(), ct);
        var reader = new NetconfMessageReader(stream);
        if (await reader.ReadMessageAsync(ct) is not { } helloText)
        {
            return;
        }
        var hello = NetconfHello.Parse(helloText);
        if (hello.SessionId is not null)
        {
            throw new NetconfProtocolException("the client's hello holds a session-id, which only a server sends (RFC 6241 section 8.1)");
        }
        if (!NetconfCapabilities.Has(hello.Capabilities, NetconfCapabilities.Base10) && !NetconfCapabilities.Has(hello.Capabilities, NetconfCapabilities.Base11))
        {
            throw new NetconfProtocolException("the client's hello names neither base:1.0 nor base:1.1");
        }
        framing = reader.Framing = NetconfCapabilities.Negotiate(Capabilities, hello.Capabilities);
        log.Debug("NETCONF session {Session} to {Device} for {User}: {Framing} framing", id, device.Device.Name, device.Username, framing);

        while (await reader.ReadMessageAsync(ct) is { } message)
        {
            var (reply, close) = Answer(message);
            await SendAsync(reply.ToString(SaveOptions.DisableFormatting), ct);
            if (close)
            {
                return;
            }
        }
    }

    private Task SendAsync(string message, CancellationToken ct) => NetconfMessageWriter.WriteAsync(stream, message, framing, ct);

    private (XElement Reply, bool Close) Answer(string message)
    {
        XElement rpc;
        try
        {
            rpc = NetconfXml.Parse(message);
        }
        catch (NetconfProtocolException e)
        {
            return (Reply(null, Error("rpc", "malformed-message", e.Message)), false);
        }
        if (rpc.Name != NetconfXml.Base + "rpc" || rpc.Attribute("message-id") is null)
        {
            var missing = Error("rpc", "missing-attribute", $"expected <rpc message-id=\"…\"> in {NetconfXml.Base.NamespaceName}, got <{rpc.Name.LocalName}>");
            return (Reply(rpc, missing with
            {
                Info = new XElement(NetconfXml.Base + "error-info",
                    new XElement(NetconfXml.Base + "bad-attribute", "message-id"), new XElement(NetconfXml.Base + "bad-element", rpc.Name.LocalName)),
            }), false);
        }
        if (rpc.Elements().FirstOrDefault() is not { } operation)
        {
            return (Reply(rpc, Error("protocol", "missing-element", "the rpc names no operation")), false);
        }
        device.Commands.Record("netconf", operation.Name.LocalName);
        try
        {
            var (content, close) = Run(operation);
            return (Reply(rpc, content), close);
        }
        catch (NetconfFailure failure)
        {
            log.Debug("NETCONF session {Session} to {Device}: {Operation} failed: {Errors}", id, device.Device.Name, operation.Name.LocalName, failure.Message);
            return (Reply(rpc, failure.Errors.Select(e => e.ToXml())), false);
        }
    }

    private static XElement Ok => new(NetconfXml.Base + "ok");

    private (object Content, bool Close) Run(XElement operation)
    {
        var ns = operation.Name.Namespace;
        var standard = ns == NetconfXml.Base || ns == XNamespace.None;
        switch (standard ? operation.Name.LocalName : "")
        {
            case "get":
                return (Data(Filtered("running", operation)), false);
            case "get-config":
                return (Data(Filtered(Datastore(operation, "source"), operation)), false);
            case "edit-config":
                EditConfig(operation);
                return (Ok, false);
            case "lock":
                Lock(Datastore(operation, "target"));
                return (Ok, false);
            case "unlock":
                var target = Datastore(operation, "target");
                if (!registry.Unlock(device.Device.Name, target, id))
                {
                    throw new NetconfFailure(Error("protocol", "operation-failed", $"this session holds no lock on {target}"));
                }
                return (Ok, false);
            case "validate":
                var inline = operation.Element(ns + "source")?.Element(ns + "config");
                datastore.Validate(inline is null ? Datastore(operation, "source") : "config",
                    inline?.Elements().FirstOrDefault(e => e.Name.LocalName == "configuration") ?? inline);
                return (Ok, false);
            case "commit":
                datastore.Commit(operation.Element(ns + "confirmed") is not null, Number(operation, "confirm-timeout", 600) / 60.0,
                    Text(operation, "persist"), Text(operation, "persist-id"), "");
                return (Ok, false);
            case "cancel-commit":
                datastore.CancelCommit(Text(operation, "persist-id"));
                return (Ok, false);
            case "discard-changes":
                datastore.Discard();
                return (Ok, false);
            case "close-session":
                return (Ok, true);
            case "kill-session":
                KillSession(Number(operation, "session-id", 0));
                return (Ok, false);
        }
        if (JunosRpcs.Answer(operation, datastore) is { } answer)
        {
            return (answer, false);
        }
        throw new NetconfFailure(new NetconfRpcError("protocol", "operation-not-supported", "error")
        {
            Message = $"operation <{operation.Name.LocalName}> is not supported by the NetFleet lab",
            Info = new XElement(NetconfXml.Base + "error-info", new XElement(NetconfXml.Base + "bad-element", operation.Name.LocalName)),
        });
    }

    private IEnumerable<XElement> Filtered(string source, XElement operation)
    {
        XElement[] data = [datastore.Configuration(source)];
        if (operation.Elements().FirstOrDefault(e => e.Name.LocalName == "filter") is not { } filter)
        {
            return data;
        }
        var type = filter.Attribute("type")?.Value ?? filter.Attribute(NetconfXml.Base + "type")?.Value ?? "subtree";
        if (type != "subtree")
        {
            throw new NetconfFailure(new NetconfRpcError("protocol", "bad-attribute", "error")
            {
                Message = $"filter type '{type}' is not supported: this server does not advertise :xpath; use a subtree filter",
                Info = new XElement(NetconfXml.Base + "error-info",
                    new XElement(NetconfXml.Base + "bad-attribute", "type"), new XElement(NetconfXml.Base + "bad-element", "filter")),
            });
        }
        return SubtreeFilter.Apply(data, filter);
    }

    private static XElement Data(IEnumerable<XElement> content) => new(NetconfXml.Base + "data", content);

    private void EditConfig(XElement operation)
    {
        var ns = operation.Name.Namespace;
        if (Datastore(operation, "target") != "candidate")
        {
            throw new NetconfFailure(Error("protocol", "operation-not-supported",
                "edit-config targets the candidate only on this device (no :writable-running); edit the candidate, then commit"));
        }
        var defaultOperation = Text(operation, "default-operation") ?? "merge";
        var testOption = Text(operation, "test-option") ?? "test-then-set";
        var errorOption = Text(operation, "error-option") ?? "stop-on-error";
        if (defaultOperation is not ("merge" or "replace" or "none") || testOption is not ("test-then-set" or "set" or "test-only")
            || errorOption is not ("stop-on-error" or "continue-on-error" or "rollback-on-error"))
        {
            throw new NetconfFailure(Error("protocol", "invalid-value",
                $"default-operation '{defaultOperation}', test-option '{testOption}' or error-option '{errorOption}' is not an RFC 6241 value"));
        }
        var config = operation.Element(ns + "config")
            ?? throw new NetconfFailure(Error("protocol", "missing-element", "edit-config needs a <config> (this device has no :url)"));
        var configuration = config.Elements().FirstOrDefault(e => e.Name.LocalName == "configuration")
            ?? throw new NetconfFailure(Error("application", "unknown-element",
                $"<config> must hold a Junos <configuration> in {JunosXml.Xnm.NamespaceName} (or no namespace)"));
        datastore.Edit(configuration, defaultOperation, testOption, errorOption);
    }

    private void Lock(string target)
    {
        if (target == "candidate" && datastore.CandidateModified())
        {
            throw new NetconfFailure(LockDenied("the candidate has uncommitted changes (configuration database modified); commit or discard them first", 0));
        }
        if (registry.TryLock(device.Device.Name, target, id) is { } holder)
        {
            throw new NetconfFailure(LockDenied($"the {target} datastore is already locked by NETCONF session {holder}", holder));
        }
    }

    private static NetconfRpcError LockDenied(string message, int holder) => new("protocol", "lock-denied", "error")
    {
        Message = message,
        Info = new XElement(NetconfXml.Base + "error-info", new XElement(NetconfXml.Base + "session-id", holder)),
    };

    private void KillSession(long target)
    {
        if (target == id)
        {
            throw new NetconfFailure(Error("protocol", "invalid-value", "kill-session names this session; use close-session"));
        }
        if (target is <= 0 or > int.MaxValue || !registry.Kill((int)target))
        {
            throw new NetconfFailure(Error("protocol", "invalid-value", $"there is no NETCONF session {target}"));
        }
        log.Information("NETCONF session {Session} to {Device} killed session {Target}", id, device.Device.Name, target);
    }

    /// <summary>The datastore named in <c>&lt;source&gt;</c> or <c>&lt;target&gt;</c>: running or candidate.</summary>
    private static string Datastore(XElement operation, string role)
    {
        var name = operation.Elements().FirstOrDefault(e => e.Name.LocalName == role)?.Elements().FirstOrDefault()?.Name.LocalName;
        return name switch
        {
            "running" or "candidate" => name,
            null => throw new NetconfFailure(Error("protocol", "missing-element", $"<{operation.Name.LocalName}> needs a <{role}>")),
            _ => throw new NetconfFailure(Error("protocol", "invalid-value", $"datastore <{name}> is not one this device has: use running or candidate")),
        };
    }

    private static string? Text(XElement operation, string name) =>
        operation.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim() is { Length: > 0 } text ? text : null;

    private static long Number(XElement operation, string name, long fallback) => Text(operation, name) is not { } text
        ? fallback
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new NetconfFailure(Error("protocol", "invalid-value", $"<{name}> must be a number, got '{text}'"));

    private static NetconfRpcError Error(string type, string tag, string message) => new(type, tag, "error") { Message = message };

    private static XElement Reply(XElement? rpc, object content) => new(NetconfXml.Base + "rpc-reply",
        rpc?.Attributes().Where(a => !a.IsNamespaceDeclaration), content);

    private static XElement Reply(XElement? rpc, NetconfRpcError error) => Reply(rpc, error.ToXml());
}

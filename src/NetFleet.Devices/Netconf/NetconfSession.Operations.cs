using System.Globalization;
using System.Xml.Linq;
using NetFleet.Netconf;

namespace NetFleet.Devices.Netconf;

/// <summary>The server does not advertise a capability an operation or option needs; nothing was sent.</summary>
public sealed class NetconfCapabilityException(string device, string operation, string capability, string why)
    : DeviceException(device, $"NETCONF {operation}: {why} needs {capability}, which the server does not advertise in its hello")
{
    public string Operation { get; } = operation;
    public string Capability { get; } = capability;
    public override bool Retryable => false;
}

/// <summary>The operations of RFC 6241 (section 7 and 8), each checked against the server's capabilities before it is sent.</summary>
public sealed partial class NetconfSession
{
    public async Task<XElement> GetAsync(NetconfFilter? filter = null, CancellationToken cancellationToken = default) =>
        Data(await SendAsync("get", Operation("get", Filter("get", filter)), cancellationToken));

    public async Task<XElement> GetConfigAsync(NetconfDatastore source, NetconfFilter? filter = null, CancellationToken cancellationToken = default)
    {
        RequireDatastore("get-config", source);
        return Data(await SendAsync("get-config",
            Operation("get-config", Datastore("source", source), Filter("get-config", filter)), cancellationToken));
    }

    public async Task EditConfigAsync(NetconfDatastore target, XElement config, EditConfigOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        const string Name = "edit-config";
        if (target == NetconfDatastore.Startup)
        {
            throw new ArgumentException("edit-config targets running or candidate (RFC 6241 section 7.2); copy-config writes startup", nameof(target));
        }

        Require(Name, target == NetconfDatastore.Candidate ? NetconfCapabilities.Candidate : NetconfCapabilities.WritableRunning,
            $"target {DatastoreName(target)}");
        if (options?.TestOption is { } test)
        {
            if (test == "test-only")
            {
                Require(Name, NetconfCapabilities.Validate11, "test-option test-only");
            }
            else if (!Supports(NetconfCapabilities.Validate11))
            {
                Require(Name, NetconfCapabilities.Validate10, $"test-option {test}");
            }
        }

        if (options?.ErrorOption == "rollback-on-error")
        {
            Require(Name, NetconfCapabilities.RollbackOnError, "error-option rollback-on-error");
        }

        var content = config.Name == NetconfXml.Base + "config"
            ? new XElement(config)
            : new XElement(NetconfXml.Base + "config", config);
        await SendAsync(Name, Operation(Name,
            Datastore("target", target),
            Leaf("default-operation", options?.DefaultOperation),
            Leaf("test-option", options?.TestOption),
            Leaf("error-option", options?.ErrorOption),
            content), cancellationToken);
    }

    public Task LockAsync(NetconfDatastore target, CancellationToken cancellationToken = default)
    {
        RequireDatastore("lock", target);
        return SendAsync("lock", Operation("lock", Datastore("target", target)), cancellationToken);
    }

    public Task UnlockAsync(NetconfDatastore target, CancellationToken cancellationToken = default)
    {
        RequireDatastore("unlock", target);
        return SendAsync("unlock", Operation("unlock", Datastore("target", target)), cancellationToken);
    }

    public Task ValidateAsync(NetconfDatastore source, CancellationToken cancellationToken = default)
    {
        if (!Supports(NetconfCapabilities.Validate11)) Require("validate", NetconfCapabilities.Validate10, "validate");
        RequireDatastore("validate", source);
        return SendAsync("validate", Operation("validate", Datastore("source", source)), cancellationToken);
    }

    public Task CommitAsync(ConfirmedCommit? confirmed = null, CancellationToken cancellationToken = default)
    {
        Require("commit", NetconfCapabilities.Candidate, "commit");
        if (confirmed is null)
        {
            return SendAsync("commit", Operation("commit"), cancellationToken);
        }

        if (confirmed.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("a confirmed commit's timeout must be positive", nameof(confirmed));
        }

        if (confirmed.Persist is not null || confirmed.PersistId is not null)
        {
            Require("commit", NetconfCapabilities.ConfirmedCommit11, "a persistent confirmed commit (persist, persist-id)");
        }
        else if (!Supports(NetconfCapabilities.ConfirmedCommit11))
        {
            Require("commit", NetconfCapabilities.ConfirmedCommit10, "a confirmed commit");
        }

        // confirm-timeout counts whole seconds; a fraction is rounded up so the server never reverts early.
        var seconds = (uint)Math.Min(uint.MaxValue, Math.Ceiling(confirmed.Timeout.TotalSeconds));
        return SendAsync("commit", Operation("commit",
            new XElement(NetconfXml.Base + "confirmed"),
            Leaf("confirm-timeout", seconds.ToString(CultureInfo.InvariantCulture)),
            Leaf("persist", confirmed.Persist),
            Leaf("persist-id", confirmed.PersistId)), cancellationToken);
    }

    /// <summary>The confirming commit of a persistent confirmed commit, from this or any other session (RFC 6241 section 8.4.5.1).</summary>
    public Task ConfirmCommitAsync(string persistId, CancellationToken cancellationToken = default)
    {
        Require("commit", NetconfCapabilities.ConfirmedCommit11, "confirming a persistent confirmed commit (persist-id)");
        return SendAsync("commit", Operation("commit", Leaf("persist-id", persistId)), cancellationToken);
    }

    public Task CancelCommitAsync(string? persistId = null, CancellationToken cancellationToken = default)
    {
        Require("cancel-commit", NetconfCapabilities.ConfirmedCommit11, "cancel-commit");
        return SendAsync("cancel-commit", Operation("cancel-commit", Leaf("persist-id", persistId)), cancellationToken);
    }

    public Task DiscardChangesAsync(CancellationToken cancellationToken = default)
    {
        Require("discard-changes", NetconfCapabilities.Candidate, "discard-changes");
        return SendAsync("discard-changes", Operation("discard-changes"), cancellationToken);
    }

    public Task KillSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync("kill-session", Operation("kill-session", Leaf("session-id", sessionId)), cancellationToken);

    private static XElement Operation(string name, params object?[] content) => new(NetconfXml.Base + name, content);

    private static XElement? Leaf(string name, string? value) => value is null ? null : new XElement(NetconfXml.Base + name, value);

    private static XElement Datastore(string role, NetconfDatastore datastore) =>
        new(NetconfXml.Base + role, new XElement(NetconfXml.Base + DatastoreName(datastore)));

    private static string DatastoreName(NetconfDatastore datastore) => datastore switch
    {
        NetconfDatastore.Running => "running",
        NetconfDatastore.Candidate => "candidate",
        NetconfDatastore.Startup => "startup",
        _ => throw new ArgumentOutOfRangeException(nameof(datastore), datastore, "not a NETCONF datastore"),
    };

    private XElement? Filter(string operation, NetconfFilter? filter)
    {
        switch (filter)
        {
            case null:
                return null;
            case NetconfFilter.Subtree subtree:
                // The filter element itself or what goes inside it.
                var content = subtree.Content.Name == NetconfXml.Base + "filter" ? subtree.Content.Nodes() : [subtree.Content];
                return new XElement(NetconfXml.Base + "filter", new XAttribute("type", "subtree"), content);
            case NetconfFilter.XPath xpath:
                Require(operation, NetconfCapabilities.XPath, "an XPath filter");
                return new XElement(NetconfXml.Base + "filter", new XAttribute("type", "xpath"), new XAttribute("select", xpath.Select),
                    xpath.Namespaces.Select(p => new XAttribute(XNamespace.Xmlns + p.Key, p.Value)));
            default:
                throw new ArgumentException($"unknown filter {filter.GetType().Name}", nameof(filter));
        }
    }

    /// <summary>The reply's <c>data</c>; a server that sends none for an empty datastore gets an empty one.</summary>
    private static XElement Data(XElement reply) => reply.Element(NetconfXml.Base + "data") ?? new XElement(NetconfXml.Base + "data");

    private void RequireDatastore(string operation, NetconfDatastore datastore)
    {
        if (datastore == NetconfDatastore.Candidate) Require(operation, NetconfCapabilities.Candidate, "the candidate datastore");
        if (datastore == NetconfDatastore.Startup) Require(operation, NetconfCapabilities.Startup, "the startup datastore");
    }

    private void Require(string operation, string capability, string what)
    {
        if (broken is null && stream is not null && !Supports(capability))
        {
            throw new NetconfCapabilityException(Device, operation, capability, what);
        }
    }
}

using System.Xml.Linq;
using NetFleet.Netconf;

namespace NetFleet.Devices.Netconf;

/// <summary>A configuration datastore of RFC 6241 section 5.1.</summary>
public enum NetconfDatastore
{
    Running,
    Candidate,
    Startup,
}

/// <summary>What to select from a datastore: a subtree of XML (section 6) or, where the server has <c>:xpath</c>, an XPath
/// expression with the prefixes it uses.</summary>
public abstract record NetconfFilter
{
    private NetconfFilter()
    {
    }

    public sealed record Subtree(XElement Content) : NetconfFilter;

    public sealed record XPath(string Select, IReadOnlyDictionary<string, string> Namespaces) : NetconfFilter;
}

/// <summary><c>edit-config</c>'s options (section 7.2); null leaves the server's default (merge, test-then-set,
/// stop-on-error).</summary>
public sealed record EditConfigOptions
{
    /// <summary><c>merge</c>, <c>replace</c> or <c>none</c>.</summary>
    public string? DefaultOperation { get; init; }

    /// <summary><c>test-then-set</c>, <c>set</c> or <c>test-only</c> (needs <c>:validate:1.1</c>).</summary>
    public string? TestOption { get; init; }

    /// <summary><c>stop-on-error</c>, <c>continue-on-error</c> or <c>rollback-on-error</c> (needs <c>:rollback-on-error</c>).</summary>
    public string? ErrorOption { get; init; }
}

/// <summary>A confirmed commit (section 8.4): reverted by the server unless confirmed within <see cref="Timeout"/>.
/// With <see cref="Persist"/> (confirmed-commit:1.1) it survives the session and can be confirmed or cancelled from
/// another one that names the same token.</summary>
public sealed record ConfirmedCommit(TimeSpan Timeout)
{
    public string? Persist { get; init; }

    /// <summary>The token of an earlier persistent confirmed commit this commit confirms or extends.</summary>
    public string? PersistId { get; init; }
}

/// <summary>The server answered an rpc with errors. The message names each error's tag, path and text.</summary>
public sealed class NetconfRpcException(string device, string operation, IReadOnlyList<NetconfRpcError> errors)
    : DeviceException(device, $"NETCONF {operation} failed: {string.Join("; ", errors.Select(e => e.ToString()))}")
{
    public string Operation { get; } = operation;
    public IReadOnlyList<NetconfRpcError> Errors { get; } = errors;

    /// <summary>A lock held by another session is worth retrying later; a bad edit is not.</summary>
    public override bool Retryable => Errors.All(e => e.Tag is "lock-denied" or "in-use" or "resource-denied");
}

/// <summary>
/// One NETCONF session (RFC 6241) to one device over SSH's <c>netconf</c> subsystem (RFC 6242). Operations are sent one at
/// a time and matched to their reply by message-id; an <c>rpc-error</c> of severity error throws
/// <see cref="NetconfRpcException"/>; a broken stream throws <see cref="NetconfFramingException"/> or
/// <see cref="NetconfProtocolException"/> and leaves the session closed.
/// </summary>
public interface INetconfSession : IAsyncDisposable
{
    string Device { get; }

    /// <summary>The server's capabilities from its hello; empty before <see cref="OpenAsync"/>.</summary>
    IReadOnlyList<string> ServerCapabilities { get; }

    string? SessionId { get; }

    NetconfFraming Framing { get; }

    bool IsOpen { get; }

    Task OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the server's hello names the capability (parameters after <c>?</c> ignored).</summary>
    bool Supports(string capability);

    /// <summary>The <c>data</c> element of the reply.</summary>
    Task<XElement> GetAsync(NetconfFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>The <c>data</c> element of the reply.</summary>
    Task<XElement> GetConfigAsync(NetconfDatastore source, NetconfFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary><paramref name="config"/> is the <c>config</c> element or its content (elements in their own namespaces).</summary>
    Task EditConfigAsync(NetconfDatastore target, XElement config, EditConfigOptions? options = null, CancellationToken cancellationToken = default);

    Task LockAsync(NetconfDatastore target, CancellationToken cancellationToken = default);

    Task UnlockAsync(NetconfDatastore target, CancellationToken cancellationToken = default);

    Task ValidateAsync(NetconfDatastore source, CancellationToken cancellationToken = default);

    /// <summary>A plain commit, or a confirmed one; a plain commit also confirms a pending confirmed commit of this session.</summary>
    Task CommitAsync(ConfirmedCommit? confirmed = null, CancellationToken cancellationToken = default);

    /// <summary>Confirms the persistent confirmed commit named by <paramref name="persistId"/>, from this or another session.</summary>
    Task ConfirmCommitAsync(string persistId, CancellationToken cancellationToken = default);

    Task CancelCommitAsync(string? persistId = null, CancellationToken cancellationToken = default);

    Task DiscardChangesAsync(CancellationToken cancellationToken = default);

    Task KillSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Any operation (a vendor's rpc): the reply element, after errors were checked.</summary>
    Task<XElement> RpcAsync(XElement operation, CancellationToken cancellationToken = default);

    /// <summary>close-session, then the SSH connection; safe to call twice.</summary>
    Task CloseAsync(CancellationToken cancellationToken = default);
}

namespace NetFleet.Core.Playbooks.Modules;

/// <summary>
/// What a NETCONF module asks the device's NETCONF session (RFC 6241 over SSH) to do, with every template rendered.
/// XML travels as text: the device side parses it, so these records stay plain data on the wire.
/// </summary>
public abstract record NetconfRequest : DeviceRequest;

/// <summary><c>get-config</c> of <paramref name="Source"/> (<c>running</c>, <c>candidate</c>, <c>startup</c>), or
/// <c>get</c> (state and configuration) when it is null; filtered by a subtree (<paramref name="Filter"/>, XML text)
/// or an XPath expression (<paramref name="XPath"/> with the prefixes of <see cref="Namespaces"/>).</summary>
public sealed record NetconfGet(string? Source, string? Filter, string? XPath) : NetconfRequest
{
    public IReadOnlyDictionary<string, string> Namespaces { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A NETCONF configuration change: <paramref name="Content"/> is the XML inside <c>&lt;config&gt;</c>;
/// <paramref name="Target"/> is <c>candidate</c> or <c>running</c> (null: candidate when the server has it).
/// Run as a transaction like <see cref="ApplyConfig"/>: its <see cref="ConfigChangeRequest.Transaction"/> names the
/// confirmed commit's persist token, its <see cref="ConfigChangeRequest.Backup"/> is the running datastore as
/// <see cref="NetconfReadConfig"/> read it.
/// </summary>
public sealed record NetconfEditConfig(string Content, string? Target, string? DefaultOperation, string? ErrorOption) : ConfigChangeRequest;

/// <summary>The running datastore as canonical text (stable indentation and order), for backups, diffs and verification.</summary>
public sealed record NetconfReadConfig : NetconfRequest;

/// <summary>The confirming commit of a change applied under <paramref name="Strategy"/> (<c>confirmed-commit</c>
/// names the persist token <paramref name="Transaction"/>); other strategies committed already and need nothing.</summary>
public sealed record NetconfConfirm(string Transaction, string? Strategy) : NetconfRequest;

/// <summary>Put the running datastore back to <paramref name="Backup"/> (canonical text of <see cref="NetconfReadConfig"/>):
/// cancel-commit of the pending confirmed commit <paramref name="Transaction"/> where the change was made that way, else
/// an edit-config replace with the backup; then read the running datastore again so the caller can verify.</summary>
public sealed record NetconfRestore(string Backup, string Transaction, string? Strategy) : NetconfRequest;

using System.Net;

namespace NetFleet.Snmp;

/// <summary>
/// Where and how to reach an agent. v1/v2c use <see cref="Community"/>; v3 uses <see cref="User"/>,
/// whose security level (noAuthNoPriv, authNoPriv, authPriv) follows from its protocols.
/// </summary>
public sealed record SnmpTarget(IPEndPoint Endpoint, SnmpVersion Version = SnmpVersion.V2c, string Community = "public", UsmUser? User = null)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);
    public int Retries { get; init; } = 2;
    public string ContextName { get; init; } = "";

    public static SnmpTarget V2c(string address, int port = 161, string community = "public") =>
        new(new IPEndPoint(IPAddress.Parse(address), port), SnmpVersion.V2c, community);

    public static SnmpTarget V3(string address, int port, UsmUser user) =>
        new(new IPEndPoint(IPAddress.Parse(address), port), SnmpVersion.V3, "", user);

    public override string ToString() => Version == SnmpVersion.V3 ? $"{Endpoint} (v3 {User?.Name})" : $"{Endpoint} ({Version})";
}

/// <summary>
/// The manager operations NetFleet needs. <see cref="SnmpManager"/> is NetFleet's own engine; a
/// library (SharpSnmpLib, once reachable) could implement the same contract.
/// Failures are <see cref="SnmpException"/>s: timeout, an agent's error-status, or a USM refusal.
/// </summary>
public interface ISnmpManager : IAsyncDisposable
{
    /// <summary>v2c/v3: missing objects come back as noSuchObject/noSuchInstance values; v1 raises noSuchName.</summary>
    Task<IReadOnlyList<Variable>> GetAsync(SnmpTarget target, IReadOnlyList<Oid> oids, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Variable>> GetNextAsync(SnmpTarget target, IReadOnlyList<Oid> oids, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Variable>> GetBulkAsync(SnmpTarget target, int nonRepeaters, int maxRepetitions, IReadOnlyList<Oid> oids,
        CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Variable>> SetAsync(SnmpTarget target, IReadOnlyList<Variable> variables, CancellationToken cancellationToken = default);

    /// <summary>Get-next from <paramref name="root"/> to the end of its subtree.</summary>
    IAsyncEnumerable<Variable> WalkAsync(SnmpTarget target, Oid root, CancellationToken cancellationToken = default);

    /// <summary>Get-bulk from <paramref name="root"/> to the end of its subtree (get-next for v1).</summary>
    IAsyncEnumerable<Variable> BulkWalkAsync(SnmpTarget target, Oid root, int maxRepetitions = 25, CancellationToken cancellationToken = default);
}

public class SnmpException(string message) : Exception(message);

public sealed class SnmpTimeoutException(SnmpTarget target, int attempts)
    : SnmpException($"{target}: no answer after {attempts} attempt(s) of {target.Timeout.TotalMilliseconds:0} ms");

/// <summary>The agent answered with an error-status (noSuchName, notWritable, …).</summary>
public sealed class SnmpErrorException(SnmpTarget target, SnmpError error, int index, Oid? oid)
    : SnmpException($"{target}: {error}" + (oid is null ? "" : $" at {MibNames.Format(oid)}") + (index > 0 ? $" (variable {index})" : ""))
{
    public SnmpError Error => error;
    public int Index => index;
}

/// <summary>SNMPv3 security refused: wrong password (wrongDigest), unknown user, unsupported level…</summary>
public sealed class SnmpAuthenticationException(SnmpTarget target, UsmFailure failure, string hint)
    : SnmpException($"{target}: {failure}: {hint}")
{
    public UsmFailure Failure => failure;
}

using System.Globalization;
using System.Net;

namespace NetFleet.Capture.Probes;

public enum ProbeKind
{
    Tcp,
    Udp,
    Icmp,
}

public enum ProbeOutcome
{
    /// <summary>Connected (TCP), echoed or at least not refused (UDP), echo reply (ICMP).</summary>
    Ok,
    Timeout,
    Refused,
    Unreachable,
    NotPermitted,

    /// <summary>The request's network namespace does not exist (any more).</summary>
    NoNamespace,
    Error,
}

/// <summary>
/// What to probe and how. UDP without <see cref="ExpectEcho"/> can only tell a refusal (ICMP port
/// unreachable within the timeout) from silence, which counts as delivered but has no latency.
/// </summary>
public sealed record ProbeRequest
{
    public required ProbeKind Kind { get; init; }

    public required string Host { get; init; }

    /// <summary>Needed for TCP and UDP; ignored for ICMP.</summary>
    public int Port { get; init; }

    public int Count { get; init; } = 4;

    /// <summary>Between the starts of two attempts.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>UDP and ICMP payload; a default marks it as NetFleet's.</summary>
    public byte[]? Payload { get; init; }

    public bool ExpectEcho { get; init; }

    /// <summary>The network namespace (a name under /run/netns, as <c>ip netns</c> makes them) the probe is sent
    /// from, e.g. a lab router's; null sends it from the process's own namespace. Entering one needs root or
    /// CAP_SYS_ADMIN.</summary>
    public string? Namespace { get; init; }

    /// <summary>Parses TARGET or TARGET:PORT ([v6]:PORT for IPv6 literals).</summary>
    public static (string Host, int? Port) ParseTarget(string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        if (target.StartsWith('['))
        {
            var close = target.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"'{target}': missing ']' after an IPv6 address");
            }

            var rest = target[(close + 1)..];
            return (target[1..close], rest.Length == 0 ? null
                : rest.StartsWith(':') ? ParsePort(target, rest[1..]) : throw new FormatException($"'{target}': expected :PORT after ']'"));
        }

        var colon = target.LastIndexOf(':');
        if (colon < 0 || target.IndexOf(':', StringComparison.Ordinal) != colon)
        {
            // No port, or a bare IPv6 address.
            return (target, null);
        }

        return (target[..colon], ParsePort(target, target[(colon + 1)..]));
    }

    private static int ParsePort(string target, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new FormatException($"'{target}': port '{text}' is not a number in 1..65535");

    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            problems.Add("no target");
        }

        if (Kind != ProbeKind.Icmp && Port is < 1 or > 65535)
        {
            problems.Add($"{Kind.ToString().ToLowerInvariant()} probes need a port in 1..65535 (TARGET:PORT)");
        }

        if (Count < 1)
        {
            problems.Add("count must be at least 1");
        }

        if (Interval < TimeSpan.Zero || Timeout <= TimeSpan.Zero)
        {
            problems.Add("interval must not be negative and timeout must be positive");
        }

        if (Namespace is not null && NetworkNamespace.Problem(Namespace) is { } problem)
        {
            problems.Add(problem);
        }

        if (Payload is { Length: > 65_000 })
        {
            problems.Add("payload is larger than a datagram");
        }

        return problems;
    }
}

public sealed record ProbeAttempt(int Sequence, ProbeOutcome Outcome, double? LatencyMs, string? Detail);

public sealed record LatencyStats(double MinMs, double AvgMs, double MaxMs, double P95Ms)
{
    /// <summary>Nearest-rank percentile; null for no samples.</summary>
    public static LatencyStats? Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(0.95 * sorted.Length) - 1;
        return new LatencyStats(sorted[0], sorted.Average(), sorted[^1], sorted[Math.Clamp(rank, 0, sorted.Length - 1)]);
    }
}

/// <summary>
/// The outcome of a probe. <see cref="Error"/> is set when no attempt could be made at all
/// (unresolvable name, not permitted); then <see cref="Attempts"/> is empty.
/// </summary>
public sealed record ProbeResult(
    ProbeKind Kind,
    string Target,
    string? Address,
    int Sent,
    int Received,
    double LossPercent,
    LatencyStats? Latency,
    IReadOnlyList<ProbeAttempt> Attempts,
    ProbeOutcome? Failure,
    string? Error)
{
    internal static ProbeResult Failed(ProbeRequest request, IPAddress? address, ProbeOutcome failure, string error) =>
        new(request.Kind, Describe(request), address?.ToString(), 0, 0, 100, null, [], failure, error);

    internal static ProbeResult From(ProbeRequest request, IPAddress address, IReadOnlyList<ProbeAttempt> attempts)
    {
        var received = attempts.Count(a => a.Outcome == ProbeOutcome.Ok);
        return new ProbeResult(request.Kind, Describe(request), address.ToString(), attempts.Count, received,
            attempts.Count == 0 ? 100 : Math.Round(100.0 * (attempts.Count - received) / attempts.Count, 2),
            LatencyStats.Of(attempts.Where(a => a is { Outcome: ProbeOutcome.Ok, LatencyMs: not null }).Select(a => a.LatencyMs!.Value)),
            attempts, null, null);
    }

    internal static string Describe(ProbeRequest request) =>
        request.Kind == ProbeKind.Icmp ? request.Host
        : request.Host.Contains(':', StringComparison.Ordinal) ? $"[{request.Host}]:{request.Port}" : $"{request.Host}:{request.Port}";
}

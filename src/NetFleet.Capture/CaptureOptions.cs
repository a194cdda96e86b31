namespace NetFleet.Capture;

/// <summary>
/// One capture: where, what, how much. Limits stop the capture at whichever comes first; a capture
/// with none runs until it is stopped. Files are written only when <see cref="OutputDirectory"/> is set.
/// </summary>
public sealed record CaptureOptions
{
    public const int DefaultSnapLength = 65_535;

    public required string Interface { get; init; }

    /// <summary>The network namespace (a name under /run/netns) the interface is in, e.g. a lab router's; null for
    /// the process's own. The capture opens the interface from inside it (<see cref="NetworkNamespace"/>).</summary>
    public string? Namespace { get; init; }

    /// <summary>How the interface is named where a single name is needed (sensor allow-lists, results, the job
    /// history): <c>NETNS/INTERFACE</c> inside a namespace, else the interface alone. Neither part can hold a '/'.</summary>
    public string QualifiedInterface => Namespace is null ? Interface : $"{Namespace}/{Interface}";

    /// <summary>Splits <c>NETNS/INTERFACE</c> (or a plain interface name) into its parts; null with
    /// <paramref name="error"/> set when it is neither.</summary>
    public static (string? Namespace, string Interface)? ParseQualifiedInterface(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var (netns, name) = slash < 0 ? (null, text) : (text[..slash], text[(slash + 1)..]);
        error = (netns is null ? null : NetworkNamespace.Problem(netns)) ?? InterfaceProblem(name);
        return error is null ? (netns, name) : null;
    }

    private static string? InterfaceProblem(string name) =>
        string.IsNullOrWhiteSpace(name) ? "no interface given"
        : name is "." or ".." || name.IndexOfAny(['/', '\0']) >= 0 || name.Any(char.IsWhiteSpace)
            ? $"'{name}' is not an interface name (no '/' or spaces; NETNS/INTERFACE names one in a network namespace)"
        : null;

    /// <summary>A BPF filter in tcpdump syntax; null or empty captures everything.</summary>
    public string? Filter { get; init; }

    public int SnapLength { get; init; } = DefaultSnapLength;

    public bool Promiscuous { get; init; }

    public TimeSpan? Duration { get; init; }

    public long? MaxPackets { get; init; }

    /// <summary>Stops before the packet whose wire length would take the total past this.</summary>
    public long? MaxBytes { get; init; }

    public string? OutputDirectory { get; init; }

    /// <summary>File names are PREFIX-yyyyMMddTHHmmssZ-NNNN.pcap.</summary>
    public string FilePrefix { get; init; } = "capture";

    /// <summary>A file is closed and the next one begun before it would grow past this many bytes.</summary>
    public long? RotateFileBytes { get; init; }

    /// <summary>At most this many files are kept; the oldest is deleted when another is begun.</summary>
    public int? RotateFileCount { get; init; }

    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many talkers, conversations and services each summary ranks.</summary>
    public int Top { get; init; } = 10;

    /// <summary>
    /// Packets the capture thread may hand over before the decoder catches up; beyond it packets are
    /// dropped (and counted) rather than stalling libpcap.
    /// </summary>
    public int QueueCapacity { get; init; } = 65_536;

    /// <summary>libpcap's kernel ring buffer in bytes; null keeps libpcap's default (2 MB).</summary>
    public int? KernelBufferBytes { get; init; } = 16 * 1024 * 1024;

    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (InterfaceProblem(Interface) is { } badInterface)
        {
            problems.Add(badInterface);
        }

        if (Namespace is not null && NetworkNamespace.Problem(Namespace) is { } badNamespace)
        {
            problems.Add(badNamespace);
        }

        if (SnapLength is < 64 or > 262_144)
        {
            problems.Add($"snap length {SnapLength} is outside 64..262144");
        }

        if (Duration is { } duration && duration <= TimeSpan.Zero)
        {
            problems.Add("duration must be positive");
        }

        if (MaxPackets is <= 0)
        {
            problems.Add("packet count must be positive");
        }

        if (MaxBytes is <= 0)
        {
            problems.Add("byte limit must be positive");
        }

        if (RotateFileBytes is { } size && size < RotatingPcapWriter.SmallestFileFor(SnapLength))
        {
            problems.Add($"rotate size {size} bytes cannot hold one packet of the snap length {SnapLength} "
                + $"(needs {RotatingPcapWriter.SmallestFileFor(SnapLength)}); raise it or lower the snap length");
        }

        if (RotateFileCount is <= 0)
        {
            problems.Add("rotate count must be positive");
        }

        if ((RotateFileBytes is not null || RotateFileCount is not null) && OutputDirectory is null)
        {
            problems.Add("rotation needs an output directory");
        }

        if (SummaryInterval <= TimeSpan.Zero)
        {
            problems.Add("summary interval must be positive");
        }

        if (Top < 0 || QueueCapacity <= 0)
        {
            problems.Add("top and queue capacity must be positive");
        }

        if (FilePrefix.IndexOfAny(['/', '\0']) >= 0 || FilePrefix.Length == 0)
        {
            problems.Add($"file prefix '{FilePrefix}' is not a plain file name");
        }

        return problems;
    }
}

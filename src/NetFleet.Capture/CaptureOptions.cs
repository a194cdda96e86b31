namespace NetFleet.Capture;

/// <summary>
/// One capture: where, what, how much. Limits stop the capture at whichever comes first; a capture
/// with none runs until it is stopped. Files are written only when <see cref="OutputDirectory"/> is set.
/// </summary>
public sealed record CaptureOptions
{
    public const int DefaultSnapLength = 65_535;

    public required string Interface { get; init; }

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
        if (string.IsNullOrWhiteSpace(Interface))
        {
            problems.Add("no interface given");
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

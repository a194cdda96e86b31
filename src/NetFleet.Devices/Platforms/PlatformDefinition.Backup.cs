using System.Globalization;

namespace NetFleet.Devices.Platforms;

/// <summary>Who changed a configuration last and when, as far as the device tells (a header line it prints).</summary>
/// <param name="Line">The device's own line it was read from.</param>
public sealed record ConfigOrigin(string? User, DateTimeOffset? At, string Line);

/// <summary>A configuration without the lines the device changes by itself, and who/when as the stripped lines told it.</summary>
public sealed record NormalisedConfig(string Text, ConfigOrigin? Origin);

/// <summary>
/// What a backup reads from a platform and how its output is normalised: one place per platform for the volatile lines
/// (timestamps, sizes, clock drift) that would make every backup differ, and for the header lines that say who changed
/// the configuration last. The running configuration is read in <see cref="LineConfigCommand"/> form, the form a change
/// reads back, so a backup compares line for line with what NetFleet wrote.
/// </summary>
public abstract partial class PlatformDefinition
{
    /// <summary>Shows the startup configuration; null where the platform has none apart from the running one (Junos, whose
    /// commit persists; FRR).</summary>
    public virtual string? StartupConfigCommand => null;

    /// <summary>A command whose output tells who changed the configuration last, for platforms whose
    /// <see cref="LineConfigCommand"/> output does not (Junos <c>display set</c> has no header); null otherwise.</summary>
    public virtual string? LastChangeCommand => null;

    /// <summary>A line the device prints with the configuration that is not configuration and changes by itself.</summary>
    protected virtual bool IsVolatileLine(string line) => ConfigText.IsVolatile(line);

    /// <summary>Who/when from one of the device's header lines; null when the line tells neither.</summary>
    protected virtual ConfigOrigin? OriginOf(string line) => null;

    /// <summary>The configuration with volatile lines stripped, trailing blanks trimmed and line ends made <c>\n</c>; who
    /// changed it last is read from the lines before they go. <paramref name="extra"/> is <see cref="LastChangeCommand"/>'s
    /// output, if the platform has one.</summary>
    public NormalisedConfig Normalise(string config, string? extra = null)
    {
        ConfigOrigin? origin = null;
        var kept = new List<string>();
        foreach (var raw in (extra ?? "").Split('\n').Select(l => l.TrimEnd('\r', ' ', '\t')))
        {
            origin ??= OriginOf(raw.Trim());
        }

        var stripped = false;
        foreach (var raw in config.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            var trimmed = line.TrimStart();
            if (IsVolatileLine(trimmed))
            {
                origin ??= OriginOf(trimmed);
                stripped = true;
                continue;
            }

            // A volatile header framed by separators (!, ! Last configuration change …, !) leaves one separator, not two: the
            // device prints the frame only while it has the header, which must not show as a change of its own.
            if (stripped && line == "!" && kept.Count > 0 && kept[^1] == "!") continue;
            stripped = false;
            kept.Add(line);
        }

        // Blank lines the volatile ones leave at the start and end are the output's framing, not configuration.
        var first = kept.FindIndex(l => l.Length > 0);
        var last = kept.FindLastIndex(l => l.Length > 0);
        var text = first < 0 ? "" : string.Join('\n', kept.Skip(first).Take(last - first + 1)) + "\n";
        return new NormalisedConfig(text, origin);
    }

    /// <summary>A device time as text in one of <paramref name="formats"/>, read as UTC; null when it does not parse.</summary>
    protected static DateTimeOffset? UtcTime(string text, params string[] formats) =>
        DateTime.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out var at)
            ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))
            : null;
}

using System.Globalization;

namespace NetFleet.Cli.Commands;

/// <summary>Durations (10s, 500ms, 5m, 1h) and sizes (10MB, 512KiB) as the capture and probe options take them.</summary>
internal static class Units
{
    public static TimeSpan ParseDuration(string text, string option)
    {
        var trimmed = text.Trim();
        var split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1]))
        {
            split--;
        }

        var unit = trimmed[split..].ToLowerInvariant();
        var scale = unit switch
        {
            "ms" => 0.001,
            "" or "s" => 1,
            "m" or "min" => 60,
            "h" => 3600,
            _ => double.NaN,
        };
        if (double.IsNaN(scale)
            || !double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value * scale <= 0)
        {
            throw new FormatException($"{option}: '{text}' is not a positive duration like 10s, 500ms, 5m or 1h");
        }

        return TimeSpan.FromSeconds(value * scale);
    }

    /// <summary>kB/MB/GB are powers of 1000 (as tcpdump -C), KiB/MiB/GiB powers of 1024; no unit is bytes.</summary>
    public static long ParseSize(string text, string option)
    {
        var trimmed = text.Trim();
        var split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1]))
        {
            split--;
        }

        var scale = trimmed[split..].ToLowerInvariant() switch
        {
            "" or "b" => 1L,
            "k" or "kb" => 1_000L,
            "m" or "mb" => 1_000_000L,
            "g" or "gb" => 1_000_000_000L,
            "kib" => 1L << 10,
            "mib" => 1L << 20,
            "gib" => 1L << 30,
            _ => 0L,
        };
        if (scale == 0
            || !double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value <= 0)
        {
            throw new FormatException($"{option}: '{text}' is not a size like 10MB, 512KiB or 1000000");
        }

        return (long)(value * scale);
    }
}

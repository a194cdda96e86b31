using System.Globalization;
using System.Text.RegularExpressions;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks;

/// <summary>Durations as written in playbooks: <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>500ms</c>, <c>1m30s</c>, or a number of seconds.</summary>
public static partial class Duration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            return seconds > 0 && double.IsFinite(seconds);
        }
        var parts = Part().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(p => p.Value)) != text) return false;
        foreach (Match part in parts)
        {
            var value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            duration += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        }
        return duration > TimeSpan.Zero;
    }

    /// <summary>A duration value of a playbook key; a wrong one is reported at its place.</summary>
    internal static TimeSpan? Read(YNode node, YamlReader reader)
    {
        if (reader.String(node, "a duration such as 30s or 2m") is not { } text) return null;
        if (TryParse(text.Value, out var duration)) return duration;
        reader.Diagnostics.Error(text.Start, DiagnosticCodes.BadDuration, $"'{text.Value}' is not a duration",
            "write e.g. 500ms, 30s, 2m, 1h30m or a number of seconds");
        return null;
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)")]
    private static partial Regex Part();
}

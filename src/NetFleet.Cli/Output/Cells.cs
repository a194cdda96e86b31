using System.Globalization;

namespace NetFleet.Cli.Output;

/// <summary>How values read in a table for people; exports keep the exact values (ISO 8601 UTC, full hashes and paths).</summary>
internal static class Cells
{
    /// <summary>Local time to the second, as a reader compares it with their clock.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } value ? value.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    /// <summary>Short and still exact enough to compare: <c>350ms</c>, <c>3.2s</c>, <c>1m04s</c>, <c>2h03m</c>.</summary>
    public static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, span.TotalMilliseconds):0}ms"),
        { TotalSeconds: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalSeconds * 10) / 10:0.0}s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds:00}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m"),
    };

    public static string Duration(DateTimeOffset started, DateTimeOffset? finished) =>
        finished is { } end ? Duration(end - started) : "";

    /// <summary>The first 12 hex digits, as git shows a commit: enough to tell versions of a playbook apart.</summary>
    public static string Hash(string hash) => hash.Length > 12 ? hash[..12] : hash;

    /// <summary>The playbook's file name without its folder and extension: <c>/srv/playbooks/ntp.yaml</c> is <c>ntp</c>.</summary>
    public static string PlaybookName(string path) => Path.GetFileNameWithoutExtension(path) is { Length: > 0 } name ? name : path;

    /// <summary>The first line of a text, with a mark when more lines follow.</summary>
    public static string FirstLine(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var trimmed = text.Trim().ReplaceLineEndings("\n");
        var newline = trimmed.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? trimmed : trimmed[..newline] + " …";
    }

    /// <summary>A diff as its counts of added and removed lines, e.g. <c>diff +2 -0</c>.</summary>
    public static string DiffCounts(string? diff)
    {
        if (string.IsNullOrEmpty(diff)) return "";
        var lines = diff.Split('\n');
        var added = lines.Count(l => l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal));
        var removed = lines.Count(l => l.StartsWith('-') && !l.StartsWith("---", StringComparison.Ordinal));
        return $"diff +{added} -{removed}";
    }

    /// <summary>What a result's row says beside its status: a failure's message (its first line, or all of it where
    /// nothing is cut), else the size of its diff.</summary>
    public static string ResultDetail(string status, string? message, string? diff, bool whole) =>
        !string.IsNullOrWhiteSpace(message) && status is not ("ok" or "changed")
            ? whole ? message.Trim().ReplaceLineEndings("\n") : FirstLine(message)
            : DiffCounts(diff);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

using System.Text;
using System.Text.RegularExpressions;

namespace NetFleet.Lab.Config;

/// <summary>The IOS/EOS output modifiers: <c>| include</c>, <c>| exclude</c>, <c>| begin</c>, <c>| section</c>.</summary>
internal static class OutputFilter
{
    /// <summary>Splits <c>show run | include x</c> into the command and the modifier (null if none).</summary>
    public static (string Command, string? Filter) Split(string line)
    {
        var bar = line.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? (line, null) : (line[..bar].TrimEnd(), line[(bar + 1)..].Trim());
    }

    /// <summary>The filtered output, or null when the modifier is not one of these.</summary>
    public static string? Apply(string output, string filter)
    {
        var parts = filter.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            return null;
        }
        var pattern = parts[1];
        var lines = output.TrimEnd('\n').Split('\n');
        IEnumerable<string>? kept = parts[0].ToLowerInvariant() switch
        {
            "i" or "in" or "inc" or "incl" or "inclu" or "includ" or "include" => lines.Where(l => Matches(l, pattern)),
            "e" or "ex" or "exc" or "excl" or "exclu" or "exclud" or "exclude" => lines.Where(l => !Matches(l, pattern)),
            "b" or "be" or "beg" or "begi" or "begin" => lines.SkipWhile(l => !Matches(l, pattern)),
            "s" or "se" or "sec" or "sect" or "secti" or "sectio" or "section" => Section(lines, pattern),
            _ => null,
        };
        if (kept is null)
        {
            return null;
        }
        var text = new StringBuilder();
        foreach (var line in kept)
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    // Patterns are typed by users; the static Regex methods cache what they build.
    private static bool Matches(string line, string pattern) =>
        Regex.IsMatch(line, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static IEnumerable<string> Section(string[] lines, string pattern)
    {
        var inSection = false;
        foreach (var line in lines)
        {
            var indented = line.StartsWith(' ');
            if (!indented)
            {
                inSection = Matches(line, pattern);
            }
            if (inSection || (indented && Matches(line, pattern)))
            {
                yield return line;
            }
        }
    }
}

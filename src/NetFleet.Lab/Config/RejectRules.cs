using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Config;

/// <summary>Applies the <see cref="DeviceFaults.RejectConfig"/> fault. Every device with the same pattern
/// shares one compiled regex.</summary>
internal static class RejectRules
{
    private static readonly ConcurrentDictionary<string, Regex> Compiled = new();

    /// <summary>Where in <paramref name="line"/> the first rejecting pattern matches, or null.</summary>
    public static int? Find(DeviceFaults faults, string line)
    {
        foreach (var pattern in faults.RejectConfig)
        {
            var regex = Compiled.GetOrAdd(pattern, p => new Regex(p, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
            var match = regex.Match(line);
            if (match.Success)
            {
                return match.Index;
            }
        }
        return null;
    }

    /// <summary>The token a match position falls in, so an error marker can point at the word.</summary>
    public static int TokenAt(IReadOnlyList<CliToken> tokens, int position)
    {
        for (var i = tokens.Count - 1; i >= 0; i--)
        {
            if (tokens[i].Offset <= position)
            {
                return i;
            }
        }
        return 0;
    }
}

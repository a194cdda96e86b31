namespace NetFleet.Lab.Platforms;

/// <summary>Wording the lab's personalities share.</summary>
internal static class LabText
{
    /// <summary>An uptime as IOS and EOS word it: weeks, days and hours when there are any, then the minutes; EOS leaves
    /// out zero minutes after a larger unit (<paramref name="zeroMinutes"/> false), IOS always prints them.</summary>
    public static List<string> UptimeParts(TimeSpan span, bool zeroMinutes)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        var parts = new List<string>();
        void Add(int n, string unit)
        {
            if (n > 0) parts.Add(Count(n, unit));
        }

        Add(span.Days / 7, "week");
        Add(span.Days % 7, "day");
        Add(span.Hours, "hour");
        if (zeroMinutes || span.Minutes > 0 || parts.Count == 0) parts.Add(Count(span.Minutes, "minute"));
        return parts;
    }

    private static string Count(int n, string unit) => $"{n} {unit}{(n == 1 ? "" : "s")}";
}

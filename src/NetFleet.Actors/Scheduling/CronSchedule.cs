using System.Text.RegularExpressions;
using Cronos;

namespace NetFleet.Actors.Scheduling;

/// <summary>
/// A schedule's clock: a cron expression (5 fields, or 6 with seconds first) in an IANA time zone, and the slot arithmetic
/// the <see cref="ScheduleKeeper"/> needs. Cronos rather than Quartz: only next-occurrence arithmetic with time zones
/// (DST included) is needed here; persistence, clustering and exactly-once come from our journal and cluster singleton,
/// and Quartz would bring a second job store beside them.
/// </summary>
public sealed partial class CronSchedule
{
    /// <summary>More occurrences than this between two instants are not walked one by one (a seconds cron over months).</summary>
    private const int MaxWalk = 100_000;

    private readonly CronExpression expression;

    private CronSchedule(string text, CronExpression expression, TimeZoneInfo zone)
    {
        Text = text;
        this.expression = expression;
        Zone = zone;
    }

    public string Text { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The zone's IANA id, as given (UTC when none was).</summary>
    public string ZoneId => Zone.Id;

    /// <summary>The schedule, or what was wrong with the expression or the zone and what was expected instead.</summary>
    public static (CronSchedule? Schedule, string? Error) Parse(string cron, string? timeZone)
    {
        var text = Spaces().Replace(cron.Trim(), " ");
        var fields = text.Length == 0 ? 0 : text.Split(' ').Length;
        CronFormat format;
        if (text.StartsWith('@') || fields == 5) format = CronFormat.Standard;
        else if (fields == 6) format = CronFormat.IncludeSeconds;
        else
        {
            return (null, $"cron '{cron}': {fields} fields; expected 5 (minute hour day-of-month month day-of-week, e.g. '0 * * * *') " +
                "or 6 with seconds first (e.g. '*/20 * * * * *')");
        }

        CronExpression parsed;
        try
        {
            parsed = CronExpression.Parse(text, format);
        }
        catch (CronFormatException e)
        {
            var shape = format == CronFormat.Standard ? "minute hour day-of-month month day-of-week" : "second minute hour day-of-month month day-of-week";
            return (null, $"cron '{cron}': {e.Message} (fields: {shape})");
        }

        var zoneId = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        try
        {
            return (new CronSchedule(text, parsed, TimeZoneInfo.FindSystemTimeZoneById(zoneId)), null);
        }
        catch (TimeZoneNotFoundException)
        {
            return (null, $"time zone '{zoneId}': unknown; expected an IANA zone such as UTC, Europe/Paris or America/New_York");
        }
    }

    /// <summary>The first slot strictly after <paramref name="after"/>, or null when the expression has no more.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => expression.GetNextOccurrence(after, Zone, inclusive: false);

    /// <summary>The latest slot in (<paramref name="after"/>, <paramref name="upTo"/>], or null when there is none.</summary>
    public DateTimeOffset? Latest(DateTimeOffset after, DateTimeOffset upTo)
    {
        DateTimeOffset? latest = null;
        var count = 0;
        // Cronos only walks forward. After MaxWalk slots the walk jumps to the last day before upTo, so a seconds cron over
        // a long outage stays cheap (a cron with no slot in that day then answers the latest slot before the jump).
        var from = after;
        while (true)
        {
            var next = expression.GetNextOccurrence(from, Zone, inclusive: false);
            if (next is not { } slot || slot > upTo) return latest;
            latest = slot;
            from = slot;
            if (++count == MaxWalk)
            {
                var tail = upTo - TimeSpan.FromDays(1);
                if (tail > from) from = tail;
                count = 0;
            }
        }
    }

    /// <summary>A slot's deterministic job id: <c>s-NAME-20261203T120000Z</c>. Fired again after a failover, the slot names
    /// the same job, which the job manager runs at most once.</summary>
    public static string JobId(string schedule, DateTimeOffset slot) =>
        $"s-{schedule}-{slot.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)}";

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

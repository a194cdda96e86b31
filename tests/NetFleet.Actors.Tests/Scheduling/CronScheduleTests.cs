using NetFleet.Actors.Scheduling;

namespace NetFleet.Actors.Tests.Scheduling;

public sealed class CronScheduleTests
{
    private static CronSchedule Parse(string cron, string? zone = null)
    {
        var (schedule, error) = CronSchedule.Parse(cron, zone);
        Assert.True(schedule is not null, error);
        return schedule;
    }

    private static DateTimeOffset Utc(int month, int day, int hour, int minute, int second = 0) => new(2026, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void Five_fields_are_minutes_and_six_fields_start_with_seconds()
    {
        Assert.Equal(Utc(12, 3, 13, 0), Parse("0 * * * *").Next(Utc(12, 3, 12, 0)));
        Assert.Equal(Utc(12, 3, 12, 0, 20), Parse("*/20 * * * * *").Next(Utc(12, 3, 12, 0)));
        Assert.Equal("UTC", Parse("0 * * * *").ZoneId);
    }

    [Theory]
    [InlineData("* * *", "3 fields; expected 5")]
    [InlineData("0 * * * * * *", "7 fields; expected 5")]
    [InlineData("61 * * * *", "minute hour day-of-month month day-of-week")]
    [InlineData("0 0 25 * * *", "second minute hour day-of-month month day-of-week")]
    public void A_bad_expression_is_refused_with_what_was_expected(string cron, string expected)
    {
        var (schedule, error) = CronSchedule.Parse(cron, null);
        Assert.Null(schedule);
        Assert.Contains(expected, error);
        Assert.Contains($"cron '{cron}'", error);
    }

    [Fact]
    public void An_unknown_time_zone_is_refused_naming_what_is_expected()
    {
        var (schedule, error) = CronSchedule.Parse("0 * * * *", "Mars/Olympus");
        Assert.Null(schedule);
        Assert.Contains("time zone 'Mars/Olympus': unknown; expected an IANA zone", error);
    }

    [Fact]
    public void The_latest_missed_slot_is_the_last_one_after_the_cursor_up_to_now_inclusive()
    {
        var every20 = Parse("*/20 * * * * *");
        // Fired 12:00:00, down until 12:01:05: 12:00:20 … 12:01:00 were missed; catch_up once fires 12:01:00 only.
        Assert.Equal(Utc(12, 3, 12, 1, 0), every20.Latest(Utc(12, 3, 12, 0, 0), Utc(12, 3, 12, 1, 5)));
        Assert.Equal(Utc(12, 3, 12, 1, 0), every20.Latest(Utc(12, 3, 12, 0, 0), Utc(12, 3, 12, 1, 0)));
        Assert.Null(every20.Latest(Utc(12, 3, 12, 0, 0), Utc(12, 3, 12, 0, 19)));
        Assert.Null(every20.Latest(Utc(12, 3, 12, 0, 20), Utc(12, 3, 12, 0, 20)));
    }

    [Fact]
    public void A_seconds_cron_over_a_long_outage_still_finds_the_latest_slot()
    {
        Assert.Equal(Utc(12, 3, 12, 0, 0), Parse("* * * * * *").Latest(Utc(9, 1, 0, 0), Utc(12, 3, 12, 0, 0)));
    }

    [Fact]
    public void Slots_follow_the_zone_across_daylight_saving_changes()
    {
        var paris = Parse("0 9 * * *", "Europe/Paris");
        // 09:00 in Paris is 08:00Z in winter and 07:00Z in summer (clocks went forward on 2026-03-29).
        Assert.Equal(Utc(3, 28, 8, 0), paris.Next(Utc(3, 28, 0, 0)));
        Assert.Equal(Utc(3, 29, 7, 0), paris.Next(Utc(3, 28, 8, 0)));

        // 02:30 does not exist on 2026-03-29 in Paris: that day's slot moves to the first instant after the gap (03:00 CEST).
        var night = Parse("30 2 * * *", "Europe/Paris");
        Assert.Equal(Utc(3, 29, 1, 0), night.Next(Utc(3, 28, 12, 0)));
        // 02:30 happens twice on 2026-10-25 (clocks went back): the slot runs once, at the first.
        Assert.Equal(Utc(10, 25, 0, 30), night.Next(Utc(10, 24, 12, 0)));
        Assert.Equal(Utc(10, 26, 1, 30), night.Next(Utc(10, 25, 0, 30)));
    }

    [Fact]
    public void A_slot_job_id_is_the_schedule_and_the_slot_in_UTC()
    {
        Assert.Equal("s-nightly-20261203T120000Z", CronSchedule.JobId("nightly", new DateTimeOffset(2026, 12, 3, 13, 0, 0, TimeSpan.FromHours(1))));
    }
}

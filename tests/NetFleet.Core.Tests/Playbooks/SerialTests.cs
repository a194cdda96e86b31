using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Playbooks;

public class SerialTests
{
    private static Serial Of(params string[] steps) =>
        new(steps.Select(s => s.EndsWith('%') ? new SerialStep(int.Parse(s[..^1]), true) : new SerialStep(int.Parse(s), false)).ToList());

    [Fact]
    public void Percentages_are_of_all_hosts_and_the_last_step_repeats_until_done() =>
        Assert.Equal([1, 4, 22, 18], Of("1", "10%", "50%").BatchSizes(45));

    [Fact]
    public void Small_percentage_still_makes_progress() =>
        Assert.Equal([1, 1, 1], Of("10%").BatchSizes(3));

    [Fact]
    public void Repeated_count_splits_evenly_with_a_short_last_batch() =>
        Assert.Equal([2, 2, 1], Of("2").BatchSizes(5));

    [Fact]
    public void No_serial_or_zero_means_one_batch() =>
        Assert.Equal([[7], [7]], new[] { Serial.All.BatchSizes(7), Of("0").BatchSizes(7) });

    [Fact]
    public void Batches_keep_host_order()
    {
        var batches = Of("1", "50%").Batches(["a", "b", "c", "d"]);

        Assert.Equal([["a"], ["b", "c"], ["d"]], batches);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h30m", 5400)]
    [InlineData("500ms", 0.5)]
    [InlineData("45", 45)]
    [InlineData("2.5", 2.5)]
    public void Durations_parse(string text, double seconds)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("5 minutes")]
    [InlineData("0")]
    [InlineData("-3s")]
    [InlineData("1d")]
    public void Bad_durations_are_rejected(string text) => Assert.False(Duration.TryParse(text, out _));
}

using NetFleet.Cli.Commands;
using NetFleet.Cli.Output;
using NetFleet.Node.History;

namespace NetFleet.Cli.Tests.Output;

public sealed class TextTableTests
{
    private const string Message = "ios-1: % Invalid input detected at '^' marker. The command was rejected by the device and nothing was changed";

    [Fact]
    public void Plain_lines_keep_every_cell_whole_and_aligned_under_its_header()
    {
        var lines = new TextTable(new("device"), new("duration", AlignRight: true), new("detail", Wraps: true))
            .Add("core-router-1", "1m04s", Message)
            .Add("sw-2", "3.2s", "")
            .Lines(width: null);

        Assert.Equal(
        [
            "DEVICE         DURATION  DETAIL",
            "core-router-1     1m04s  " + Message,
            "sw-2               3.2s",
        ], lines);
    }

    [Fact]
    public void A_cell_of_several_lines_continues_in_its_own_column()
    {
        var lines = HistoryHandler.Table(
            [new ChangeRow("0a1b2c3d4e5f", "ios-1", "Push NTP", DateTimeOffset.Now, "before", "after", "+ ntp server 192.0.2.10\n+ ntp server 192.0.2.11")],
            wide: false).Lines(width: null);

        Assert.Equal(["AT", "JOB", "TASK", "DIFF"], Columns(lines[0]));
        var diffColumn = lines[0].IndexOf("DIFF", StringComparison.Ordinal);
        Assert.Equal("+ ntp server 192.0.2.10", lines[1][diffColumn..]);
        Assert.Equal(new string(' ', diffColumn) + "+ ntp server 192.0.2.11", lines[2]);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(80)]
    [InlineData(150)]
    public void On_a_narrow_terminal_only_the_text_column_folds_and_only_at_spaces(int width)
    {
        var lines = new TextTable(new("device"), new("status"), new("detail", Wraps: true))
            .Add("core-router-1", "failed", Message)
            .Lines(width);

        Assert.All(lines, l => Assert.True(l.Length < width || !l.TrimEnd().Contains(' '), l));
        var detailColumn = lines[0].IndexOf("DETAIL", StringComparison.Ordinal);
        var folded = lines.Skip(1).Select(l => l.Length > detailColumn ? l[detailColumn..] : "").ToList();
        Assert.Equal(Message, string.Join(' ', folded));
        Assert.StartsWith("core-router-1  failed", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_word_longer_than_the_room_stays_whole()
    {
        var word = new string('x', 50);
        Assert.Equal(["a", word, "b"], TextTable.WrapAtSpaces($"a {word} b", 10));
    }

    [Theory]
    [InlineData(0.35, "350ms")]
    [InlineData(3.27, "3.2s")]
    [InlineData(64, "1m04s")]
    [InlineData(7380, "2h03m")]
    public void Durations_are_short(double seconds, string shown) => Assert.Equal(shown, Cells.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Times_are_local_to_the_second_and_hashes_and_playbooks_short()
    {
        var at = new DateTimeOffset(2026, 12, 3, 8, 59, 4, 596, TimeSpan.Zero);
        Assert.Equal(at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), Cells.Time(at));
        Assert.Equal("3545fc8302ef", Cells.Hash("3545fc8302ef6987b9f2051570c93ef4efc60dd1866798ed35bf612a73e70837"));
        Assert.Equal("sample", Cells.PlaybookName("/srv/netfleet/playbooks/sample.yaml"));
    }

    internal static string[] Columns(string line) => System.Text.RegularExpressions.Regex.Split(line.Trim(), @"\s{2,}");
}

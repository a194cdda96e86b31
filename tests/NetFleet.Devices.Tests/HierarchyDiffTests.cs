namespace NetFleet.Devices.Tests;

public sealed class HierarchyDiffTests
{
    private const string Before = """
        <configuration>
          <interfaces>
            <interface>
              <name>ge-0/0/0</name>
              <description>core</description>
            </interface>
            <interface>
              <name>ge-0/0/1</name>
            </interface>
          </interfaces>
          <system>
            <host-name>r1</host-name>
          </system>
        </configuration>
        """;

    [Fact]
    public void A_change_is_shown_under_the_lines_that_enclose_it_and_each_enclosing_line_once()
    {
        var after = Before
            .Replace("      <name>ge-0/0/1</name>\n", "      <name>ge-0/0/1</name>\n      <description>uplink</description>\n")
            .Replace("<host-name>r1</host-name>", "<host-name>r9</host-name>");

        Assert.Equal("""
              <configuration>
                <interfaces>
                  <interface>
                    <name>ge-0/0/1</name>
            +       <description>uplink</description>
                <system>
            -     <host-name>r1</host-name>
            +     <host-name>r9</host-name>
            """, ConfigText.HierarchyDiff(Before, after));
    }

    [Fact]
    public void A_removed_section_is_shown_under_its_parents_from_the_old_text()
    {
        var after = Before.Replace("""
                <interface>
                  <name>ge-0/0/0</name>
                  <description>core</description>
                </interface>

            """, "");

        // How the diff aligns the repeated <interface> lines is DiffPlex's choice; what was removed and where is not.
        var diff = ConfigText.HierarchyDiff(Before, after)!.Split('\n');
        Assert.Equal(["  <configuration>", "    <interfaces>"], diff.Take(2));
        Assert.Contains("-       <name>ge-0/0/0</name>", diff);
        Assert.Contains("-       <description>core</description>", diff);
        Assert.Equal(4, diff.Count(l => l.StartsWith("- ", StringComparison.Ordinal)));
        Assert.DoesNotContain(diff, l => l.StartsWith("+ ", StringComparison.Ordinal));
        Assert.Null(ConfigText.HierarchyDiff(Before, Before));
    }
}

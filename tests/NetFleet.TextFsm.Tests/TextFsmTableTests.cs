namespace NetFleet.TextFsm.Tests;

/// <summary>
/// Index rows naming several templates, merged as clitable merges them. The expected tables are
/// what python3-textfsm's clitable gives for the same index, templates and output.
/// </summary>
public sealed class TextFsmTableTests : IDisposable
{
    private const string Ports = """
        Value Key NAME (\S+)
        Value STATUS (\S+)

        Start
          ^port ${NAME} ${STATUS} -> Record
        """;

    private const string PortsWithoutKey = """
        Value NAME (\S+)
        Value STATUS (\S+)

        Start
          ^port ${NAME} ${STATUS} -> Record
        """;

    private const string Speeds = """
        Value Key NAME (\S+)
        Value STATUS (\S+)
        Value SPEED (\S+)

        Start
          ^speed ${NAME} ${SPEED} -> Record
        """;

    private const string Slots = """
        Value SLOT (\d+)
        Value List FLAGS (\S+)

        Start
          ^slot ${SLOT}( ${FLAGS})? -> Record
        """;

    private const string Output = """
        port e1 up
        port e2 down
        port e3 up
        speed e2 10G
        speed e1 1G
        speed e9 40G
        slot 1 x
        slot 2

        """;

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("netfleet-textfsm-table-");
    private readonly TextFsmLibrary library;

    public TextFsmTableTests()
    {
        foreach (var (name, text) in new[] { ("ports.textfsm", Ports), ("ports_nokey.textfsm", PortsWithoutKey), ("speeds.textfsm", Speeds), ("slots.textfsm", Slots) })
        {
            File.WriteAllText(Path.Combine(dir.FullName, name), text);
        }
        File.WriteAllText(Path.Combine(dir.FullName, "index"), """
            Template, Platform, Command

            ports.textfsm:speeds.textfsm, lab, sh[[ow]] ports
            ports_nokey.textfsm:speeds.textfsm, lab, sh[[ow]] nokey
            ports_nokey.textfsm:slots.textfsm, lab, sh[[ow]] slots
            speeds.textfsm:slots.textfsm, lab, sh[[ow]] broken

            """);
        library = TextFsmLibrary.Load(dir.FullName);
    }

    public void Dispose() => dir.Delete(recursive: true);

    private static string[][] Rows(IReadOnlyList<object[]> rows) =>
        rows.Select(row => row.Select(v => v is object?[] list ? "[" + string.Join(",", list) + "]" : (string)v).ToArray()).ToArray();

    [Fact]
    public void A_later_template_adds_its_new_columns_to_the_rows_with_the_same_key_values()
    {
        var table = library.Find("lab", "sh ports")!;

        Assert.Equal("ports.textfsm:speeds.textfsm", table.Name);
        Assert.Equal(["NAME", "STATUS", "SPEED"], table.Header);
        // e2 and e1 come in the other order, e3 has no speed, e9 is in no port row.
        Assert.Equal([["e1", "up", "1G"], ["e2", "down", "10G"], ["e3", "up", ""]], Rows(table.ParseTextToRows(Output)));
    }

    [Fact]
    public void The_key_comes_from_the_first_template_that_declares_one()
    {
        var table = library.Find("lab", "show nokey")!;

        Assert.Equal([["e1", "up", "1G"], ["e2", "down", "10G"], ["e3", "up", ""]], Rows(table.ParseTextToRows(Output)));
    }

    [Fact]
    public void Without_any_key_rows_join_by_position_and_a_missed_list_item_reads_None()
    {
        var table = library.Find("lab", "show slots")!;

        Assert.Equal([["e1", "up", "1", "[x]"], ["e2", "down", "2", "[None]"], ["e3", "up", "", ""]], Rows(table.ParseTextToRows(Output)));
        var second = table.ParseText(Output)[1];
        Assert.Equal(new object?[] { "None" }, (object?[])second["flags"]);
    }

    [Fact]
    public void The_template_alone_keeps_null_for_a_list_item_that_did_not_take_part()
    {
        var record = TextFsmTemplate.Parse(Slots).ParseText(Output)[1];

        Assert.Equal(new object?[] { null }, (object?[])record["flags"]);
    }

    [Fact]
    public void A_key_missing_from_a_later_template_names_the_index_row()
    {
        var error = Assert.Throws<TemplateException>(() => library.Find("lab", "show broken"));

        Assert.Contains("index:6", error.Message);
        Assert.Contains("Key column 'NAME'", error.Message);
    }

    [Fact]
    public void One_template_is_a_table_of_its_own_records()
    {
        var table = new TextFsmTable([TextFsmTemplate.Parse(Ports, "ports")]);

        Assert.Equal("ports", table.Name);
        Assert.Equal([["e1", "up"], ["e2", "down"], ["e3", "up"]], Rows(table.ParseTextToRows(Output)));
    }
}

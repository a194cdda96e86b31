namespace NetFleet.TextFsm.Tests;

public class IndexTests
{
    [Theory]
    [InlineData("sh[[ow]] ver[[sion]]", "sh(o(w)?)? ver(s(i(o(n)?)?)?)?")]
    [InlineData("show vlan", "show vlan")]
    public void Completion_expands_like_clitable(string command, string expected)
    {
        Assert.Equal(expected, TextFsmIndex.ExpandCompletion(command));
    }

    [Theory]
    [InlineData("cisco_ios", "sh ver", "cisco_ios_show_version.textfsm")]
    [InlineData("cisco_ios", "show version", "cisco_ios_show_version.textfsm")]
    [InlineData("cisco_ios", "show ip interface brief", "cisco_ios_show_ip_interface_brief.textfsm")]
    [InlineData("cisco_ios", "show ip bgp neighbors 10.0.0.1 advertised-routes", "cisco_ios_show_ip_bgp_neighbors_advertised-routes.textfsm")]
    [InlineData("arista_eos", "sh ip int br", "arista_eos_show_ip_interface_brief.textfsm")]
    // Rows match at the start of the command only, as in clitable: "show interfaces terse" takes this row too.
    [InlineData("juniper_junos", "show interfaces terse", "juniper_junos_show_interfaces.textfsm")]
    public void The_ntc_templates_index_chooses_by_platform_and_abbreviated_command(string platform, string command, string template)
    {
        var index = TextFsmIndex.Load(Path.Combine(Shared.Conformance, "templates", "index"));
        Assert.Equal([template], index.Find(platform, command)!.Templates);
    }

    [Fact]
    public void An_unknown_command_finds_nothing()
    {
        Assert.Null(TextFsmLibrary.Builtin.Find("cisco_ios", "show running-config"));
        Assert.Null(TextFsmLibrary.Builtin.Find("nokia_sros", "show version"));
    }

    [Fact]
    public void Hostname_column_restricts_rows()
    {
        var index = TextFsmIndex.Parse("Template, Hostname, Platform, Command\n\na.textfsm, core.*, cisco_ios, sh[[ow]] ver[[sion]]\nb.textfsm, .*, cisco_ios, sh[[ow]] ver[[sion]]\n");
        Assert.Equal(["a.textfsm"], index.Find("cisco_ios", "show version", "core1")!.Templates);
        Assert.Equal(["b.textfsm"], index.Find("cisco_ios", "show version", "edge1")!.Templates);
    }

    [Fact]
    public void Every_builtin_index_row_names_a_template_that_parses()
    {
        foreach (var entry in TextFsmLibrary.Builtin.Index.Entries)
        {
            Assert.NotNull(TextFsmLibrary.Builtin.Template(entry.Templates[0]));
        }
        Assert.Equal(6, TextFsmLibrary.Builtin.Index.Entries.Count());
    }
}

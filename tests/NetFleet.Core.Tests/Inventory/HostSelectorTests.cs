using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;

namespace NetFleet.Core.Tests.Inventory;

public class HostSelectorTests
{
    private static readonly NetFleet.Core.Inventory.Inventory Inventory =
        InventoryLoader.Load(TestFiles.Path("Inventory", "Good")).Inventory!;

    [Theory]
    [InlineData("all", "lon-r1 lon-r2 lon-sw1 nyc-r1 nyc-sw1 ios-1")]
    [InlineData("lon-*", "lon-r1 lon-r2 lon-sw1")]
    [InlineData("ios-?", "ios-1")]
    [InlineData("ios", "lon-r1 lon-r2 ios-1")]
    [InlineData("lab", "lon-r1 lon-r2 lon-sw1 nyc-r1 nyc-sw1 ios-1")]
    [InlineData("nyc-r1,lon-r1", "lon-r1 nyc-r1")]
    [InlineData("lon-*,&ios", "lon-r1 lon-r2")]
    [InlineData("&ios,lon-*", "lon-r1 lon-r2")]
    [InlineData("all,!ios", "lon-sw1 nyc-r1 nyc-sw1")]
    [InlineData("!ios", "lon-sw1 nyc-r1 nyc-sw1")]
    [InlineData("ios,!lon-r2", "lon-r1 ios-1")]
    [InlineData("data.site == \"nyc\"", "nyc-r1 nyc-sw1")]
    [InlineData("data.site != 'lon',&eos", "nyc-sw1")]
    [InlineData("platform == \"cisco_ios\",!london", "ios-1")]
    [InlineData("data.vlans.mgmt == 10", "lon-r2")]
    [InlineData("port == 2222", "lon-sw1 nyc-sw1")]
    [InlineData("data.role == \"core, edge\",lon-sw1", "lon-sw1")]
    public void Selects_hosts_with_ansible_semantics(string pattern, string expected)
    {
        var selection = Inventory.Select(pattern);

        Assert.Empty(selection.Diagnostics);
        Assert.Equal(expected, string.Join(' ', selection.Hosts.Select(h => h.Name)));
    }

    [Fact]
    public void Unknown_name_is_an_error_with_did_you_mean_at_its_offset()
    {
        var selection = Inventory.Select("lon-*,lno-r1");

        var d = Assert.Single(selection.Diagnostics);
        InventoryLoaderTests.AssertDiagnostic(d, DiagnosticCodes.UnknownHostOrGroup, 1, 7, "unknown host or group 'lno-r1'", "did you mean 'lon-r1'?");
        Assert.Equal("--limit", d.File);
        Assert.Empty(selection.Hosts);
    }

    [Fact]
    public void Unknown_group_suggests_a_group()
    {
        var d = Assert.Single(Inventory.Select("!londn").Diagnostics);

        Assert.Equal("did you mean 'london'?", d.Hint);
        Assert.Equal(2, d.Column);
    }

    [Fact]
    public void Unknown_filter_field_suggests_the_right_one()
    {
        var d = Assert.Single(Inventory.Select("plaform == \"cisco_ios\"").Diagnostics);

        InventoryLoaderTests.AssertDiagnostic(d, DiagnosticCodes.BadSelection, 1, 1, "unknown host field 'plaform'", "did you mean 'platform'?");
    }

    [Fact]
    public void Glob_matching_nothing_is_only_a_warning()
    {
        var selection = Inventory.Select("sfo-*,ios-1");

        Assert.Equal(Severity.Warning, Assert.Single(selection.Diagnostics).Severity);
        Assert.Equal("ios-1", Assert.Single(selection.Hosts).Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lon-r1,!")]
    [InlineData("data.site ==")]
    public void Malformed_patterns_are_errors(string pattern)
    {
        Assert.Contains(Inventory.Select(pattern).Diagnostics, d => d.IsError && d.Code == DiagnosticCodes.BadSelection);
    }
}

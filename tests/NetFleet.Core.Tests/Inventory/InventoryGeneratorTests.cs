using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Inventory;

public sealed class InventoryGeneratorTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("netfleet-generated-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private NetFleet.Core.Inventory.Inventory Generate(int hosts, int sites)
    {
        InventoryGenerator.Write(new GeneratedInventorySpec(hosts, sites, Port: 2222), directory);
        var result = InventoryLoader.Load(directory);
        Assert.Empty(result.Diagnostics);
        return result.Inventory!;
    }

    [Fact]
    public void Generated_inventory_loads_and_the_sample_playbook_validates_against_it()
    {
        Generate(90, 3);

        var diagnostics = PlaybookValidator.Validate(TestFiles.RepositoryPath("playbooks", "sample.yaml"), directory);

        Assert.DoesNotContain(diagnostics, d => d.IsError);
    }

    [Fact]
    public void Hosts_are_spread_evenly_over_sites_with_every_platform_in_each()
    {
        var inventory = Generate(90, 3);

        Assert.Equal(90, inventory.Hosts.Count);
        Assert.Equal(90, inventory.Hosts.Select(h => h.Hostname).Distinct().Count());
        Assert.All(inventory.Hosts, h => Assert.StartsWith("127.", h.Hostname, StringComparison.Ordinal));
        Assert.All(inventory.Hosts, h => Assert.Equal(2222, h.Port));
        foreach (var site in new[] { "site-1", "site-2", "site-3" })
        {
            var selection = inventory.Select($"data.site == \"{site}\"");
            Assert.Equal(30, selection.Hosts.Count);
            Assert.Equal(["arista_eos", "cisco_ios", "juniper_junos"], selection.Hosts.Select(h => h.Platform).Distinct().Order());
            Assert.Equal(["access", "core", "distribution"], selection.Hosts.Select(h => (string)h.Data["role"]!).Distinct().Order());
        }
    }

    [Fact]
    public void Hosts_inherit_from_site_region_role_and_defaults_and_keep_their_own_data()
    {
        var inventory = Generate(90, 3);
        var hosts = inventory.Select("data.site == \"site-2\",&access,&ios").Hosts;
        var (first, second) = (hosts[0], hosts[1]);

        Assert.Equal(["site-2", "region-amer", "access", "managed", "ios"], first.AllGroups);
        Assert.Equal(first.AllGroups, second.AllGroups);
        Assert.Equal(("amer", true, "fleet.example", "netops"), ((string)first.Data["region"]!, (bool)first.Data["backup"]!, (string)first.Data["domain"]!, first.Username));
        Assert.NotEqual(first.Data["serial"], second.Data["serial"]);
        Assert.Equal((first.Name, "${env:NETFLEET_PASSWORD}"), (first.Password!.Host, first.Password.ToString()));
        Assert.Equal(second.Name, second.Password!.Host);
    }

    [Theory]
    [InlineData(0, 1, 22, "--hosts 0")]
    [InlineData(10, 11, 22, "--sites 11")]
    [InlineData(10, 0, 22, "--sites 0")]
    [InlineData(10, 2, 70000, "--port 70000")]
    public void Impossible_specs_are_refused_naming_the_option(int hosts, int sites, int port, string named)
    {
        Assert.StartsWith(named, new GeneratedInventorySpec(hosts, sites, port).Problem(), StringComparison.Ordinal);
    }
}

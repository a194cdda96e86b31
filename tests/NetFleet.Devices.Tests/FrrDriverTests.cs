using NetFleet.Devices.Platforms;

namespace NetFleet.Devices.Tests;

/// <summary>
/// The driver against a real FRR 8.4 over SSH: a private sshd on 127.0.3.1 whose ForceCommand is vtysh on the
/// <see cref="FrrRouter"/>, so a login lands in vtysh as it does on a router whose login shell is vtysh.
/// </summary>
[Collection(FrrRouterCollection.Name)]
public sealed class FrrDriverTests(FrrRouter router)
{
    private static readonly ConfigTransaction Merge = new("netfleet-frr-test", 5) { Strategy = ConfigStrategy.Merge };

    private async Task<DeviceDriver> OpenAsync()
    {
        var driver = DeviceDriver.Create(router.Options());
        await driver.OpenAsync();
        return driver;
    }

    [Fact]
    public async Task Opens_in_vtysh_privileged_and_runs_show_commands()
    {
        await router.BaselineAsync();
        await using var driver = await OpenAsync();

        Assert.IsType<Frr>(driver.Platform);
        Assert.Equal("r1#", driver.Prompt);
        var version = await driver.RunCommandAsync("show version");
        Assert.StartsWith("FRRouting 8.4.4 (r1)", version.Output, StringComparison.Ordinal);
        var bgp = await driver.RunCommandAsync("show bgp summary json");
        Assert.Contains("\"198.18.0.1\"", bgp.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_is_applied_with_its_diff_and_is_not_sent_again()
    {
        await router.BaselineAsync();
        await using var driver = await OpenAsync();
        string[] change = ["router bgp 65001", " neighbor 198.18.0.7 remote-as 65007", " address-family ipv4 unicast",
            "  neighbor 198.18.0.7 route-map RM-OUT out", " exit-address-family", "exit", "interface eth1", " ip ospf cost 30"];

        var applied = await driver.ApplyConfigAsync(change);

        Assert.True(applied.Changed);
        Assert.Equal("""
              router bgp 65001
            +  neighbor 198.18.0.7 remote-as 65007
               address-family ipv4 unicast
            +   neighbor 198.18.0.7 route-map RM-OUT out
              interface eth1
            -  ip ospf cost 10
            +  ip ospf cost 30
            """, applied.Diff);
        Assert.Equal("r1#", driver.Prompt);
        var running = await router.RunningConfigAsync();
        Assert.Contains("  neighbor 198.18.0.7 route-map RM-OUT out", running, StringComparison.Ordinal);
        Assert.Contains(" ip ospf cost 30", running, StringComparison.Ordinal);
        Assert.False((await driver.ApplyConfigAsync(change)).Changed);
    }

    [Theory]
    [InlineData("foo bar", "% Unknown command")]
    [InlineData(" network 198.18.0.0/31 area 1", "There is already same network statement")]
    public async Task A_rejected_line_fails_in_the_devices_words_and_leaves_configuration_mode(string line, string answer)
    {
        await router.BaselineAsync();
        await using var driver = await OpenAsync();

        var rejected = await Assert.ThrowsAsync<CommandRejectedException>(() => driver.ApplyConfigAsync(["router ospf", line]));

        Assert.Equal(line.Trim(), rejected.Command.Trim());
        Assert.StartsWith(answer, rejected.DeviceMessage, StringComparison.Ordinal);
        Assert.Equal("r1#", driver.Prompt);
        Assert.StartsWith("FRRouting", (await driver.RunCommandAsync("show version")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replace_is_missing_in_an_operators_words_and_auto_merges()
    {
        await router.BaselineAsync();
        await using var driver = await OpenAsync();

        var unsupported = await Assert.ThrowsAsync<TransactionUnsupportedException>(() => driver.ApplyTransactionAsync(
            ["router bgp 65001", " neighbor 198.18.0.1 description r2-new"], Merge with { Strategy = ConfigStrategy.Replace }));
        Assert.Contains("commit confirmed", unsupported.Message, StringComparison.Ordinal);
        Assert.Contains("transaction: merge", unsupported.Message, StringComparison.Ordinal);

        var auto = await driver.ApplyTransactionAsync(["router bgp 65001", " neighbor 198.18.0.1 description r2-new"], Merge with { Strategy = null });
        Assert.Equal(ConfigStrategy.Merge, auto.Strategy);
        Assert.Contains(" neighbor 198.18.0.1 description r2-new", await router.RunningConfigAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merge_rejected_half_way_restores_the_backup_verified()
    {
        var backup = await router.BaselineAsync();
        await using var driver = await OpenAsync();

        var rejected = await Assert.ThrowsAsync<CommandRejectedException>(() => driver.ApplyTransactionAsync(
            ["router bgp 65001", " neighbor 198.18.0.1 remote-as 65003", " neighbor 198.18.0.8 remote-as 65008", " exit", "interface eth1",
             " description changed", " no ip address 198.18.0.0/31", "router ospf", " network 198.18.0.0/31 area 9"], Merge));

        Assert.Contains("verified: the running configuration equals it", rejected.DeviceMessage, StringComparison.Ordinal);
        Assert.Equal(ConfigText.Significant(backup), ConfigText.Significant(await router.RunningConfigAsync()));
    }

    [Fact]
    public async Task A_restore_after_a_wrong_remote_as_and_a_removed_neighbour_brings_the_backup_back_exactly()
    {
        var backup = await router.BaselineAsync();
        await using var driver = await OpenAsync();
        await driver.ApplyTransactionAsync(["router bgp 65001", " neighbor 198.18.0.1 remote-as 65003", " no neighbor 198.18.0.1 description",
            " address-family ipv4 unicast", "  no network 198.18.10.0/24", " exit-address-family", "exit", "no route-map RM-OUT permit 10",
            "no ip route 198.18.10.0/24 Null0"], Merge);
        Assert.False(ConfigText.Same(await router.RunningConfigAsync(), backup));

        var after = await driver.RestoreConfigAsync(backup, null);

        Assert.Equal(ConfigText.Significant(backup), ConfigText.Significant(after));
        Assert.Equal(ConfigText.Significant(backup), ConfigText.Significant(await router.RunningConfigAsync()));
    }

    [Fact]
    public async Task Write_memory_saves_the_running_configuration_to_frr_conf()
    {
        await router.BaselineAsync();
        await using var driver = await OpenAsync();
        var saved = Path.Combine(router.Dir, "frr.conf");
        File.Delete(saved);

        await driver.ApplyConfigAsync(["ip route 198.18.50.0/24 Null0"]);
        var output = await driver.RunCommandAsync(driver.Platform.SaveConfigCommand!);

        Assert.Contains("[OK]", output.Output, StringComparison.Ordinal);
        Assert.Contains("ip route 198.18.50.0/24 Null0", await File.ReadAllTextAsync(saved), StringComparison.Ordinal);
    }
}

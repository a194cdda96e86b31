using NetFleet.Devices;
using NetFleet.Devices.Platforms;

namespace NetFleet.Devices.Tests;

/// <summary>What a change still lacks, compared section by section: the idempotency of config tasks.</summary>
public sealed class PendingLinesTests
{
    private const string Running = """
        Building configuration...

        Current configuration : 512 bytes
        ! Last configuration change at 10:01:02 UTC Thu Dec 3 2026
        version 15.7
        hostname r1
        !
        interface GigabitEthernet0/1
         description uplink
         ip address 10.0.0.1   255.255.255.252
         duplex auto
        !
        interface GigabitEthernet0/2
         description spare
         no ip address
         shutdown
        !
        ntp server 10.255.0.1
        ntp server 192.0.2.10 prefer
        !
        end
        """;

    private static IReadOnlyList<string> Pending(params string[] lines) => ConfigText.IndentedPending(lines, Running);

    [Fact]
    public void Lines_already_there_are_not_pending_even_with_other_spacing()
    {
        Assert.Empty(Pending("ntp server 10.255.0.1", "interface GigabitEthernet0/1", " ip address 10.0.0.1 255.255.255.252"));
    }

    [Fact]
    public void A_child_is_looked_for_under_its_own_parent_only()
    {
        // 'description spare' exists, but under Gi0/2: on Gi0/1 it is a change, sent with its parent.
        Assert.Equal(["interface GigabitEthernet0/1", " description spare"],
            Pending("interface GigabitEthernet0/1", " description spare", " duplex auto"));
    }

    [Fact]
    public void A_parent_whose_children_are_all_there_is_not_sent()
    {
        Assert.Empty(Pending("interface GigabitEthernet0/2", " description spare", " shutdown"));
        Assert.Equal(["interface GigabitEthernet0/3", " description new"], Pending("interface GigabitEthernet0/3", " description new"));
    }

    [Fact]
    public void Negations_hold_when_the_line_they_remove_is_absent_or_shown_as_a_negation()
    {
        Assert.Empty(Pending("no ntp server 198.51.100.1", "interface GigabitEthernet0/2", " no ip address"));
        // 'ntp server 192.0.2.10 prefer' starts with what the negation removes: it is still there.
        Assert.Equal(["no ntp server 192.0.2.10"], Pending("no ntp server 192.0.2.10"));
        Assert.Equal(["interface GigabitEthernet0/2", " no shutdown"], Pending("interface GigabitEthernet0/2", " no shutdown"));
    }

    [Fact]
    public void Prefix_of_a_present_line_is_not_the_line()
    {
        Assert.Equal(["ntp server 192.0.2.10"], Pending("ntp server 192.0.2.10"));
    }

    [Fact]
    public void Volatile_header_lines_and_separators_are_never_compared_or_sent()
    {
        Assert.Empty(Pending("!", "hostname r1", "end"));
    }

    [Fact]
    public void Junos_set_lines_are_there_when_display_set_shows_them_and_deletes_hold_when_nothing_is_under_the_path()
    {
        var junos = PlatformCatalog.Find("juniper_junos")!;
        const string config = """
            set version 21.4R3
            set system host-name j1
            set system ntp server 10.255.0.1
            set snmp location rack-1
            """;

        Assert.Empty(junos.PendingLines(["set system ntp server  10.255.0.1", "delete system ntp server 192.0.2.1"], config));
        Assert.Equal(["set system ntp server 192.0.2.1", "delete snmp location"],
            junos.PendingLines(["set system ntp server 192.0.2.1", "delete snmp location", "set system host-name j1"], config));
    }

    [Fact]
    public void Capabilities_pick_the_strongest_strategy_the_device_has()
    {
        Assert.Equal(ConfigStrategy.Replace, DeviceCapabilities.All("probe").Strongest);
        var noArchive = DeviceCapabilities.All("probe").Without(ConfigStrategy.Replace, "a configuration archive");
        Assert.Equal(ConfigStrategy.Merge, noArchive.Strongest);
        Assert.False(noArchive.Supports(ConfigStrategy.Replace));
        var error = new TransactionUnsupportedException("ios-9", ConfigStrategy.Replace, noArchive.Missing[ConfigStrategy.Replace]);
        Assert.Contains("a configuration archive", error.Message);
        Assert.Contains("transaction: merge", error.Message);
    }
}

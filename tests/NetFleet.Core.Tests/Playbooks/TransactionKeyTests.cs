using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Playbooks;

/// <summary>The play's and the host's <c>transaction:</c>, and how a wrong value is reported.</summary>
public sealed class TransactionKeyTests
{
    [Fact]
    public void Play_transaction_is_read_and_absent_means_not_set()
    {
        var (result, _) = PlaybookSnippet.Load("""
            - hosts: all
              transaction: merge
              tasks:
                - config: {lines: [ntp server 192.0.2.1]}
            - hosts: all
              tasks:
                - config: {lines: [ntp server 192.0.2.1]}
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(TransactionMode.Merge, result.Playbook!.Plays[0].Transaction);
        Assert.Null(result.Playbook.Plays[1].Transaction);
    }

    [Fact]
    public void A_misspelt_play_transaction_is_an_error_at_its_value_with_a_suggestion()
    {
        var (result, path) = PlaybookSnippet.Load("""
            - hosts: all
              transaction: replase
              tasks:
                - config: {lines: [ntp server 192.0.2.1]}
            """);

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((path, 2, 16, DiagnosticCodes.InvalidValue), (d.File, d.Line, d.Column, d.Code));
        Assert.Equal("'replase' is not a transaction strategy", d.Message);
        Assert.Equal("did you mean 'replace'?", d.Hint);
    }

    [Fact]
    public void Host_transaction_inherits_from_groups_and_defaults_and_the_nearest_wins()
    {
        var dir = Directory.CreateTempSubdirectory("netfleet-transaction-inventory-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "hosts.yaml"), """
                old-1: {hostname: 127.0.0.1, groups: [legacy]}
                old-2: {hostname: 127.0.0.1, groups: [legacy], transaction: none}
                new-1: {hostname: 127.0.0.1}
                """);
            File.WriteAllText(Path.Combine(dir, "groups.yaml"), "legacy: {transaction: merge}\n");
            File.WriteAllText(Path.Combine(dir, "defaults.yaml"), "platform: cisco_ios\ntransaction: auto\n");

            var inventory = InventoryLoader.Load(dir).Inventory!;

            Assert.Equal(TransactionMode.Merge, inventory.FindHost("old-1")!.Transaction);
            Assert.Equal(TransactionMode.None, inventory.FindHost("old-2")!.Transaction);
            Assert.Equal(TransactionMode.Auto, inventory.FindHost("new-1")!.Transaction);

            File.WriteAllText(Path.Combine(dir, "groups.yaml"), "legacy: {transaction: merged}\n");
            var bad = InventoryLoader.Load(dir);
            Assert.Null(bad.Inventory);
            var d = Assert.Single(bad.Diagnostics);
            Assert.Equal((Path.Combine(dir, "groups.yaml"), 1, 23), (d.File, d.Line, d.Column));
            Assert.Equal("did you mean 'merge'?", d.Hint);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

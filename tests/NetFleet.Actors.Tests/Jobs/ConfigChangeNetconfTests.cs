using NetFleet.Actors.Jobs;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;
using NetFleet.Devices;
using Xunit;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Tests.Jobs;

/// <summary>The change state machine with a NETCONF edit: the same transaction as CLI lines, through the NETCONF requests,
/// journaled with its transport so a rollback or a resumed job takes the NETCONF way back.</summary>
public sealed class ConfigChangeNetconfTests
{
    private const string Before = "<data xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <system>\n    <host-name>r1</host-name>\n  </system>\n</data>";
    private const string After = "<data xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <system>\n    <host-name>r2</host-name>\n  </system>\n</data>";
    private static readonly JobJournal.StepKey Key = new("r1", 0, 0, 0);

    private static ConfigChange Change(IReadOnlyList<PostCheck>? checks = null) => new(
        new ConfigChange.Setup("job1", Key, "hostname", "netconf", new NetconfEditConfig("<system><host-name>r2</host-name></system>", null, null, null), 5,
            checks ?? [], null, VariableScope.Empty, (_, _) => throw new InvalidOperationException("CLI lines only"), () => false),
        Serilog.Core.Logger.None);

    private static DeviceRequestCompleted Done(string? output, bool changed = false, string? diff = null, string? strategy = null) =>
        new("r1", 1, output, changed, diff, TimeSpan.Zero, TimeSpan.Zero) { Strategy = strategy };

    private static DeviceRequest Sent(IReadOnlyList<ConfigChange.Effect> effects) => Assert.Single(effects.OfType<ConfigChange.Send>()).Request;

    [Fact]
    public void A_netconf_change_reads_running_edits_under_a_persist_token_confirms_it_and_reads_back()
    {
        var change = Change();
        Assert.IsType<NetconfReadConfig>(Sent(change.Start()));

        var edit = Assert.IsType<NetconfEditConfig>(Sent(change.Completed(Done(Before))));
        Assert.Equal((Before, 5), (edit.Backup, edit.ConfirmMinutes));
        Assert.StartsWith("netfleet-", edit.Transaction, StringComparison.Ordinal);

        var confirming = change.Completed(Done(edit.Transaction, changed: true, diff: "-     <host-name>r1</host-name>\n+     <host-name>r2</host-name>",
            strategy: "confirmed-commit"));
        var applied = Assert.IsType<JobJournal.ChangeApplied>(Assert.IsType<ConfigChange.Record>(confirming[0]).Event);
        Assert.Equal(("netconf", "confirmed-commit", edit.Transaction), (applied.Transport, applied.Strategy, applied.RestorePoint));
        var confirm = Assert.IsType<NetconfConfirm>(Sent(confirming));
        Assert.Equal((edit.Transaction, "confirmed-commit"), (confirm.Transaction, confirm.Strategy));

        Assert.IsType<NetconfReadConfig>(Sent(change.Completed(Done(null, changed: true, strategy: "confirmed-commit"))));
        var finish = Assert.Single(change.Completed(Done(After)).OfType<ConfigChange.Finish>());
        Assert.Contains("NETCONF confirmed-commit", finish.Result.Message, StringComparison.Ordinal);
        Assert.Equal("confirmed-commit", finish.Result.Data["transaction"]);
    }

    [Fact]
    public void A_failed_post_check_restores_through_netconf_and_verifies_the_read_back_against_the_backup()
    {
        var check = new PostCheck("tcp", null, [], TemplateText.Parse("127.0.0.1:1", out _), null, null, null, new SourceLocation("play.yaml", 1, 1));
        var change = Change([check]);
        change.Start();
        var edit = (NetconfEditConfig)Sent(change.Completed(Done(Before)));
        change.Completed(Done(edit.Transaction, changed: true, diff: "+ x", strategy: "confirmed-commit"));

        var restore = Assert.IsType<NetconfRestore>(Sent(change.CheckDone(0, "connection refused")));
        Assert.Equal((Before, edit.Transaction, "confirmed-commit"), (restore.Backup, restore.Transaction, restore.Strategy));
        var finish = Assert.Single(change.Completed(Done(Before)).OfType<ConfigChange.Finish>());
        Assert.True(finish.Result.Failed);
        Assert.Contains("verified: the running configuration equals it", finish.Result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recorded_netconf_change_is_read_and_restored_the_netconf_way_and_a_cli_one_the_cli_way()
    {
        var netconf = new JobJournal.ChangeApplied("job1", DateTimeOffset.UtcNow, "r1", 0, 0, 0, "netfleet-abc", "+ x", "netfleet-abc", 5, Before)
        {
            Strategy = "confirmed-commit", Transport = "netconf",
        };
        var cli = netconf with { Transport = null, Strategy = "replace", RestorePoint = "flash:a" };

        Assert.IsType<NetconfReadConfig>(ConfigChangeKind.ReadFor(netconf));
        Assert.Equal(new NetconfRestore(Before, "netfleet-abc", "confirmed-commit"), ConfigChangeKind.RestoreFor(netconf));
        Assert.IsType<ReadConfig>(ConfigChangeKind.ReadFor(cli));
        Assert.Equal(new RestoreConfig(Before, "flash:a", "netfleet-abc"), ConfigChangeKind.RestoreFor(cli));
    }
}

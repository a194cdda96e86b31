using System.Collections.Concurrent;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;
using NetFleet.Devices;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>IOS devices as operators meet them (no archive, no configure replace, enable without a secret, an old
/// image with a MOTD, a privilege-15 login with a slow show running-config), one device per test, plus an EOS and a
/// Junos device for the sample playbooks.</summary>
public sealed class TransactionLab() : JobLab("netfleet-transaction-test-", port => new LabSpec(port, TimeSpan.FromMilliseconds(1500),
    [
        Ios("auto-classic", 1, Variant(IosVariants.Classic)),
        Ios("auto-noarchive", 2, Variant(IosVariants.NoArchive)),
        Ios("auto-legacy", 3, Variant(IosVariants.Legacy)),
        Ios("auto-privileged", 4, Variant(IosVariants.Privileged)),
        Ios("auto-oldarchive", 5, ArchiveWithoutReplace),
        Ios("replace-noarchive", 6, Variant(IosVariants.NoArchive)),
        Ios("replace-legacy", 7, Variant(IosVariants.Legacy)),
        Ios("replace-oldarchive", 8, ArchiveWithoutReplace),
        Ios("check-noarchive", 9, Variant(IosVariants.NoArchive)),
        Ios("check-legacy", 10, Variant(IosVariants.Legacy)),
        Ios("reject-noarchive", 11, Variant(IosVariants.NoArchive), new DeviceFaults { RejectConfig = [@"^ntp server 198\.51\.100\."] }),
        Ios("none-legacy", 12, Variant(IosVariants.Legacy)),
        Ios("merge-classic", 13, Variant(IosVariants.Classic)),
        // Thirty lines span the 31st command of a session: the connection drops half-way through the merge.
        Ios("drop-noarchive", 14, Variant(IosVariants.NoArchive), new DeviceFaults { DropAfterCommands = 30 }),
        Ios("sample-classic", 21, Variant(IosVariants.Classic)),
        Ios("sample-noarchive", 22, Variant(IosVariants.NoArchive)),
        Ios("sample-legacy", 23, Variant(IosVariants.Legacy)),
        Ios("sample-privileged", 24, Variant(IosVariants.Privileged)),
        new LabDevice("sample-eos", "127.0.12.25", "arista_eos", DeviceFaults.None),
        new LabDevice("sample-junos", "127.0.12.26", "juniper_junos", DeviceFaults.None),
    ]))
{
    private static IosCapabilities Variant(string name) => IosVariants.Find(name)!;

    private static LabDevice Ios(string name, int octet, IosCapabilities capabilities, DeviceFaults? faults = null) =>
        new(name, $"127.0.12.{octet}", "cisco_ios", faults ?? DeviceFaults.None) { Capabilities = capabilities };

    /// <summary>An image whose archive works but that predates <c>configure replace</c> (12.3(4)T): the probe cannot tell.</summary>
    private static readonly IosCapabilities ArchiveWithoutReplace = new() { Archive = true, ConfigureReplace = false };

    public IReadOnlyList<CommandLogEntry> ConfigurationLines(string device) =>
        [.. Host.CommandLog(device).Where(e => e.InConfigurationMode)];
}

public sealed class TransactionMatrixTests(TransactionLab lab) : IClassFixture<TransactionLab>, IAsyncLifetime
{
    private JobRunner runner = null!;
    private readonly ConcurrentQueue<JobEvent> events = new();

    public Task InitializeAsync()
    {
        runner = JobRunner.Start(Serilog.Core.Logger.None);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await runner.DisposeAsync();

    private Task<JobSummary> RunAsync(string yaml, string limit)
    {
        var path = Path.Combine(lab.Scratch, $"play-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return RunFileAsync(path, limit);
    }

    private async Task<JobSummary> RunFileAsync(string path, string limit)
    {
        var loaded = PlaybookLoader.Load(path);
        var playbook = loaded.Playbook ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
        var options = new JobOptions("tester") { Limit = limit, KnownHostsPath = lab.KnownHosts, IdleTimeout = TimeSpan.FromSeconds(2) };
        return await runner.RunAsync(path, playbook, lab.Inventory, options, events.Enqueue, CancellationToken.None);
    }

    /// <summary>A top-level line and a line under an interface: section-aware comparison decides what a rerun sends.</summary>
    private static string Play(string server, string description, string transaction = "", string checks = "") => $$"""
        - name: ntp and a description
          hosts: all
          confirm_minutes: 2
        {{transaction}}
        {{checks}}
          tasks:
            - name: Push
              config:
                lines:
                  - ntp server {{server}}
                  - interface GigabitEthernet0/2
                  - " description {{description}}"
        """;

    private const string FailingCheck = """
          post_checks:
            - name: version says 99
              command: show version
              that: ["output | string.contains 'Version 99.9'"]
        """;

    [Theory]
    [InlineData("auto-classic", "replace")]
    [InlineData("auto-noarchive", "merge")]
    [InlineData("auto-legacy", "merge")]
    [InlineData("auto-privileged", "replace")]
    [InlineData("auto-oldarchive", "merge")]
    public async Task Auto_takes_the_strongest_safety_net_the_device_has_and_a_rerun_sends_nothing_in_configuration_mode(
        string device, string strategy)
    {
        var first = await RunAsync(Play("192.0.2.31", "to-core"), device);

        var pushed = Assert.Single(first.Results);
        Assert.True(pushed.Outcome == TaskOutcome.Changed, pushed.Message);
        Assert.Equal(strategy, pushed.Transaction);
        // The diff is the change: the pushed lines, not the timestamps the device rewrites on every change.
        Assert.Equal(["+  description to-core", "+ ntp server 192.0.2.31"], pushed.Diff!.Split('\n').Order(StringComparer.Ordinal));
        Assert.Equal(strategy, first.Recap.Single().Transactions);
        Assert.Contains("ntp server 192.0.2.31", lab.Running(device));
        Assert.Contains(" description to-core", lab.Running(device));
        Assert.Null(lab.Host.StateOf(device).Read(s => s.PendingRevert));

        var config = lab.Running(device);
        lab.Host.ClearCommandLog(device);
        var again = await RunAsync(Play("192.0.2.31", "to-core"), device);

        var rerun = Assert.Single(again.Results);
        Assert.Equal(TaskOutcome.Ok, rerun.Outcome);
        Assert.Empty(lab.ConfigurationLines(device));
        Assert.Equal(config, lab.Running(device));
    }

    [Theory]
    [InlineData("replace-noarchive", "a configuration archive")]
    [InlineData("replace-legacy", "Configuration Replace and Rollback feature")]
    [InlineData("replace-oldarchive", "'configure replace … time', which this image lacks")]
    public async Task Replace_on_a_device_without_it_fails_naming_the_capability_and_the_key_and_changes_nothing(string device, string capability)
    {
        var before = lab.Running(device);
        lab.Host.ClearCommandLog(device);

        var summary = await RunAsync(Play("192.0.2.32", "x", "  transaction: replace"), device);

        var result = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains("transaction 'replace' needs", result.Message);
        Assert.Contains(capability, result.Message);
        Assert.Contains("'transaction: merge'", result.Message);
        Assert.Empty(lab.ConfigurationLines(device));
        Assert.Equal(before, lab.Running(device));
    }

    [Theory]
    [InlineData("check-noarchive")]
    [InlineData("check-legacy")]
    public async Task Merge_takes_a_change_whose_post_check_failed_back_to_the_verified_backup(string device)
    {
        var before = lab.Running(device);

        var summary = await RunAsync(Play("192.0.2.33", "checked", checks: FailingCheck), device);

        var result = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains("post-check 'version says 99' failed", result.Message);
        Assert.Contains("rolled back to the backup (verified", result.Message);
        Assert.Contains("transaction 'merge'", result.Message);
        Assert.Equal("+ ntp server 192.0.2.33\n+ interface GigabitEthernet0/2\n+  description checked", result.Diff);
        Assert.Equal(before, lab.Running(device));
    }

    [Fact]
    public async Task Merge_restores_the_backup_when_the_device_rejects_a_line_half_way()
    {
        const string device = "reject-noarchive";
        var before = lab.Running(device);
        var yaml = """
            - hosts: all
              tasks:
                - config:
                    lines:
                      - ntp server 192.0.2.34
                      - snmp-server contact noc
                      - ntp server 198.51.100.9
            """;

        var summary = await RunAsync(yaml, device);

        var result = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains("'ntp server 198.51.100.9' was rejected", result.Message);
        Assert.Contains("restored the backup taken before the change (verified", result.Message);
        // The inverse lines leave the device's own '!' separators where the removed block was: the same configuration.
        Assert.Equal(ConfigText.Significant(before), ConfigText.Significant(lab.Running(device)));
        Assert.DoesNotContain("192.0.2.34", lab.Running(device));
        Assert.DoesNotContain("snmp-server contact noc", lab.Running(device));
    }

    [Fact]
    public async Task Merge_cut_short_by_a_drop_is_taken_back_to_the_verified_backup()
    {
        const string device = "drop-noarchive";
        var before = lab.Running(device);
        var lines = string.Join("\n", Enumerable.Range(1, 30).Select(i => $"              - ntp server 198.18.1.{i}"));

        var summary = await RunAsync($"""
            - hosts: all
              tasks:
                - config:
                    lines:
            {lines}
            """, device);

        var result = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains("cut short", result.Message);
        Assert.Contains("rolled back to the backup (verified", result.Message);
        Assert.Equal(ConfigText.Significant(before), ConfigText.Significant(lab.Running(device)));
    }

    [Fact]
    public async Task None_leaves_a_change_whose_post_check_failed_on_the_device_and_says_so()
    {
        const string device = "none-legacy";

        var summary = await RunAsync(Play("192.0.2.35", "kept", "  transaction: none", FailingCheck), device);

        var result = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains("not rolled back", result.Message);
        Assert.Contains("transaction: merge", result.Message);
        Assert.Contains("ntp server 192.0.2.35", lab.Running(device));
    }

    [Fact]
    public async Task Merge_asked_for_on_a_device_with_an_archive_takes_no_archive_and_sets_no_timer()
    {
        const string device = "merge-classic";
        var archives = lab.Host.StateOf(device).Read(s => s.ArchiveCounter);

        var summary = await RunAsync(Play("192.0.2.36", "merged", "  transaction: merge"), device);

        var result = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Changed, result.Outcome);
        Assert.Equal("merge", result.Transaction);
        Assert.Equal(archives, lab.Host.StateOf(device).Read(s => s.ArchiveCounter));
        Assert.Null(lab.Host.StateOf(device).Read(s => s.PendingRevert));
        Assert.Contains("ntp server 192.0.2.36", lab.Running(device));
    }

    [Theory]
    [InlineData("sample.yaml")]
    [InlineData("bench.yaml")]
    public async Task A_sample_playbook_rerun_on_an_unchanged_fleet_is_ok_everywhere_and_sends_nothing_in_configuration_mode(string playbook)
    {
        var path = Path.Combine(RepositoryPaths.Root(), "playbooks", playbook);
        const string devices = "sample-*";
        var first = await RunFileAsync(path, devices);
        Assert.Equal(JobOutcome.Succeeded, first.Outcome);

        var names = first.Recap.Select(r => r.Device).ToList();
        Assert.Equal(6, names.Count);
        lab.Host.ClearCommandLog([.. names]);
        var again = await RunFileAsync(path, devices);

        Assert.Equal(JobOutcome.Succeeded, again.Outcome);
        Assert.All(again.Results, r => Assert.True(r.Outcome is TaskOutcome.Ok or TaskOutcome.Skipped, $"{r.Device} {r.Task}: {r.Outcome} {r.Message}"));
        Assert.All(names, d => Assert.Empty(lab.ConfigurationLines(d)));
    }
}

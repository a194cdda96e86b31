using System.Collections.Concurrent;
using Akka.Actor;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>A lab of its own for the transaction tests: a device minute of 1.5 s, so a two-minute confirm window
/// outlasts the post-checks but a device left unconfirmed reverts within seconds.</summary>
public sealed class RolloutLab() : JobLab("netfleet-rollout-test-", port => new LabSpec(port, DeviceMinute,
    [
        new LabDevice("ios-t", "127.0.10.1", "cisco_ios", DeviceFaults.None),
        new LabDevice("eos-t", "127.0.10.2", "arista_eos", DeviceFaults.None),
        new LabDevice("junos-t", "127.0.10.3", "juniper_junos", DeviceFaults.None),
        new LabDevice("ios-pc", "127.0.10.4", "cisco_ios", DeviceFaults.None),
        new LabDevice("eos-pc", "127.0.10.5", "arista_eos", DeviceFaults.None),
        new LabDevice("junos-pc", "127.0.10.6", "juniper_junos", DeviceFaults.None),
        // Thirty config lines span the 31st command of a session: it drops the connection mid-change (and the retry's
        // session, which restored the lines entered before the drop, at its 31st command too).
        new LabDevice("ios-drop", "127.0.10.7", "cisco_ios", new DeviceFaults { DropAfterCommands = 30 }),
        // Cut off right after the commit confirmed, at the post-check.
        new LabDevice("junos-cut", "127.0.10.8", "juniper_junos", new DeviceFaults { DropAfterCommands = 9 }),
        .. Enumerable.Range(1, 7).Select(i => new LabDevice($"junos-s{i}", $"127.0.10.{20 + i}", "juniper_junos", DeviceFaults.None)),
        .. Enumerable.Range(1, 4).Select(i => new LabDevice($"junos-k{i}", $"127.0.10.{30 + i}", "juniper_junos",
            i == 1 ? new DeviceFaults { RejectConfig = [@"^set system ntp server 198\.51\.100\."] } : DeviceFaults.None)),
        .. Enumerable.Range(1, 2).Select(i => new LabDevice($"junos-a{i}", $"127.0.10.{40 + i}", "juniper_junos", DeviceFaults.None)),
        new LabDevice("ios-rv", "127.0.10.51", "cisco_ios", DeviceFaults.None),
        new LabDevice("eos-rv", "127.0.10.52", "arista_eos", DeviceFaults.None),
        new LabDevice("junos-rv", "127.0.10.53", "juniper_junos", DeviceFaults.None),
    ]))
{
    public static readonly TimeSpan DeviceMinute = TimeSpan.FromMilliseconds(1500);
}

public sealed class RolloutTests(RolloutLab lab) : IClassFixture<RolloutLab>, IAsyncLifetime
{
    private JobRunner runner = null!;
    private readonly ConcurrentQueue<JobEvent> events = new();

    public Task InitializeAsync()
    {
        runner = JobRunner.Start(Serilog.Core.Logger.None);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await runner.DisposeAsync();

    private async Task<JobSummary> RunAsync(string yaml, string limit, string? jobId = null)
    {
        var path = Path.Combine(lab.Scratch, $"play-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var loaded = PlaybookLoader.Load(path);
        var playbook = loaded.Playbook ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
        var options = new JobOptions("tester")
        {
            Limit = limit, KnownHostsPath = lab.KnownHosts, IdleTimeout = TimeSpan.FromSeconds(2), JobId = jobId,
        };
        return await runner.RunAsync(path, playbook, lab.Inventory, options, events.Enqueue, CancellationToken.None);
    }

        private static string NtpPlay(string hosts, string server, string extra = "", string platformLines = "") => $$$"""
        - name: ntp
          hosts: {{{hosts}}}
          confirm_minutes: 2
        {{{extra}}}
          tasks:
            - name: Add the NTP server
              config:
                lines:
                  - "{{ if host.platform == 'juniper_junos' }}set system ntp server {{{server}}}{{ else }}ntp server {{{server}}}{{ end }}"
        {{{platformLines}}}
        """;

    [Theory]
    [InlineData("ios-t")]
    [InlineData("eos-t")]
    [InlineData("junos-t")]
    public async Task Change_with_passing_post_checks_is_confirmed_and_a_rerun_is_ok_and_touches_nothing(string device)
    {
        var before = lab.Running(device);
        var checks = $$$"""
              post_checks:
                - name: ntp is there
                  command: "{{ if host.platform == 'juniper_junos' }}show configuration system ntp{{ else }}show running-config{{ end }}"
                  that: ["output | string.contains '192.0.2.77'"]
                - tcp: "{{ host.hostname }}:{{ host.port }}"
                - snmp: 1.3.6.1.2.1.1.5.0
                  snmp_port: {{{lab.Spec.SnmpPort}}}
                  community: nflab
            """;
        var first = await RunAsync(NtpPlay("all", "192.0.2.77", checks), device);
        Assert.Equal(JobOutcome.Succeeded, first.Outcome);
        Assert.Equal(TaskOutcome.Changed, Assert.Single(first.Results).Outcome);
        Assert.Contains("192.0.2.77", lab.Running(device));
        Assert.NotEqual(before, lab.Running(device));

        // Confirmed: outlives the confirm window.
        await Task.Delay(RolloutLab.DeviceMinute * 2.5);
        Assert.Contains("192.0.2.77", lab.Running(device));
        Assert.Null(lab.Host.StateOf(device).Read(s => s.PendingRevert));

        var (commits, sessions, archives, config) = lab.Host.StateOf(device).Read(s => (s.Commits.Count, s.Sessions.Count, s.ArchiveCounter, s.RunningConfig));
        lab.Host.ClearCommandLog(device);
        var again = await RunAsync(NtpPlay("all", "192.0.2.77", checks), device);
        Assert.DoesNotContain(lab.Host.CommandLog(device), e => e.InConfigurationMode);
        Assert.Equal(JobOutcome.Succeeded, again.Outcome);
        Assert.Equal(TaskOutcome.Ok, Assert.Single(again.Results).Outcome);
        Assert.Equal((commits, sessions, archives, config),
            lab.Host.StateOf(device).Read(s => (s.Commits.Count, s.Sessions.Count, s.ArchiveCounter, s.RunningConfig)));
    }

    [Theory]
    [InlineData("ios-pc")]
    [InlineData("eos-pc")]
    [InlineData("junos-pc")]
    public async Task Failed_post_check_rolls_the_device_back_to_its_exact_backup_and_verifies_it(string device)
    {
        var before = lab.Running(device);
        var checks = """
              post_checks:
                - name: version says 99
                  command: show version
                  that: ["output | string.contains 'Version 99.9'"]
            """;
        var summary = await RunAsync(NtpPlay("all", "192.0.2.88", checks), device);

        var result = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains("post-check 'version says 99' failed", result.Message);
        Assert.True(result.Message!.Contains("(verified", StringComparison.Ordinal), result.Message);
        Assert.Equal(before, lab.Running(device));

        // Nothing is left pending that could change the device later.
        await Task.Delay(RolloutLab.DeviceMinute * 2.5);
        Assert.Equal(before, lab.Running(device));
    }

    [Fact]
    public async Task Rollback_restores_exact_config_after_drop_mid_change()
    {
        var before = lab.Running("ios-drop");
        var lines = string.Join("\n", Enumerable.Range(1, 30).Select(i => $"              - ntp server 198.18.0.{i}"));
        var summary = await RunAsync($"""
            - name: ntp
              hosts: all
              confirm_minutes: 2
              tasks:
                - name: Thirty lines
                  config:
                    lines:
            {lines}
            """, "ios-drop");

        var result = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains("cut short", result.Message);
        Assert.True(result.Message!.Contains("(verified", StringComparison.Ordinal), result.Message);
        Assert.Equal(before, lab.Running("ios-drop"));
        await Task.Delay(RolloutLab.DeviceMinute * 2.5);
        Assert.Equal(before, lab.Running("ios-drop"));
    }

    [Fact]
    public async Task Junos_change_cut_off_after_commit_confirmed_ends_on_the_pre_change_config()
    {
        var before = lab.Running("junos-cut");
        var summary = await RunAsync(NtpPlay("all", "192.0.2.95", """
              post_checks:
                - command: show version
                  that: ["true"]
            """), "junos-cut");

        Assert.Equal(TaskOutcome.Failed, Assert.Single(summary.Results).Outcome);
        Assert.Equal(before, lab.Running("junos-cut"));
        await Task.Delay(RolloutLab.DeviceMinute * 2.5);
        Assert.Equal(before, lab.Running("junos-cut"));
    }

    [Fact]
    public async Task Batch_two_over_max_fail_percentage_halts_rolls_back_the_batch_and_leaves_later_batches_untouched()
    {
        var devices = Enumerable.Range(1, 7).Select(i => $"junos-s{i}").ToList();
        var before = devices.ToDictionary(d => d, lab.Running);
        var summary = await RunAsync(NtpPlay("all", "192.0.2.101", """
              serial: [1, 3, 3]
              max_fail_percentage: 20
              rollback: batch
              post_checks:
                - command: show version
                  that: ["host.name != 'junos-s3'"]
            """), "junos-s*");

        Assert.Equal(JobOutcome.Halted, summary.Outcome);
        // Batch one (the canary) keeps its confirmed change.
        Assert.Contains("192.0.2.101", lab.Running("junos-s1"));
        // Batch two (s2..s4): s3 failed its post-check; with rollback: batch, all three are back on their backups.
        foreach (var device in new[] { "junos-s2", "junos-s3", "junos-s4" }) Assert.Equal(before[device], lab.Running(device));
        // Batch three never started.
        foreach (var device in new[] { "junos-s5", "junos-s6", "junos-s7" }) Assert.Equal(before[device], lab.Running(device));
        Assert.DoesNotContain(summary.Results, r => r.Device is "junos-s5" or "junos-s6" or "junos-s7");
    }

    [Fact]
    public async Task Failing_canary_stops_the_rollout_before_any_other_device_is_touched()
    {
        var devices = Enumerable.Range(1, 4).Select(i => $"junos-k{i}").ToList();
        var before = devices.ToDictionary(d => d, lab.Running);
        var summary = await RunAsync(NtpPlay("all", "198.51.100.7", """
              serial: [1, "50%"]
              any_errors_fatal: true
              rollback: job
            """), "junos-k*");

        Assert.Equal(JobOutcome.Halted, summary.Outcome);
        Assert.Equal(["junos-k1"], summary.Results.Select(r => r.Device).Distinct());
        foreach (var device in devices) Assert.Equal(before[device], lab.Running(device));
    }

    [Fact]
    public async Task Approval_gate_waits_between_batches_and_goes_on_after_approval()
    {
        var before = new[] { "junos-a1", "junos-a2" }.ToDictionary(d => d, lab.Running);
        var jobId = JobLauncher.NewJobId();
        var job = RunAsync(NtpPlay("all", "192.0.2.111", """
              serial: 1
              approval: true
            """), "junos-a*", jobId);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!lab.Running("junos-a1").Contains("192.0.2.111", StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Contains("192.0.2.111", lab.Running("junos-a1"));
        await Task.Delay(1000);
        Assert.False(job.IsCompleted);
        Assert.Equal(before["junos-a2"], lab.Running("junos-a2"));

        var reply = new TaskCompletionSource<object>();
        var writer = runner.System.ActorOf(Props.Create(() => new Relay(reply)));
        runner.System.ActorOf(JobApprovals.WriterProps(jobId, "approver", writer));
        Assert.IsType<JobApprovals.Approved>(await reply.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        var summary = await job.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        Assert.Contains("192.0.2.111", lab.Running("junos-a2"));
    }

    [Theory]
    [InlineData("ios-rv", "ntp server 192.0.2.121")]
    [InlineData("eos-rv", "ntp server 192.0.2.121")]
    [InlineData("junos-rv", "set system ntp server 192.0.2.121")]
    public async Task Unconfirmed_change_reverts_by_itself_when_NetFleet_is_cut_off(string device, string line)
    {
        var before = lab.Running(device);
        var spec = lab.Spec.Devices.Single(d => d.Name == device);
        var options = new global::NetFleet.Devices.DeviceConnectionOptions(spec.Address, spec.Platform,
            new global::NetFleet.Devices.SshCredentials(LabDefaults.Username) { PrivateKeyPath = lab.Paths.ClientKey })
        {
            Name = device, Port = lab.Spec.Port, EnableSecret = LabDefaults.EnableSecret, KnownHostsPath = lab.KnownHosts,
        };
        await using (var driver = global::NetFleet.Devices.DeviceDriver.Create(options))
        {
            await driver.OpenAsync();
            var applied = await driver.ApplyTransactionAsync([line], new global::NetFleet.Devices.ConfigTransaction("netfleet-cutoff", 1));
            Assert.True(applied.Changed);
            Assert.Contains("192.0.2.121", lab.Running(device));
            // NetFleet goes away without confirming.
        }

        var deadline = DateTime.UtcNow + RolloutLab.DeviceMinute * 4;
        while (lab.Running(device) != before && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(before, lab.Running(device));
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay(TaskCompletionSource<object> reply) => ReceiveAny(m => reply.TrySetResult(m));
    }
}

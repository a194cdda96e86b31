using System.Collections.Concurrent;
using System.Diagnostics;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;

namespace NetFleet.Actors.Tests;

[Collection(ActorLabCollection.Name)]
public sealed class JobRunnerTests(ActorLab lab) : IAsyncLifetime
{
    private JobRunner runner = null!;
    private readonly ConcurrentQueue<JobEvent> events = new();

    public Task InitializeAsync()
    {
        runner = JobRunner.Start(Serilog.Core.Logger.None);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await runner.DisposeAsync();

    private async Task<JobSummary> RunAsync(string playbookPath, string limit, bool check = false, CancellationToken ct = default)
    {
        var loaded = PlaybookLoader.Load(playbookPath);
        var playbook = loaded.Playbook ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
        var options = new JobOptions("tester") { Limit = limit, Check = check, KnownHostsPath = lab.KnownHosts, IdleTimeout = TimeSpan.FromSeconds(2) };
        return await runner.RunAsync(playbookPath, playbook, lab.Inventory, options, events.Enqueue, ct);
    }

    private string Playbook(string yaml)
    {
        var path = Path.Combine(lab.Scratch, $"play-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string SamplePlaybook =>
        Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "playbooks", "sample.yaml");

    [Fact]
    public async Task Sample_playbook_reports_a_recap_per_host_and_runs_serial_batches_in_order()
    {
        var summary = await RunAsync(SamplePlaybook, "ios-1,eos-1,junos-1");

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        foreach (var device in new[] { "ios-1", "eos-1", "junos-1" })
        {
            // version ok, ntp pushed (changed, under the device's own safety net), one read-back skipped by `when`,
            // one ok, two assert items ok.
            Assert.Equal(new HostRecap(device, 4, 1, 0, 0, 1) { Transactions = "replace" }, summary.Recap.Single(r => r.Device == device));
        }

        var asserts = summary.Results.Where(r => r.Module == "assert" && r.Device == "junos-1").ToList();
        Assert.Equal(["192.0.2.10", "192.0.2.11"], asserts.Select(r => r.Item));

        // serial [1, "50%"] over three hosts: three batches of one, each finished before the next starts.
        var list = events.ToList();
        var batches = list.OfType<BatchStarted>().ToList();
        Assert.Equal([["ios-1"], ["eos-1"], ["junos-1"]], batches.Select(b => b.Devices));
        for (var b = 0; b < batches.Count - 1; b++)
        {
            var nextBatchAt = list.IndexOf(batches[b + 1]);
            var lastOfBatch = list.FindLastIndex(e => e is TaskFinished f && f.Result.Device == batches[b].Devices[0]);
            Assert.True(lastOfBatch < nextBatchAt);
        }

        Assert.IsType<JobStarted>(list[0]);
        Assert.IsType<JobFinished>(list[^1]);
    }

    [Fact]
    public async Task When_skips_and_register_with_loop_keeps_one_result_per_item()
    {
        var path = Playbook("""
            - name: loop
              hosts: all
              tasks:
                - name: clocks
                  command: "show {{ item }}"
                  loop: [clock, version]
                  register: shows
                - name: only on junos
                  command: show version
                  when: host.platform == "juniper_junos"
                - name: both items ran
                  assert:
                    that:
                      - shows.results.size == 2
                      - shows.results[1].stdout | string.contains "Cisco"
            """);
        var summary = await RunAsync(path, "ios-2");

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        var ios = summary.Results.Where(r => r.Device == "ios-2").ToList();
        Assert.Equal(["clock", "version"], ios.Where(r => r.TaskIndex == 0).Select(r => r.Item));
        Assert.Equal(TaskOutcome.Skipped, ios.Single(r => r.TaskIndex == 1).Outcome);
        Assert.Equal(TaskOutcome.Ok, ios.Single(r => r.TaskIndex == 2).Outcome);
    }

    [Fact]
    public async Task A_skipped_task_registers_that_it_was_skipped_over_an_earlier_result_as_ansible_does()
    {
        var path = Playbook("""
            - name: register
              hosts: all
              tasks:
                - name: read
                  command: show version
                  register: found
                - name: read again on junos only
                  command: show version
                  register: found
                  when: host.platform == "juniper_junos"
                - name: the second task's skip is what found holds
                  assert:
                    that:
                      - found.skipped
                      - found.skip_reason | string.contains "juniper_junos"
                      - found.stdout == null
            """);
        var summary = await RunAsync(path, "ios-2");

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        Assert.Equal(TaskOutcome.Ok, summary.Results.Single(r => r.TaskIndex == 2).Outcome);
    }

    [Fact]
    public async Task An_assert_on_a_member_of_a_missing_value_fails_its_task_and_the_job_ends()
    {
        var path = Playbook("""
            - hosts: all
              tasks:
                - set_fact: {read: {parsed: {nacm: null}}}
                - assert:
                    that: ["read.parsed.interfaces.interface.description == 'x'"]
            """);
        var summary = await RunAsync(path, "ios-2").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(JobOutcome.Failed, summary.Outcome);
        var failed = summary.Results.Single(r => r.TaskIndex == 1);
        Assert.Equal(TaskOutcome.Failed, failed.Outcome);
        Assert.Contains("Cannot get the member read.parsed.interfaces.interface for a null object", failed.Message);
    }

    [Fact]
    public async Task Max_fail_percentage_halts_before_the_next_batch()
    {
        var path = Playbook("""
            - name: push
              hosts: all
              serial: 2
              max_fail_percentage: 40
              tasks:
                - name: ntp
                  config:
                    lines: ["ntp server 10.9.9.9"]
                - name: never after a failure
                  command: show clock
            """);
        var summary = await RunAsync(path, "ios-reject,eos-refuse,ios-3,eos-2");

        Assert.Equal(JobOutcome.Halted, summary.Outcome);
        Assert.Contains("max_fail_percentage", summary.HaltReason);
        Assert.Equal(TaskOutcome.Failed, summary.Results.Single(r => r.Device == "ios-reject").Outcome);
        Assert.Equal(TaskOutcome.Unreachable, summary.Results.Single(r => r.Device == "eos-refuse").Outcome);
        Assert.DoesNotContain(summary.Results, r => r.Device is "ios-3" or "eos-2");
        Assert.Single(events.OfType<BatchStarted>());
    }

    [Fact]
    public async Task Task_timeout_fails_the_task_on_a_silent_device()
    {
        var path = Playbook("""
            - name: hang
              hosts: all
              tasks:
                - name: clock
                  command: show clock
                  loop: [1, 2, 3, 4, 5, 6, 7, 8]
                  timeout: 1s
                - name: not reached
                  command: show version
            """);
        var watch = Stopwatch.StartNew();
        var summary = await RunAsync(path, "ios-hang");

        Assert.Equal(JobOutcome.Failed, summary.Outcome);
        var failed = summary.Results.Single(r => r.Outcome == TaskOutcome.Failed);
        Assert.Contains("timed out after 1 s", failed.Message);
        Assert.DoesNotContain(summary.Results, r => r.TaskIndex == 1);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Check_mode_reports_the_diff_and_changes_nothing_on_the_device()
    {
        var path = Playbook("""
            - name: check
              hosts: all
              tasks:
                - name: ntp ios
                  config:
                    lines: ["ntp server 192.0.2.99"]
                  when: host.platform != "juniper_junos"
                - name: ntp junos
                  config:
                    lines: ["set system ntp server 192.0.2.99"]
                  when: host.platform == "juniper_junos"
            """);
        var before = lab.Host.StateOf("ios-4").Read(s => s.RunningConfig);
        var beforeJunos = lab.Host.StateOf("junos-2").Read(s => s.RunningConfig);
        var summary = await RunAsync(path, "ios-4,junos-2", check: true);

        Assert.Equal(JobOutcome.Succeeded, summary.Outcome);
        var changed = summary.Results.Where(r => r.Outcome == TaskOutcome.Changed).ToList();
        Assert.Equal(2, changed.Count);
        Assert.Contains("+ ntp server 192.0.2.99", changed.Single(r => r.Device == "ios-4").Diff);
        Assert.Contains("+ set system ntp server 192.0.2.99", changed.Single(r => r.Device == "junos-2").Diff);
        Assert.Equal(before, lab.Host.StateOf("ios-4").Read(s => s.RunningConfig));
        Assert.Equal(beforeJunos, lab.Host.StateOf("junos-2").Read(s => s.RunningConfig));
    }

    [Fact]
    public async Task Cancelling_a_job_ends_it_as_cancelled_without_starting_more_tasks()
    {
        var path = Playbook("""
            - name: slow
              hosts: all
              tasks:
                - name: wait
                  pause:
                    seconds: 30
                - name: not reached
                  command: show version
            """);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var summary = await RunAsync(path, "ios-1", ct: cts.Token);

        Assert.Equal(JobOutcome.Cancelled, summary.Outcome);
        Assert.DoesNotContain(summary.Results, r => r.TaskIndex == 1);
    }
}

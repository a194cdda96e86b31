using NetFleet.Devices.Netconf;
using NetFleet.Lab.Devices;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>
/// NETCONF jobs against netconfd started with <c>--target=running</c>: no candidate, so a change edits running directly
/// under the <c>running</c> strategy and a failure is taken back by replacing running with the backup. Each test works on
/// interfaces of its own name, since the fixture's datastores are shared.
/// </summary>
public sealed class NetconfdRunningJobTests(NetconfdRunningFixture netconfd) : NetconfdJobs(netconfd), IClassFixture<NetconfdRunningFixture>
{
    [Fact]
    public async Task A_change_edits_running_directly_with_its_diff_and_a_rerun_is_ok_with_no_change()
    {
        var play = Play("add run0", Interface("run0", "edited-in-running"));

        var (job, tasks, _, _) = await Node.RunAsync(play, Inventory, Netconfd.KnownHosts);

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}; {string.Join("; ", tasks.Select(t => t.Message))}\n{Netconfd.Log()}");
        var change = Assert.Single(tasks);
        Assert.Equal("changed", change.Status);
        Assert.Contains("NETCONF running: backup taken, running edited", change.Output, StringComparison.Ordinal);
        Assert.True(Added(change.Diff, "<name>run0</name>") && Added(change.Diff, "<description>edited-in-running</description>"), change.Diff);
        Assert.Single(await Node.ChangesAsync(job.JobId));
        Assert.Contains("<description>edited-in-running</description>", await RunningAsync(), StringComparison.Ordinal);

        var (again, againTasks, _, _) = await Node.RunAsync(play, Inventory, Netconfd.KnownHosts);

        Assert.Equal("succeeded", again.Status);
        var rerun = Assert.Single(againTasks);
        Assert.Equal("ok", rerun.Status);
        Assert.Null(rerun.Diff);
        Assert.Empty(await Node.ChangesAsync(again.JobId));
    }

    [Fact]
    public async Task A_failing_post_check_replaces_running_with_the_backup_keeping_what_was_there_before()
    {
        await using (var session = await Netconfd.OpenAsync())
        {
            await session.EditConfigAsync(NetconfDatastore.Running, Config(Interface("kept0", "configured-before")));
        }

        var before = await RunningAsync();
        var play = Play("add gone0", Interface("gone0", "taken-back"), postCheck: true);

        var (job, tasks, _, _) = await Node.RunAsync(play, Inventory, Netconfd.KnownHosts);

        Assert.Equal("failed", job.Status);
        var task = Assert.Single(tasks);
        Assert.Contains("post-check 'a port nobody listens on answers' failed", task.Message, StringComparison.Ordinal);
        Assert.Contains("verified: the running configuration equals it; NETCONF running", task.Message, StringComparison.Ordinal);
        Assert.Contains("<description>taken-back</description>", task.Diff, StringComparison.Ordinal);
        var after = await RunningAsync();
        Assert.Equal(before, after);
        Assert.Contains("<name>kept0</name>", after, StringComparison.Ordinal);
        Assert.DoesNotContain("gone0", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_mode_shows_the_diff_of_the_edit_and_changes_nothing()
    {
        var before = await RunningAsync();

        var (job, tasks, _, _) = await Node.RunAsync(Play("add check0", Interface("check0", "only-previewed")), Inventory, Netconfd.KnownHosts, check: true);

        Assert.Equal("succeeded", job.Status);
        var task = Assert.Single(tasks);
        Assert.Equal("changed", task.Status);
        Assert.True(Added(task.Diff, "<name>check0</name>") && Added(task.Diff, "<description>only-previewed</description>"), task.Diff);
        Assert.DoesNotContain(task.Diff!.Split('\n'), l => l.StartsWith('-'));
        Assert.Empty(await Node.ChangesAsync(job.JobId));
        Assert.Equal(before, await RunningAsync());
    }

    [Fact]
    public async Task Check_mode_fails_an_invalid_edit_through_the_servers_test_only_validation()
    {
        var (job, tasks, _, _) = await Node.RunAsync(Play("add bad1", Interface("bad1", "never", "bogus")), Inventory, Netconfd.KnownHosts, check: true);

        Assert.Equal("failed", job.Status);
        Assert.Contains("invalid-value at ", Assert.Single(tasks).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bad1", await RunningAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_candidate_target_or_a_replace_transaction_is_refused_naming_what_the_server_lacks()
    {
        var candidate = $$"""
            - hosts: netconfd
              tasks:
                - timeout: 60s
                  netconf_config:
                    target: candidate
                    content: |
            {{Indent(Interface("cand0", "never"))}}

            """;
        var replace = Play("add repl0", Interface("repl0", "never"), transaction: "replace");

        var (job, tasks, _, _) = await Node.RunAsync(candidate, Inventory, Netconfd.KnownHosts);
        var (replaced, replaceTasks, _, _) = await Node.RunAsync(replace, Inventory, Netconfd.KnownHosts);

        Assert.Equal("failed", job.Status);
        var refused = Assert.Single(tasks).Message;
        Assert.True(refused?.Contains("no :candidate capability", StringComparison.Ordinal), $"{refused}\n{Netconfd.Log()}");
        Assert.Equal("failed", replaced.Status);
        Assert.Contains("(:candidate and :confirmed-commit)", Assert.Single(replaceTasks).Message, StringComparison.Ordinal);
        var running = await RunningAsync();
        Assert.DoesNotContain("cand0", running, StringComparison.Ordinal);
        Assert.DoesNotContain("repl0", running, StringComparison.Ordinal);
    }
}

/// <summary>On a fresh netconfd with <c>--target=running</c> (its own fixture): the first change adds the top-level
/// <c>interfaces</c> container, which netconfd's edit-config replace with the backup would keep.</summary>
public sealed class NetconfdRunningRestoreTests(NetconfdRunningFixture netconfd) : NetconfdJobs(netconfd), IClassFixture<NetconfdRunningFixture>
{
    [Fact]
    public async Task Restoring_an_empty_backup_removes_the_container_the_change_added()
    {
        var before = await RunningAsync();
        Assert.DoesNotContain("<interfaces", before, StringComparison.Ordinal);

        var (job, tasks, _, _) = await Node.RunAsync(Play("add first0", Interface("first0", "first-ever"), postCheck: true), Inventory, Netconfd.KnownHosts);

        Assert.Equal("failed", job.Status);
        Assert.Contains("verified: the running configuration equals it", Assert.Single(tasks).Message, StringComparison.Ordinal);
        Assert.Equal(before, await RunningAsync());
    }
}

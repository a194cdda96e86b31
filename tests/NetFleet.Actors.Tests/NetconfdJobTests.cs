using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>
/// NETCONF jobs against a server nobody here wrote: Debian's netconfd (yuma123) with ietf-interfaces, behind a private
/// sshd, as a host of platform <c>netconf</c>. Jobs run on a single-process node with a SQLite history. Each test
/// works on interfaces of its own name, since the fixture's datastores are shared.
/// </summary>
public sealed class NetconfdJobTests(NetconfdFixture netconfd) : NetconfdJobs(netconfd), IClassFixture<NetconfdFixture>
{
    [Fact]
    public async Task An_ietf_interfaces_merge_is_committed_confirmed_diffed_and_read_back_and_a_rerun_is_ok()
    {
        var play = $$"""
            - hosts: netconfd
              tasks:
                - name: add job0
                  timeout: 30s
                  netconf_config:
                    content: |
            {{Indent(Interface("job0", "added-by-a-job"))}}
                - name: read job0
                  timeout: 30s
                  netconf_get:
                    source: running
                    xpath: "/if:interfaces/if:interface[if:name='job0']"
                    namespaces: {if: "urn:ietf:params:xml:ns:yang:ietf-interfaces"}
                  register: read
                - assert:
                    that: ["read.parsed.interfaces.interface.description == 'added-by-a-job'"]

            """;

        var (job, tasks, _, _) = await Node.RunAsync(play, Inventory, Netconfd.KnownHosts);

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}; {string.Join("; ", tasks.Select(t => t.Message))}\n{Netconfd.Log()}");
        var change = tasks.Single(t => t.Module == "netconf_config");
        Assert.Equal("changed", change.Status);
        Assert.Contains("+ ", change.Diff, StringComparison.Ordinal);
        Assert.Contains("<description>added-by-a-job</description>", change.Diff, StringComparison.Ordinal);
        Assert.Contains("NETCONF confirmed-commit", change.Output, StringComparison.Ordinal);
        Assert.Single(await Node.ChangesAsync(job.JobId));

        var (again, againTasks, _, _) = await Node.RunAsync(play, Inventory, Netconfd.KnownHosts);

        Assert.Equal("succeeded", again.Status);
        Assert.Equal("ok", againTasks.Single(t => t.Module == "netconf_config").Status);
        Assert.Empty(await Node.ChangesAsync(again.JobId));
    }

    [Fact]
    public async Task A_failing_post_check_cancels_the_confirmed_commit_on_netconfd_and_running_is_verified_equal_to_the_backup()
    {
        await using var session = await Netconfd.OpenAsync();
        var before = (await session.GetConfigAsync(NetFleet.Devices.Netconf.NetconfDatastore.Running)).ToString();
        var play = $$"""
            - hosts: netconfd
              post_checks:
                - name: a port nobody listens on answers
                  tcp: "{{NetconfdFixture.Address}}:1"
              tasks:
                - name: add cancel0
                  timeout: 60s
                  netconf_config:
                    content: |
            {{Indent(Interface("cancel0", "cancelled-by-netfleet"))}}

            """;

        var (job, tasks, _, _) = await Node.RunAsync(play, Inventory, Netconfd.KnownHosts);

        Assert.Equal("failed", job.Status);
        var task = Assert.Single(tasks);
        Assert.Contains("post-check 'a port nobody listens on answers' failed", task.Message, StringComparison.Ordinal);
        Assert.Contains("verified: the running configuration equals it", task.Message, StringComparison.Ordinal);
        Assert.Contains("<description>cancelled-by-netfleet</description>", task.Diff, StringComparison.Ordinal);
        Assert.Equal(before, (await session.GetConfigAsync(NetFleet.Devices.Netconf.NetconfDatastore.Running)).ToString());
    }

    [Fact]
    public async Task An_invalid_edit_fails_the_task_with_the_servers_error_tag_and_commits_nothing()
    {
        var play = $$"""
            - hosts: netconfd
              tasks:
                - netconf_config:
                    content: |
            {{Indent(Interface("bad0", "never", "bogus"))}}
                - netconf_get:
                    source: running
                    filter: <interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>
                  register: after

            """;

        var (job, tasks, _, _) = await Node.RunAsync(play, Inventory, Netconfd.KnownHosts);

        Assert.Equal("failed", job.Status);
        var task = tasks.Single(t => t.Module == "netconf_config");
        Assert.Equal("failed", task.Status);
        Assert.Contains("NETCONF edit-config failed: invalid-value at ", task.Message, StringComparison.Ordinal);
        Assert.Contains("if:interface[if:name='bad0']/if:type", task.Message, StringComparison.Ordinal);
        await using var session = await Netconfd.OpenAsync();
        var running = await session.GetConfigAsync(NetFleet.Devices.Netconf.NetconfDatastore.Running);
        Assert.DoesNotContain("bad0", running.ToString(), StringComparison.Ordinal);
    }
}

using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>Lab Junos devices that answer NETCONF on the lab's SSH port; a device minute of 1.5 s, as in the rollout tests.</summary>
public sealed class NetconfLab() : JobLab("netfleet-netconf-test-", port => new LabSpec(port, TimeSpan.FromMilliseconds(1500),
    [.. Enumerable.Range(1, 4).Select(i => new LabDevice($"junos-n{i}", $"127.0.11.{i}", "juniper_junos", DeviceFaults.None))]))
{
    /// <summary>The lab's inventory with NETCONF turned on for the Junos group (the lab serves it on its SSH port).</summary>
    public string InventoryPath => Path.Combine(Scratch, "inventory");

    public void EnableNetconf()
    {
        var groups = Path.Combine(InventoryPath, "groups.yaml");
        var text = File.ReadAllText(groups);
        if (!text.Contains("netconf:", StringComparison.Ordinal))
            File.WriteAllText(groups, text.Replace("platform: juniper_junos\n", $"platform: juniper_junos\n  netconf: {{port: {Spec.Port}}}\n", StringComparison.Ordinal));
    }
}

/// <summary>
/// NETCONF rollouts on the lab's Junos personality, run as jobs on a single-process node with a SQLite history: the
/// candidate is locked, edited, validated and diffed, committed confirmed, confirmed after the post-checks or cancelled
/// and verified; the CLI of the same device sees what NETCONF changed.
/// </summary>
public sealed class NetconfRolloutTests(NetconfLab lab) : IClassFixture<NetconfLab>, IAsyncLifetime
{
    private JobNode node = null!;

    public async Task InitializeAsync()
    {
        lab.EnableNetconf();
        node = await JobNode.StartAsync();
    }

    public async Task DisposeAsync() => await node.DisposeAsync();

    /// <param name="verify">Read the description back over NETCONF and assert it (not in check mode, where nothing changes).</param>
    private static string DescriptionPlay(string host, string description, string postChecks = "", bool verify = true) => $$"""
        - name: describe ge-0/0/1 over NETCONF
          hosts: {{host}}
          confirm_minutes: 2
        {{postChecks}}
          tasks:
            - name: set the description
              netconf_config:
                content: |
                  <configuration><interfaces><interface>
                    <name>ge-0/0/1</name><description>{{description}}</description>
                  </interface></interfaces></configuration>

        """ + (verify ? $$"""
                - name: read it back
                  netconf_get:
                    source: running
                    filter: <configuration><interfaces><interface><name>ge-0/0/1</name></interface></interfaces></configuration>
                  register: read
                - name: NETCONF shows the new description
                  assert:
                    that: ["read.parsed.configuration.interfaces.interface.description == '{{description}}'"]

            """ : "");

    [Fact]
    public async Task A_description_change_is_diffed_committed_confirmed_and_seen_by_the_cli_and_a_rerun_changes_nothing()
    {
        var play = DescriptionPlay("junos-n1", "uplink-via-netconf") + """
                - name: the CLI agrees
                  command: show configuration interfaces
                  register: cli
                - assert:
                    that: ["cli.stdout | string.contains 'uplink-via-netconf'"]
            """;

        var (job, tasks, _, _) = await node.RunAsync(play, lab.InventoryPath, lab.KnownHosts);

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}; {string.Join("; ", tasks.Select(t => t.Message))}");
        var change = tasks.Single(t => t.Module == "netconf_config");
        Assert.Equal("changed", change.Status);
        Assert.Contains("+ ", change.Diff, StringComparison.Ordinal);
        Assert.Contains("<description>uplink-via-netconf</description>", change.Diff, StringComparison.Ordinal);
        Assert.Contains("NETCONF confirmed-commit", change.Output, StringComparison.Ordinal);
        Assert.Contains("uplink-via-netconf", lab.Running("junos-n1"), StringComparison.Ordinal);
        var recorded = Assert.Single(await node.ChangesAsync(job.JobId));
        Assert.Equal(change.Diff, recorded.Diff);
        Assert.Contains("uplink-via-netconf", recorded.After, StringComparison.Ordinal);
        Assert.DoesNotContain("uplink-via-netconf", recorded.Before, StringComparison.Ordinal);

        var (again, againTasks, _, _) = await node.RunAsync(play, lab.InventoryPath, lab.KnownHosts);

        Assert.Equal("succeeded", again.Status);
        var rerun = againTasks.Single(t => t.Module == "netconf_config");
        Assert.Equal("ok", rerun.Status);
        Assert.True(string.IsNullOrEmpty(rerun.Diff), rerun.Diff);
        Assert.Empty(await node.ChangesAsync(again.JobId));
    }

    [Fact]
    public async Task A_failing_post_check_cancels_the_confirmed_commit_and_the_running_configuration_is_verified_equal_to_the_backup()
    {
        var before = lab.Running("junos-n2");
        var play = DescriptionPlay("junos-n2", "doomed-change", """
              post_checks:
                - name: the description says ok
                  command: show configuration interfaces
                  that: ["output | string.contains 'never-there'"]
            """);

        var (job, tasks, _, _) = await node.RunAsync(play, lab.InventoryPath, lab.KnownHosts);

        Assert.Equal("failed", job.Status);
        var change = tasks.Single(t => t.Module == "netconf_config");
        Assert.Equal("failed", change.Status);
        Assert.Contains("post-check 'the description says ok' failed", change.Message, StringComparison.Ordinal);
        Assert.Contains("verified: the running configuration equals it", change.Message, StringComparison.Ordinal);
        Assert.Contains("<description>doomed-change</description>", change.Diff, StringComparison.Ordinal);
        Assert.Equal(before, lab.Running("junos-n2"));
    }

    [Fact]
    public async Task Check_mode_reports_the_diff_and_changes_nothing()
    {
        var before = lab.Running("junos-n3");

        var (job, tasks, _, _) = await node.RunAsync(DescriptionPlay("junos-n3", "only-planned", verify: false), lab.InventoryPath, lab.KnownHosts, check: true);

        Assert.True(job.Status == "succeeded", $"{job.Status}: {job.HaltReason}; {string.Join("; ", tasks.Select(t => t.Message))}");
        var change = tasks.Single(t => t.Module == "netconf_config");
        Assert.Equal("changed", change.Status);
        Assert.Contains("+ ", change.Diff, StringComparison.Ordinal);
        Assert.Contains("<description>only-planned</description>", change.Diff, StringComparison.Ordinal);
        Assert.Equal(before, lab.Running("junos-n3"));
        Assert.Empty(await node.ChangesAsync(job.JobId));
    }

    [Fact]
    public async Task An_edit_the_server_refuses_fails_the_task_with_the_servers_error_tag_and_leaves_the_device_as_it_was()
    {
        var before = lab.Running("junos-n4");
        var (job, tasks, _, _) = await node.RunAsync("""
            - hosts: junos-n4
              tasks:
                - netconf_config:
                    content: |
                      <configuration xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><interfaces><interface>
                        <name>ge-0/0/1</name><description nc:operation="frobnicate">x</description>
                      </interface></interfaces></configuration>
            """, lab.InventoryPath, lab.KnownHosts);

        Assert.Equal("failed", job.Status);
        var task = Assert.Single(tasks);
        Assert.Contains("NETCONF edit-config failed", task.Message, StringComparison.Ordinal);
        Assert.Contains("bad-attribute", task.Message, StringComparison.Ordinal);
        Assert.Equal(before, lab.Running("junos-n4"));
    }
}

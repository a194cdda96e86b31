using System.Text.RegularExpressions;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Tests.Platforms;

public class JuniperJunosTests
{
    private static LabSession Lab(DeviceFaults? faults = null) => new(new JuniperJunos(), "vmx1", faults);

    [Fact]
    public async Task Junos_answers_a_command_the_lab_does_not_model_in_its_own_words_in_both_modes()
    {
        var screen = await Lab().RunAsync("request system reboot", "configure", "load merge terminal", "exit");

        Assert.Contains("> request system reboot\nerror: this command is not supported by the NetFleet lab\n", screen);
        Assert.Contains("# load merge terminal\nerror: this command is not supported by the NetFleet lab\n", screen);
        Assert.DoesNotContain("% This command", screen);
    }

    [Fact]
    public async Task Junos_commit_confirmed_reverts_when_not_confirmed()
    {
        // Real timers here, with a device minute of 50 ms, to watch the revert happen by itself.
        var lab = new LabSession(new JuniperJunos(), "vmx1", clock: new LabClock(TimeProvider.System, TimeSpan.FromMilliseconds(50)));
        var before = lab.Running;

        var screen = await lab.RunAsync("configure", "set system host-name vmx2", "commit confirmed 2", "exit");

        Assert.Contains("commit confirmed will be automatically rolled back in 2 minutes unless confirmed\ncommit complete\n", screen);
        Assert.True(await lab.WaitUntilAsync(s => s.RunningConfig == before, TimeSpan.FromSeconds(10)), "the commit was not rolled back");
        var commits = lab.State.Read(s => s.Commits);
        Assert.Equal(3, commits.Count);
        Assert.Equal("other", commits[0].Client);
        Assert.Equal(before, commits[0].Config);
        Assert.Null(lab.State.Read(s => s.PendingRevert));
    }

    [Fact]
    public async Task Junos_commit_confirmed_is_kept_when_confirmed_by_another_commit()
    {
        var lab = LabSession.OnFakeTime(new JuniperJunos(), out var time, "vmx1");
        await lab.RunAsync("configure", "set system host-name vmx2", "commit confirmed 5", "commit", "exit");

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Contains("host-name vmx2;", lab.Running);
        var history = await lab.RunAsync("show system commit");
        Assert.Matches(new Regex(@"\n0   \S+ \S+ UTC by nflab via cli\n1   \S+ \S+ UTC by nflab via cli commit confirmed, rollback in 5mins\n2   \S+ \S+ UTC by root via other\n"), history);
    }

    [Fact]
    public async Task Junos_compare_shows_edit_headers_with_removed_and_added_lines()
    {
        var screen = await Lab().RunAsync("configure", "set system ntp server 192.0.2.1", "edit interfaces ge-0/0/0",
            "set description \"to core\"", "top", "show | compare");

        Assert.Contains("[edit interfaces ge-0/0/0]\nnflab@vmx1# set description \"to core\"", screen);
        Assert.Contains("nflab@vmx1# show | compare\n[edit system ntp]\n+    server 192.0.2.1;\n[edit interfaces ge-0/0/0]\n-    description uplink;\n+    description \"to core\";\n\n[edit]\nnflab@vmx1# ", screen);
    }

    [Fact]
    public async Task Junos_display_set_and_candidate_show_follow_the_edit_level()
    {
        var screen = await Lab().RunAsync("configure", "edit protocols ospf", "show | display set", "up", "show lldp");

        Assert.Contains("set protocols ospf area 0.0.0.0 interface lo0.0 passive\n", screen);
        Assert.Contains("[edit protocols]\nnflab@vmx1# show lldp\ninterface all;\n", screen);
    }

    [Fact]
    public async Task Junos_rollback_loads_an_earlier_commit_into_the_candidate()
    {
        var lab = Lab();
        var factory = lab.Running;
        await lab.RunAsync("configure", "set system host-name vmx2", "commit", "set system host-name vmx3", "commit", "exit");
        Assert.Contains("host-name vmx3;", lab.Running);

        var screen = await lab.RunAsync("configure", "rollback 2", "show | compare", "commit and-quit");

        Assert.Contains("nflab@vmx3# rollback 2\nload complete\n", screen);
        Assert.Contains("[edit system]\n-  host-name vmx3;\n+  host-name vmx1;\n", screen);
        Assert.Contains("commit complete\nExiting configuration mode\n\nnflab@vmx1> ", screen);
        Assert.Equal(factory, lab.Running);
    }

    [Fact]
    public async Task Junos_keeps_the_last_fifty_commits()
    {
        var lab = Lab();
        var input = new List<string> { "configure" };
        for (var i = 0; i < 60; i++)
        {
            input.AddRange([$"set system ntp server 192.0.2.{i}", "commit"]);
        }
        var screen = await lab.RunAsync([.. input, "rollback 49", "rollback 50"]);

        Assert.Equal(50, lab.State.Read(s => s.Commits.Count));
        Assert.Contains("rollback 49\nload complete\n", screen);
        Assert.Contains("rollback 50\n", screen);
        Assert.DoesNotContain("rollback 50\nload complete", screen);
    }

    [Fact]
    public async Task Junos_errors_point_at_the_bad_word()
    {
        var screen = await Lab().RunAsync("show verzion", "frobnicate", "configure", "set protocolz ospf");

        Assert.Contains("nflab@vmx1> show verzion\n                 ^\nsyntax error, expecting <command>.\n\nnflab@vmx1> ", screen);
        Assert.Contains("nflab@vmx1> frobnicate\n            ^\nunknown command.\n", screen);
        Assert.Contains("nflab@vmx1# set protocolz ospf\n                ^\nsyntax error.\n\n[edit]\n", screen);
    }

    [Fact]
    public async Task Junos_exit_with_uncommitted_changes_asks_and_no_stays()
    {
        var lab = Lab();
        var screen = await lab.RunAsync("configure", "set system ntp server 192.0.2.9", "exit", "no", "exit", "yes");

        Assert.Contains("nflab@vmx1# exit\nThe configuration has been changed but not committed\nExit with uncommitted changes? [yes,no] (yes) no\n\n[edit]\nnflab@vmx1# exit\n", screen);
        Assert.EndsWith("Exiting configuration mode\n\nnflab@vmx1> ", screen);
        // The shared candidate keeps the change for the next session, as Junos does.
        var next = await lab.RunAsync("configure", "show | compare");
        Assert.Contains("The configuration has been changed but not committed\n", next);
        Assert.Contains("[edit system ntp]\n+    server 192.0.2.9;", next);
    }

    [Fact]
    public async Task Junos_private_candidate_is_discarded_on_exit()
    {
        var lab = Lab();
        await lab.RunAsync("configure private", "set system ntp server 192.0.2.9", "exit", "yes");

        var next = await lab.RunAsync("configure", "show | compare");
        Assert.DoesNotContain("192.0.2.9", next);
        Assert.Null(lab.State.Read(s => s.Candidate));
    }

    [Fact]
    public async Task Junos_paging_shows_more_until_screen_length_zero()
    {
        var screen = await Lab().RunAsync("show configuration", " ", "q", "set cli screen-length 0", "show configuration");

        Assert.Equal(2, Regex.Matches(screen, @"---\(more\)---").Count);
        Assert.Contains("Screen length set to 0\n", screen);
        Assert.Contains("        interface all;\n    }\n}\n\nnflab@vmx1> ", screen);
    }

    [Fact]
    public async Task Junos_reject_config_fault_rejects_matching_set_lines()
    {
        var lab = Lab(new DeviceFaults { RejectConfig = ["host-name"] });
        var screen = await lab.RunAsync("configure", "set system host-name bad", "commit");

        Assert.Contains("nflab@vmx1# set system host-name bad\n                       ^\nsyntax error.\n", screen);
        Assert.Contains("host-name vmx1;", lab.Running);
    }

    [Fact]
    public async Task Junos_operational_output_and_prompts_look_like_a_device()
    {
        var screen = await Lab().RunAsync("set cli screen-length 0", "show version", "show interfaces terse");

        Assert.Contains("nflab@vmx1> show version\nHostname: vmx1\nModel: vmx\nJunos: 23.2R1.13\n", screen);
        Assert.Contains("\nge-0/0/0.0              up    up   inet     10.1.5.0/31\n", screen);
        Assert.Contains("\nge-0/0/2                down  down\n", screen);
        Assert.Matches(new Regex(@"^[\w\-@()/:\.]{1,63}>\s?$"), "nflab@vmx1> ");
    }
}

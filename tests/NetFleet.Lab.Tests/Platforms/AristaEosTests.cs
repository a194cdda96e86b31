using System.Text.RegularExpressions;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Tests.Platforms;

public class AristaEosTests
{
    private const string Enable = "enable";
    private const string Secret = LabDefaults.EnableSecret;

    private static LabSession Lab(DeviceFaults? faults = null) => new(new AristaEos(), "leaf1", faults);

    [Fact]
    public async Task Eos_session_diff_shows_pending_lines()
    {
        var lab = Lab();
        var before = lab.Running;
        var screen = await lab.RunAsync(Enable, Secret, "terminal length 0", "configure session change1", "interface Ethernet1",
            "description to spine1", "show session-config diffs");

        Assert.Contains("leaf1(config-s-chang-if-Et1)#show session-config diffs\n--- system:/running-config\n+++ session:/change1-session-config\n@@ ", screen);
        Assert.Contains(" interface Ethernet1\n-   description uplink\n+   description to spine1\n    no switchport\n", screen);
        Assert.Equal(before, lab.Running);
    }

    [Fact]
    public async Task Eos_commit_applies_the_session_and_abort_discards_it()
    {
        var lab = Lab();
        await lab.RunAsync(Enable, Secret, "configure session keep", "ntp server 192.0.2.1", "commit",
            "configure session drop", "ntp server 192.0.2.2", "abort");

        Assert.Contains("ntp server 192.0.2.1", lab.Running);
        Assert.DoesNotContain("192.0.2.2", lab.Running);
        Assert.DoesNotContain(lab.State.Read(s => s.Sessions), x => x.Name == "drop");
    }

    [Fact]
    public async Task Eos_commit_timer_reverts_when_not_confirmed()
    {
        var lab = LabSession.OnFakeTime(new AristaEos(), out var time, "leaf1");
        var before = lab.Running;
        var screen = await lab.RunAsync(Enable, Secret, "configure session risky", "hostname leaf9", "commit timer 00:05:00", "show configuration sessions");
        Assert.Contains("hostname leaf9", lab.Running);
        Assert.Matches(new Regex(@"\n  risky\s+pendingCommitTimer\s+nflab"), screen);

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Contains("hostname leaf9", lab.Running);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(before, lab.Running);
    }

    [Fact]
    public async Task Eos_commit_timer_confirmed_in_time_keeps_the_change()
    {
        var lab = LabSession.OnFakeTime(new AristaEos(), out var time, "leaf1");
        await lab.RunAsync(Enable, Secret, "configure session risky", "hostname leaf9", "commit timer 00:05:00");
        await lab.RunAsync(Enable, Secret, "configure session risky commit");

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Contains("hostname leaf9", lab.Running);
        Assert.Equal("completed", lab.State.Read(s => s.Sessions.Single(x => x.Name == "risky").State));
    }

    [Fact]
    public async Task Eos_invalid_input_names_the_token_and_incomplete_is_reported()
    {
        var screen = await Lab().RunAsync(Enable, Secret, "show verzion", "show ip", "configure", "no interface", "interface Ethernet1", "ip adress 10.0.0.1/24");

        Assert.Contains("leaf1#show verzion\n% Invalid input (at token 1: 'verzion')\nleaf1#", screen);
        Assert.Contains("leaf1#show ip\n% Incomplete command\nleaf1#", screen);
        Assert.Contains("leaf1(config)#no interface\n% Incomplete command\nleaf1(config)#", screen);
        Assert.Contains("leaf1(config-if-Et1)#ip adress 10.0.0.1/24\n% Invalid input (at token 1: 'adress')\n", screen);
    }

    [Fact]
    public async Task Eos_enable_with_wrong_secret_is_denied()
    {
        var screen = await Lab().RunAsync(Enable, "wrong", "show running-config");

        Assert.Contains("leaf1>enable\nPassword: \n% Access denied\nleaf1>show running-config\n% Invalid input (at token 1: 'running-config')\n", screen);
    }

    [Fact]
    public async Task Eos_configure_changes_running_config_and_no_keeps_shown_negations()
    {
        var lab = Lab();
        await lab.RunAsync(Enable, Secret, "conf t", "int et3", "no shutdown", "no switchport", "ip address 10.3.3.3/24", "end");

        Assert.Contains("interface Ethernet3\n   no switchport\n   ip address 10.3.3.3/24\n!", lab.Running);
        var brief = await lab.RunAsync(Enable, Secret, "show ip interface brief");
        Assert.Matches(new Regex(@"Ethernet3\s+10\.3\.3\.3/24\s+up\s+up\s+1500"), brief);
    }

    [Fact]
    public async Task Eos_reject_config_fault_rejects_matching_lines()
    {
        var lab = Lab(new DeviceFaults { RejectConfig = ["description .*forbidden"] });
        var screen = await lab.RunAsync(Enable, Secret, "configure", "interface Ethernet2", "description forbidden link");

        Assert.Contains("% Invalid input (at token 0: 'description')", screen);
        Assert.DoesNotContain("forbidden", lab.Running);
    }

    [Fact]
    public async Task Eos_write_memory_saves_the_running_config()
    {
        var lab = Lab();
        var screen = await lab.RunAsync(Enable, Secret, "configure", "ntp server 192.0.2.7", "end", "write memory");

        Assert.Contains("leaf1#write memory\nCopy completed successfully.\nleaf1#", screen);
        Assert.Contains("ntp server 192.0.2.7", lab.State.Read(s => s.StartupConfig));
    }

    [Fact]
    public async Task Eos_prompts_match_the_patterns_netmiko_and_scrapli_wait_for()
    {
        var screen = await Lab().RunAsync(Enable, Secret, "configure session ansible_1700000", "interface Et1", "end");
        var exec = new Regex(@"^[\w.\-@()/: ]{1,63}[>#]\s?$");
        var config = new Regex(@"^[\w.\-@()/: ]{1,63}\(config[\w.\-@/:\+]{0,63}\)#\s?$");

        Assert.Contains("leaf1(config-s-ansib)#", screen);
        Assert.Contains("leaf1(config-s-ansib-if-Et1)#", screen);
        Assert.Matches(config, "leaf1(config-s-ansib-if-Et1)#");
        Assert.Matches(exec, "leaf1>");
        Assert.Matches(exec, "leaf1#");
    }
}

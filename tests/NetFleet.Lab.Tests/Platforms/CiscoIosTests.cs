using System.Text.RegularExpressions;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Tests.Platforms;

public class CiscoIosTests
{
    private const string Enable = "enable";
    private const string Secret = LabDefaults.EnableSecret;

    private static LabSession Lab(DeviceFaults? faults = null) => new(new CiscoIos(), "r1", faults);

    [Fact]
    public async Task Ios_invalid_input_marks_the_bad_word_with_a_caret()
    {
        var screen = await Lab().RunAsync("show verzion", Enable, Secret, "conf t", "interface Loopback9", "ip adress 1.1.1.1 255.255.255.255");

        Assert.Contains("r1>show verzion\n" + new string(' ', "r1>show ".Length) + "^\n% Invalid input detected at '^' marker.\n\nr1>", screen);
        Assert.Contains("r1(config-if)#ip adress 1.1.1.1 255.255.255.255\n" + new string(' ', "r1(config-if)#ip ".Length) + "^\n% Invalid input detected at '^' marker.\n\nr1(config-if)#", screen);
    }

    [Fact]
    public async Task Ios_abbreviations_work_and_incomplete_or_ambiguous_input_is_reported()
    {
        var screen = await Lab().RunAsync(Enable, Secret, "terminal len 0", "sh ver", "s", "show ip", "conf t", "end");

        Assert.Contains("Cisco IOS Software, C2900 Software", screen);
        Assert.Contains("r1#s\n% Ambiguous command:  \"s\"\nr1#", screen);
        Assert.Contains("r1#show ip\n% Incomplete command.\n\nr1#", screen);
        Assert.Contains("r1#conf t\nEnter configuration commands, one per line.  End with CNTL/Z.\nr1(config)#end\nr1#", screen);
    }

    [Fact]
    public async Task Ios_enable_with_wrong_secret_fails_with_bad_secrets_after_three_tries()
    {
        var screen = await Lab().RunAsync(Enable, "a", "b", "c", Enable, Secret);

        Assert.Contains("r1>enable\nPassword: \nPassword: \nPassword: \n% Bad secrets\n\nr1>enable\nPassword: \nr1#", screen);
        Assert.DoesNotContain(Secret, screen);
    }

    [Fact]
    public async Task Ios_user_exec_refuses_privileged_commands()
    {
        var screen = await Lab().RunAsync("configure terminal");

        Assert.Contains("r1>configure terminal\n   ^\n% Invalid input", screen);
    }

    [Fact]
    public async Task Ios_paging_pauses_with_more_and_continues_by_page_line_or_stops()
    {
        var screen = await Lab().RunAsync(Enable, Secret, "terminal length 10", "show running-config", " ", "\r", "q", "show clock");

        var pauses = Regex.Matches(screen, " --More-- ").Count;
        Assert.Equal(3, pauses);
        var erase = new string('\b', 10) + new string(' ', 10) + new string('\b', 10);
        Assert.Contains(erase + "r1#show clock", screen);
        // 9 lines, then 9 after space, then 1 after Enter: the config stops after 19 of its lines.
        var shown = screen[screen.IndexOf("Building configuration", StringComparison.Ordinal)..screen.IndexOf("r1#show clock", StringComparison.Ordinal)];
        Assert.Equal(19, shown.Count(c => c == '\n'));
        Assert.DoesNotContain("ntp server", screen);
    }

    [Fact]
    public async Task Ios_config_sub_modes_change_the_prompt_and_no_removes_lines()
    {
        var lab = Lab();
        var screen = await lab.RunAsync(Enable, Secret, "conf t", "int gi0/2", "ip address 10.9.9.1 255.255.255.0", "no shutdown",
            "description to server", "exit", "line vty 0 4", "exec-timeout 5 0", "router ospf 1", "no network 10.255.1.5 0.0.0.0 area 0",
            "interface GigabitEthernet0/1", "no ip address", "\u001a");

        Assert.Contains("r1(config)#int gi0/2\nr1(config-if)#", screen);
        Assert.Contains("r1(config-if)#exit\nr1(config)#line vty 0 4\nr1(config-line)#exec-timeout 5 0\nr1(config-line)#router ospf 1\nr1(config-router)#", screen);
        Assert.EndsWith("r1(config-if)#^Z\nr1#", screen);
        Assert.Contains("interface GigabitEthernet0/2\n description to server\n ip address 10.9.9.1 255.255.255.0\n duplex auto\n speed auto\n!", lab.Running);
        Assert.Contains("line vty 0 4\n login local\n transport preferred none\n transport input ssh\n exec-timeout 5 0\n", lab.Running);
        Assert.DoesNotContain("network 10.255.1.5 0.0.0.0 area 0", lab.Running);
        Assert.True(lab.Running.Contains("interface GigabitEthernet0/1\n description uplink\n no ip address\n", StringComparison.Ordinal), lab.Running);
    }

    [Fact]
    public async Task Ios_no_interface_removes_the_section_and_its_separator()
    {
        var lab = Lab();
        var factory = lab.Running;
        await lab.RunAsync(Enable, Secret, "conf t", "interface Loopback7", "ip address 7.7.7.7 255.255.255.255", "exit");
        Assert.Contains("interface Loopback0\n ip address 10.255.1.5 255.255.255.255\n!\ninterface Loopback7\n ip address 7.7.7.7 255.255.255.255\n!\ninterface GigabitEthernet0/0\n", lab.Running);

        var screen = await lab.RunAsync(Enable, Secret, "conf t", "no interface", "no interface Loopback7", "end");

        Assert.Contains("r1(config)#no interface\n% Incomplete command.\n\nr1(config)#", screen);

        Assert.Equal(factory, lab.Running);
    }

    [Fact]
    public async Task Ios_hostname_changes_the_prompt_and_do_runs_exec_commands()
    {
        var screen = await Lab().RunAsync(Enable, Secret, "configure terminal", "hostname edge-7", "do show ip interface brief", "end");

        Assert.Contains("r1(config)#hostname edge-7\nedge-7(config)#do show ip interface brief\nInterface ", screen);
        Assert.Matches(new Regex(@"GigabitEthernet0/2\s+unassigned\s+YES unset\s+administratively down down"), screen);
        Assert.EndsWith("edge-7(config)#end\nedge-7#", screen);
    }

    [Fact]
    public async Task Ios_write_memory_copies_running_to_startup()
    {
        var lab = Lab();
        await lab.RunAsync(Enable, Secret, "conf t", "ntp server 192.0.2.1", "end");
        Assert.DoesNotContain("ntp server 192.0.2.1", lab.State.Read(s => s.StartupConfig));

        var screen = await lab.RunAsync(Enable, Secret, "wr");

        Assert.Contains("r1#wr\nBuilding configuration...\n[OK]\nr1#", screen);
        Assert.Contains("ntp server 192.0.2.1", lab.State.Read(s => s.StartupConfig));
    }

    [Fact]
    public async Task Ios_archive_and_configure_replace_restore_a_saved_config()
    {
        var lab = Lab();
        var saved = await lab.RunAsync(Enable, Secret, "archive config", "copy running-config flash:golden.cfg", "", "show archive");
        Assert.Contains("   1        flash:archive-1 <- Most Recent\n", saved);
        Assert.Contains("The next archive file will be named flash:archive-2", saved);
        var before = lab.Running;

        await lab.RunAsync(Enable, Secret, "conf t", "hostname changed", "interface Loopback5", "ip address 5.5.5.5 255.255.255.255", "end");
        Assert.NotEqual(before, lab.Running);

        var screen = await lab.RunAsync(Enable, Secret, "configure replace flash:archive-1 force");
        Assert.Contains("Rollback Done", screen);
        Assert.Equal(before, lab.Running);

        await lab.RunAsync(Enable, Secret, "conf t", "hostname again", "end", "configure replace flash:golden.cfg", "y");
        Assert.Equal(before, lab.Running);
    }

    [Fact]
    public async Task Ios_configure_replace_with_time_reverts_unless_confirmed()
    {
        var lab = LabSession.OnFakeTime(new CiscoIos(), out var time);
        await lab.RunAsync(Enable, Secret, "copy running-config flash:base", "");
        await lab.RunAsync(Enable, Secret, "conf t", "hostname changed", "end");
        var changed = lab.Running;

        await lab.RunAsync(Enable, Secret, "configure replace flash:base force time 5");
        Assert.Contains("hostname r1", lab.Running);
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(changed, lab.Running);

        await lab.RunAsync(Enable, Secret, "configure replace flash:base force time 5", "configure confirm");
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Contains("hostname r1", lab.Running);
        Assert.Null(lab.State.Read(s => s.PendingRevert));
    }

    [Fact]
    public async Task Ios_reject_config_fault_rejects_matching_lines_with_a_caret()
    {
        var lab = Lab(new DeviceFaults { RejectConfig = ["^ntp server 203\\."] });
        var screen = await lab.RunAsync(Enable, Secret, "conf t", "ntp server 203.0.113.1", "ntp server 192.0.2.1", "end");

        Assert.Contains("r1(config)#ntp server 203.0.113.1\n           ^\n% Invalid input detected at '^' marker.", screen);
        Assert.DoesNotContain("203.0.113.1", lab.Running);
        Assert.Contains("ntp server 192.0.2.1", lab.Running);
    }

    [Fact]
    public async Task Ios_exec_command_runs_show_without_enable_and_prints_no_prompt()
    {
        var output = await Lab().ExecAsync("show running-config | include hostname");

        Assert.Equal("hostname r1\n", output);
    }

    [Fact]
    public async Task Ios_piped_input_without_a_pty_still_puts_prompts_and_output_on_their_own_lines()
    {
        var output = await Lab().PipeAsync("show clock", "exit");

        Assert.Matches(new Regex(@"^r1>\n\*\d\d:\d\d:\d\d\.\d{3} UTC \w{3} \w{3} \d+ \d{4}\nr1>\n$"), output);
    }

    [Fact]
    public async Task Ios_prompts_match_the_patterns_netmiko_and_scrapli_wait_for()
    {
        var screen = await Lab().RunAsync(Enable, Secret, "conf t", "interface gi0/1", "end");
        var prompt = new Regex(@"^[\w.\-@()/:]{1,63}(\(config[\w.\-@/:+]{0,32}\))?[>#]$");

        foreach (var p in new[] { "r1>", "r1#", "r1(config)#", "r1(config-if)#" })
        {
            Assert.Contains(p, screen);
            Assert.Matches(prompt, p);
        }
    }
}

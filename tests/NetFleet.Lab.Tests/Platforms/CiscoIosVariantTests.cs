using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Tests.Platforms;

/// <summary>The IOS variants of <see cref="IosCapabilities"/>, driven as scripted sessions.</summary>
public class CiscoIosVariantTests
{
    private const string Enable = "enable";
    private const string Secret = LabDefaults.EnableSecret;
    private const string Caret = "% Invalid input detected at '^' marker.";

    private static LabSession Lab(IosCapabilities capabilities) => new(new CiscoIos(), "r1", capabilities: capabilities);

    private static string Rejected(string prompt, string line, int word) =>
        $"{prompt}{line}\n{new string(' ', prompt.Length + line.IndexOf(line.Split(' ')[word], StringComparison.Ordinal))}^\n{Caret}\n\n{prompt}";

    [Fact]
    public async Task Archiveless_device_says_the_archive_feature_is_not_enabled()
    {
        var lab = Lab(new IosCapabilities { Archive = false });

        var screen = await lab.RunAsync(Enable, Secret, "archive config", "show archive", "terminal length 0", "show running-config");

        Assert.Contains("r1#archive config\n% Archive feature not enabled\nr1#", screen);
        Assert.Contains("r1#show archive\nArchive feature not enabled\nr1#", screen);
        Assert.DoesNotContain("\narchive\n", lab.Running);
        Assert.DoesNotContain("path flash:archive", screen);
    }

    [Fact]
    public async Task Archiveless_device_gets_a_working_archive_once_the_operator_configures_one()
    {
        var lab = Lab(new IosCapabilities { Archive = false });

        var screen = await lab.RunAsync(Enable, Secret, "configure terminal", "archive", "path flash:backup", "end", "archive config", "show archive");

        Assert.Contains("r1(config)#archive\nr1(config-archive)#path flash:backup", screen);
        Assert.Contains("r1#archive config\nr1#", screen);
        Assert.Contains("The next archive file will be named flash:backup-2", screen);
        Assert.True(lab.State.Read(s => s.Files.ContainsKey("backup-1")));
    }

    [Fact]
    public async Task Image_without_configure_replace_rejects_it_and_every_archive_command_with_a_caret()
    {
        var lab = Lab(new IosCapabilities { ConfigureReplace = false, Archive = false });

        var screen = await lab.RunAsync(Enable, Secret, "copy running-config flash:base", "", "configure replace flash:base force",
            "configure confirm", "archive config", "show archive", "configure terminal", "archive", "end");

        Assert.Contains(Rejected("r1#", "configure replace flash:base force", 1), screen);
        Assert.Contains(Rejected("r1#", "configure confirm", 1), screen);
        Assert.Contains(Rejected("r1#", "archive config", 0), screen);
        Assert.Contains(Rejected("r1#", "show archive", 1), screen);
        Assert.Contains(Rejected("r1(config)#", "archive", 0), screen);
        Assert.DoesNotContain("Rollback Done", screen);
    }

    [Fact]
    public async Task Image_with_archive_but_before_configure_replace_archives_yet_rejects_replace()
    {
        var lab = Lab(new IosCapabilities { ConfigureReplace = false, Archive = true });

        var screen = await lab.RunAsync(Enable, Secret, "archive config", "show archive", "configure replace flash:archive-1 force");

        Assert.Contains("r1#archive config\nr1#", screen);
        Assert.Contains("flash:archive-1 <- Most Recent", screen);
        Assert.Contains(Rejected("r1#", "configure replace flash:archive-1 force", 1), screen);
    }

    [Fact]
    public async Task Enable_none_enters_privileged_exec_without_asking()
    {
        var lab = Lab(new IosCapabilities { Enable = IosEnable.None });

        var screen = await lab.RunAsync(Enable, "disable", "exit");

        Assert.StartsWith("r1>enable\nr1#", screen);
        Assert.DoesNotContain("Password:", screen);
        Assert.DoesNotContain("enable secret", lab.Running);
        Assert.Contains("aaa authentication enable default none\n", lab.Running);
    }

    [Fact]
    public async Task Privilege15_login_starts_at_the_hash_prompt_and_has_no_enable_secret_to_return_with()
    {
        var lab = Lab(new IosCapabilities { Enable = IosEnable.Privilege15 });

        var screen = await lab.RunAsync("configure terminal", "end", "disable", Enable);

        Assert.StartsWith("r1#configure terminal\n", screen);
        Assert.Contains("r1#disable\nr1>enable\n% No password set\nr1>", screen);
        Assert.Contains($"username {LabDefaults.Username} privilege 15 secret", lab.Running);
    }

    [Fact]
    public async Task Legacy_image_prints_the_12_4_version_and_its_prompt_after_a_blank_line()
    {
        var lab = Lab(new IosCapabilities { Image = "12.4" });

        var screen = await lab.RunAsync("show version");

        Assert.StartsWith("\nr1>show version\nCisco IOS Software, 2800 Software (C2800NM-ADVIPSERVICESK9-M), Version 12.4(24)T8", screen);
        Assert.Contains("r1 uptime is ", screen);
        Assert.Contains("Cisco 2851 (revision 53.51)", screen);
        Assert.DoesNotContain("License", screen);
        Assert.StartsWith("version 12.4\n", lab.Running);
        Assert.DoesNotContain("redundancy", lab.Running);
    }

    [Fact]
    public async Task Motd_comes_before_the_first_prompt_and_shows_in_the_running_configuration_verbatim()
    {
        const string motd = "##########\n  Authorised access only >\n\nr9#\n";
        var lab = Lab(new IosCapabilities { Motd = motd });

        var screen = await lab.RunAsync(Enable, Secret, "configure terminal", "ntp server 192.0.2.9", "end", "terminal length 0", "show running-config");

        Assert.StartsWith(motd + "r1>enable\n", screen);
        Assert.Contains("\n!\nbanner motd ^C\n" + motd + "^C\n!\nline con 0\n", screen.Replace("\r", "", StringComparison.Ordinal));
        // A configuration change re-renders the configuration; the banner keeps its blank line and indentation.
        Assert.Contains("banner motd ^C\n" + motd + "^C\n", lab.Running);
        Assert.Contains("ntp server 192.0.2.9", lab.Running);
    }

    [Fact]
    public async Task Legacy_motd_is_framed_by_blank_lines()
    {
        var lab = Lab(new IosCapabilities { Image = "12.4", Motd = "Authorised access only >\n" });

        var screen = await lab.RunAsync("exit");

        Assert.StartsWith("\nAuthorised access only >\n\nr1>exit\n", screen);
    }

    [Fact]
    public void Classic_device_keeps_its_factory_configuration()
    {
        var lab = Lab(IosCapabilities.Classic);

        Assert.StartsWith("version 15.7\n", lab.Running);
        Assert.Contains("\nenable secret 9 ", lab.Running);
        Assert.Contains("\nno aaa new-model\n", lab.Running);
        Assert.Contains("\narchive\n path flash:archive\n maximum 10\n!\n", lab.Running);
        Assert.Contains("\nredundancy\n", lab.Running);
        Assert.DoesNotContain("banner", lab.Running);
        Assert.DoesNotContain("\n\n", lab.Running);
    }

    [Fact]
    public async Task Command_log_records_each_line_with_the_mode_it_was_entered_in()
    {
        var lab = Lab(IosCapabilities.Classic);

        await lab.RunAsync("show clock", Enable, Secret, "configure terminal", "interface Loopback7", "description x", "end", "exit");
        await lab.ExecAsync("show version");

        Assert.Equal(
        [
            new("exec", "show clock"), new("exec", "enable"), new("privileged", "configure terminal"),
            new("config", "interface Loopback7"), new("config-if", "description x"), new("config-if", "end"),
            new("privileged", "exit"), new CommandLogEntry("exec", "show version"),
        ], lab.Commands.Entries);
        Assert.DoesNotContain(lab.Commands.Entries, e => e.Line == Secret);
        Assert.Equal(3, lab.Commands.Entries.Count(e => e.InConfigurationMode));
    }
}

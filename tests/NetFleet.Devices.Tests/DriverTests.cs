using NetFleet.Devices;

namespace NetFleet.Devices.Tests;

[Collection(DeviceLabCollection.Name)]
public sealed class DriverTests(DeviceLab lab)
{
    public static TheoryData<string, string[], string> Platforms => new()
    {
        { "ios-1", ["ntp server 192.0.2.10", "snmp-server location lab-rack-7"], "snmp-server location lab-rack-7" },
        { "eos-1", ["ntp server 192.0.2.10", "snmp-server location lab-rack-7"], "snmp-server location lab-rack-7" },
        { "junos-1", ["set system ntp server 192.0.2.10", "set snmp location lab-rack-7"], "location lab-rack-7" },
    };

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task Opens_shows_version_and_applies_config_that_running_config_then_contains(string device, string[] lines, string expected)
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options(device));

        var version = await driver.RunCommandAsync("show version");
        Assert.NotEmpty(version.Output);
        Assert.DoesNotContain("show version", version.Output);
        Assert.DoesNotContain(driver.Prompt!, version.Output);
        Assert.DoesNotContain("\r", version.Output);

        var applied = await driver.ApplyConfigAsync(lines);
        Assert.True(applied.Changed);
        Assert.NotNull(applied.Diff);
        Assert.Contains("192.0.2.10", applied.Diff);

        var running = await driver.GetRunningConfigAsync();
        Assert.Contains("192.0.2.10", running);
        Assert.Contains(expected, running);

        var again = await driver.ApplyConfigAsync(lines);
        Assert.False(again.Changed);
        await driver.CloseAsync();
    }

    [Theory]
    [InlineData("ios-rename", "hostname core-r9", "core-r9#")]
    [InlineData("eos-rename", "hostname core-e9", "core-e9#")]
    [InlineData("junos-rename", "set system host-name core-j9", "@core-j9>")]
    public async Task Driver_follows_the_prompt_when_config_changes_the_hostname(string device, string line, string prompt)
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options(device));
        await driver.ApplyConfigAsync([line]);
        var result = await driver.RunCommandAsync("show version");
        Assert.EndsWith(prompt, driver.Prompt);
        Assert.NotEmpty(result.Output);
    }

    [Theory]
    [InlineData("ios-1")]
    [InlineData("eos-1")]
    [InlineData("junos-1")]
    public async Task Output_is_complete_when_paging_was_left_on(string device)
    {
        await using var paged = await DeviceLab.OpenAsync(lab.Options(device) with { DisablePaging = false });
        await using var unpaged = await DeviceLab.OpenAsync(lab.Options(device));
        var command = device.StartsWith("junos", StringComparison.Ordinal) ? "show configuration" : "show running-config";

        var withPager = (await paged.RunCommandAsync(command)).Output;
        var without = (await unpaged.RunCommandAsync(command)).Output;

        Assert.True(without.Split('\n').Length > 30, "the config should be longer than a screen");
        Assert.Equal(Stable(without), Stable(withPager));
        Assert.DoesNotContain("--More--", withPager);
        Assert.DoesNotContain("---(more", withPager);
        Assert.DoesNotContain("\b", withPager);
    }

    [Fact]
    public async Task A_reply_many_times_the_shells_starting_buffer_arrives_whole()
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options("eos-big"));
        // 1,000 lines of about 30 bytes: several times the shell stream's starting buffer, which SSH.NET has to grow.
        var lines = Enumerable.Range(0, 1000).Select(i => $"ntp server 198.18.{i / 250}.{i % 250 + 1} prefer").ToList();
        await driver.ApplyConfigAsync(lines);

        var running = (await driver.RunCommandAsync("show running-config")).Output;

        Assert.True(running.Length > 5 * NetFleet.Devices.Transport.SshTransport.ShellBufferBytes, $"only {running.Length} characters");
        Assert.All(lines, line => Assert.Contains(line, running));
    }

    [Theory]
    [InlineData("ios-1")]
    [InlineData("eos-1")]
    public async Task Enable_with_the_right_secret_reaches_privileged_exec(string device)
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options(device));
        await driver.RunCommandAsync("show running-config");
        Assert.EndsWith("#", driver.Prompt);
    }

    [Theory]
    [InlineData("ios-1")]
    [InlineData("eos-1")]
    public async Task Enable_with_a_wrong_secret_fails_without_revealing_it(string device)
    {
        const string wrong = "not-the-secret-42";
        await using var driver = await DeviceLab.OpenAsync(lab.Options(device) with { EnableSecret = wrong });
        var error = await Assert.ThrowsAsync<PrivilegeEscalationException>(() => driver.RunCommandAsync("show running-config"));
        Assert.False(error.Retryable);
        Assert.DoesNotContain(wrong, error.Message);
        Assert.EndsWith(">", driver.Prompt);
    }

    [Theory]
    [InlineData("ios-1", "show vresion", "% Invalid input")]
    [InlineData("eos-1", "show vresion", "% Invalid input")]
    [InlineData("junos-1", "show vresion", "syntax error")]
    public async Task Invalid_command_is_rejected_in_the_devices_words_and_the_session_goes_on(string device, string command, string words)
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options(device));
        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => driver.RunCommandAsync(command));
        Assert.Equal(command, error.Command);
        Assert.Contains(words, error.DeviceMessage);
        Assert.False(error.Retryable);
        Assert.NotEmpty((await driver.RunCommandAsync("show version")).Output);
    }

    [Fact]
    public async Task Password_login_works_like_key_login()
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options("ios-1", password: true));
        Assert.NotEmpty((await driver.RunCommandAsync("show version")).Output);
    }

    private static string Stable(string config) =>
        string.Join('\n', config.Split('\n').Where(l => !l.Contains("Time:", StringComparison.Ordinal) && !l.Contains("Last", StringComparison.Ordinal)));
}

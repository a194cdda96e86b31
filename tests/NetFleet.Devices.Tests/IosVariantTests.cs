using NetFleet.Devices;

namespace NetFleet.Devices.Tests;

/// <summary>The IOS driver against the variants operators meet: no archive, an old image with a MOTD banner and enable
/// without a secret, a privilege-15 login with a slow show running-config.</summary>
public sealed class IosVariantTests(DeviceLab lab) : IClassFixture<DeviceLab>
{
    [Theory]
    [InlineData("ios-noarchive", true)]
    [InlineData("ios-legacy", false)]
    [InlineData("ios-privileged", false)]
    public async Task Logs_in_past_banners_and_reaches_privileged_exec_with_or_without_an_enable_secret(string device, bool needsSecret)
    {
        var options = lab.Options(device) with { EnableSecret = needsSecret ? lab.Options(device).EnableSecret : null };
        await using var driver = await DeviceLab.OpenAsync(options);

        var version = await driver.RunCommandAsync("show version");

        Assert.Equal($"{device}#", driver.Prompt);
        Assert.Contains("Cisco IOS Software", version.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Authorised access only", version.Output);
    }

    [Theory]
    [InlineData("ios-1", null)]
    [InlineData("ios-noarchive", "a configuration archive: configure 'archive' with a 'path' on the device ('show archive' answered: Archive feature not enabled)")]
    [InlineData("ios-legacy", "the Configuration Replace and Rollback feature ('configure replace', 'configure confirm'), which this image lacks")]
    public async Task Probe_tells_whether_the_replace_strategy_is_there_and_what_is_missing(string device, string? missing)
    {
        await using var driver = await DeviceLab.OpenAsync(lab.Options(device) with { EnableSecret = device == "ios-legacy" ? null : lab.Options(device).EnableSecret });

        var capabilities = await driver.Platform.ProbeAsync(driver, CancellationToken.None);

        if (missing is null)
        {
            Assert.Equal(ConfigStrategy.Replace, capabilities.Strongest);
            return;
        }

        Assert.Equal(ConfigStrategy.Merge, capabilities.Strongest);
        Assert.StartsWith(missing, capabilities.Missing[ConfigStrategy.Replace]);
    }
}

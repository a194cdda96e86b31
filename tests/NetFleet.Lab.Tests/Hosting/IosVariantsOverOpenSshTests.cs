using System.Diagnostics;
using NetFleet.Lab.Devices;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Hosting;

/// <summary>The <c>mixed</c> IOS preset (classic, no-archive, legacy, privileged-slow) driven by the OpenSSH client.</summary>
public sealed class IosVariantsOverOpenSshTests(IosVariantsOverOpenSshTests.MixedLab lab) : IClassFixture<IosVariantsOverOpenSshTests.MixedLab>
{
    private LabDevice Device(string variant) => lab.Spec.Devices.Single(d => d.Variant == variant);

    private async Task<string> SessionAsync(LabDevice device, string input)
    {
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, input: input, tty: true);
        Assert.True(code == 0, $"{device.Name}: exit {code}: {output}");
        return output.Replace("\r", "", StringComparison.Ordinal);
    }

    [Fact]
    public void Status_counts_the_devices_of_each_variant()
    {
        Assert.Equal(new Dictionary<string, int> { ["classic"] = 1, ["no-archive"] = 1, ["legacy"] = 1, ["privileged-slow"] = 1 },
            lab.Host.Status().IosVariants);
    }

    [Fact]
    public async Task Archiveless_device_answers_archive_config_with_the_feature_error()
    {
        var device = Device("no-archive");

        var output = await SessionAsync(device, $"enable\r{LabDefaults.EnableSecret}\rarchive config\rshow archive\rexit\r");

        Assert.Contains($"{device.Name}#archive config\n% Archive feature not enabled\n{device.Name}#", output);
        Assert.Contains($"{device.Name}#show archive\nArchive feature not enabled\n", output);
    }

    [Fact]
    public async Task Legacy_device_shows_its_banner_enables_without_a_secret_and_rejects_configure_replace()
    {
        var device = Device("legacy");

        var output = await SessionAsync(device, "enable\rconfigure replace flash:base force\rexit\r");

        var banner = output.IndexOf("Disconnect now if you are not authorised >\n", StringComparison.Ordinal);
        var firstPrompt = output.IndexOf($"\n{device.Name}>", StringComparison.Ordinal);
        Assert.True(banner >= 0 && banner < firstPrompt, output);
        Assert.Contains($"\n\n{device.Name}>enable\n{device.Name}#configure replace flash:base force\n"
            + new string(' ', $"{device.Name}#configure ".Length) + "^\n% Invalid input detected at '^' marker.\n", output);
        Assert.DoesNotContain("Password:", output);

        var (_, version) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, "show version");
        Assert.Contains("Version 12.4(24)T8", version);
    }

    [Fact]
    public async Task Privileged_device_starts_at_the_hash_prompt_and_answers_show_running_config_late()
    {
        var device = Device("privileged-slow");
        var delay = device.Capabilities.ShowRunningConfigMs;

        var output = await SessionAsync(device, "show clock\rexit\r");
        Assert.Contains($"{device.Name}#show clock\n", output);

        var clock = Stopwatch.StartNew();
        var (code, config) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, "show running-config");
        Assert.Equal(0, code);
        Assert.Contains($"hostname {device.Name}", config);
        Assert.True(clock.ElapsedMilliseconds >= delay, $"show running-config took {clock.ElapsedMilliseconds} ms, expected at least {delay} ms");
    }

    [Fact]
    public async Task Command_log_shows_what_the_device_received_in_each_mode()
    {
        var device = Device("classic");
        lab.Host.ClearCommandLog(device.Name);

        await SessionAsync(device, $"terminal length 0\renable\r{LabDefaults.EnableSecret}\rconfigure terminal\rntp server 192.0.2.44\rend\rexit\r");

        Assert.Equal(
        [
            new("exec", "terminal length 0"), new("exec", "enable"), new("privileged", "configure terminal"),
            new("config", "ntp server 192.0.2.44"), new("config", "end"), new CommandLogEntry("privileged", "exit"),
        ], lab.Host.CommandLog(device.Name));

        lab.Host.ClearCommandLog(device.Name);
        await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, "show running-config");
        Assert.Equal([new CommandLogEntry("exec", "show running-config")], lab.Host.CommandLog(device.Name));
        Assert.DoesNotContain(lab.Host.CommandLog(device.Name), e => e.InConfigurationMode);
    }

    public sealed class MixedLab() : LabFixture(IosVariantSpec(IosVariants.Mixed));
}

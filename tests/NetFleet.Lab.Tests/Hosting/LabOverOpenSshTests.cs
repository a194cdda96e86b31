using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Hosting;

/// <summary>Fifty devices of the three platforms, driven by the OpenSSH client through their modes.</summary>
public sealed class LabOverOpenSshTests(LabOverOpenSshTests.FiftyDevices lab) : IClassFixture<LabOverOpenSshTests.FiftyDevices>
{
    [Fact]
    public async Task Every_device_answers_show_version_as_its_platform()
    {
        var results = await Task.WhenAll(lab.Spec.Devices.Select(async device =>
            (device, await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, "show version"))));
        foreach (var (device, (code, output)) in results)
        {
            Assert.True(code == 0, $"{device.Name}: exit {code}: {output}");
            var marker = device.Platform switch
            {
                "cisco_ios" => "Cisco IOS Software",
                "arista_eos" => "Arista",
                _ => "Junos:",
            };
            Assert.Contains(marker, output);
        }
    }

    [Fact]
    public async Task Ios_device_walks_from_user_to_config_mode_and_keeps_the_change()
    {
        var device = lab.Spec.Devices.First(d => d.Platform == "cisco_ios");
        var script = $"terminal length 0\renable\r{LabDefaults.EnableSecret}\rconfigure terminal\r"
            + "interface Loopback42\rdescription walked by openssh\rend\rexit\r";
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, input: script, tty: true);
        Assert.Equal(0, code);
        Assert.Contains($"{device.Name}>", output);
        Assert.Contains($"{device.Name}#", output);
        Assert.Contains($"{device.Name}(config)#", output);
        Assert.Contains($"{device.Name}(config-if)#", output);

        // A second session sees the change: state outlives the session.
        (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address,
            input: $"terminal length 0\renable\r{LabDefaults.EnableSecret}\rshow running-config\rexit\r", tty: true);
        Assert.Equal(0, code);
        Assert.Contains("interface Loopback42", output);
        Assert.Contains(" description walked by openssh", output);
    }

    [Fact]
    public async Task Eos_device_commits_a_configure_session()
    {
        var device = lab.Spec.Devices.First(d => d.Platform == "arista_eos");
        var script = $"terminal length 0\renable\r{LabDefaults.EnableSecret}\rconfigure session demo\r"
            + "ntp server 192.0.2.7\rshow session-config diffs\rcommit\rshow running-config\rexit\r";
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, input: script, tty: true);
        Assert.Equal(0, code);
        Assert.Contains($"{device.Name}(config-s-demo)#", output);
        Assert.Contains("+ntp server 192.0.2.7", output);
        Assert.Contains("\nntp server 192.0.2.7", output.Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Junos_device_commits_candidate_configuration()
    {
        var device = lab.Spec.Devices.First(d => d.Platform == "juniper_junos");
        var script = "set cli screen-length 0\rconfigure\rset system ntp server 192.0.2.8\rshow | compare\rcommit\rexit\r"
            + "show configuration system ntp | display set\rexit\r";
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, device.Address, input: script, tty: true);
        Assert.Equal(0, code);
        Assert.Contains($"{LabDefaults.Username}@{device.Name}>", output);
        Assert.Contains($"{LabDefaults.Username}@{device.Name}#", output);
        Assert.Contains("+    server 192.0.2.8;", output);
        Assert.Contains("commit complete", output);
        Assert.Contains("set system ntp server 192.0.2.8", output);
    }

    public sealed class FiftyDevices() : LabFixture(port => LabSpec.Generate(50, LabPlatforms.All, port, TimeSpan.FromSeconds(1)));
}

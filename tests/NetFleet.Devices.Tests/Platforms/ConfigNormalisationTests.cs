using NetFleet.Devices.Platforms;

namespace NetFleet.Devices.Tests.Platforms;

/// <summary>Each platform strips the lines its devices change by themselves, and reads who/when from them first.</summary>
public sealed class ConfigNormalisationTests
{
    [Fact]
    public void Ios_drops_its_headers_and_clock_period_and_tells_who_changed_it()
    {
        var ios = new CiscoIos();
        var shown = "Building configuration...\r\n\r\nCurrent configuration : 1234 bytes\r\n!\r\n"
            + "! Last configuration change at 17:40:02 UTC Thu Dec 3 2026 by nflab\r\n! NVRAM config last updated at 17:00:00 UTC Thu Dec 3 2026 by nflab\r\n!\r\n"
            + "version 15.2\r\nhostname r1\r\nntp clock-period 17179862\r\ninterface Loopback0\r\n ip address 10.0.0.1 255.255.255.255   \r\n!\r\nend\r\n\r\n";

        var normalised = ios.Normalise(shown);

        Assert.Equal("!\nversion 15.2\nhostname r1\ninterface Loopback0\n ip address 10.0.0.1 255.255.255.255\n!\nend\n", normalised.Text);
        Assert.Equal("nflab", normalised.Origin?.User);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 17, 40, 2, TimeSpan.Zero), normalised.Origin?.At);
        // A later read that differs only in the volatile lines is the same configuration.
        Assert.Equal(normalised.Text, ios.Normalise(shown.Replace("1234 bytes", "1240 bytes", StringComparison.Ordinal)
            .Replace("17:40:02", "18:02:10", StringComparison.Ordinal).Replace("17179862", "17179870", StringComparison.Ordinal)).Text);
        Assert.Equal("hostname r1\n", ios.Normalise("Using 1290 out of 262144 bytes\n!\nhostname r1\n").Text.TrimStart('!', '\n'));
        // A device that has no last change yet prints no frame for it: the same configuration.
        Assert.Equal(ios.Normalise("!\nversion 15.2\n!\n!\nhostname r1\n").Text,
            ios.Normalise("!\n! Last configuration change at 17:40:02 UTC Thu Dec 3 2026 by nflab\n!\nversion 15.2\n!\n!\nhostname r1\n").Text);
        Assert.Contains("!\n!\nhostname", ios.Normalise("!\nversion 15.2\n!\n!\nhostname r1\n").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Ios_time_in_a_local_zone_is_not_guessed()
    {
        var origin = new CiscoIos().Normalise("! Last configuration change at 09:40:02 PST Thu Dec 3 2026 by ops\nhostname r1\n").Origin;
        Assert.Equal("ops", origin?.User);
        Assert.Null(origin?.At);
    }

    [Fact]
    public void Eos_drops_the_command_and_device_headers()
    {
        var shown = "! Command: show running-config\n! device: sw1 (vEOS-lab, EOS-4.31.2F)\n!\n! boot system flash:/vEOS-lab.swi\n!\nhostname sw1\n";
        var normalised = new AristaEos().Normalise(shown);
        Assert.Equal("!\n! boot system flash:/vEOS-lab.swi\n!\nhostname sw1\n", normalised.Text);
        Assert.Null(normalised.Origin);
    }

    [Fact]
    public void Junos_reads_the_last_commit_from_its_header_command()
    {
        var junos = new JuniperJunos();
        var normalised = junos.Normalise("set system host-name j1\nset interfaces lo0 unit 0\n", "## Last commit: 2026-12-03 17:12:44 UTC by nflab\n");
        Assert.Equal("set system host-name j1\nset interfaces lo0 unit 0\n", normalised.Text);
        Assert.Equal("nflab", normalised.Origin?.User);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 17, 12, 44, TimeSpan.Zero), normalised.Origin?.At);
        Assert.Equal("show configuration | match ##", junos.LastChangeCommand);
        Assert.Null(junos.StartupConfigCommand);
    }

    [Fact]
    public void Frr_drops_the_building_lines_and_has_no_startup_to_read()
    {
        var frr = new Frr();
        Assert.Equal("frr version 8.4.4\nhostname r1\n", frr.Normalise("Building configuration...\n\nCurrent configuration:\nfrr version 8.4.4\nhostname r1\n").Text);
        Assert.Null(frr.StartupConfigCommand);
    }
}

using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Tests.Platforms;

namespace NetFleet.Lab.Tests.Devices;

public class CommandLogTests
{
    [Fact]
    public void Log_keeps_the_newest_lines_up_to_its_capacity_and_clears()
    {
        var log = new CommandLog(capacity: 3);
        foreach (var line in new[] { "a", "b", "c", "d" })
        {
            log.Record("exec", line);
        }

        Assert.Equal(["b", "c", "d"], log.Entries.Select(e => e.Line));
        log.Clear();
        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task Eos_lines_are_logged_with_the_mode_its_prompt_names()
    {
        var lab = new LabSession(new AristaEos());

        await lab.RunAsync("enable", LabDefaults.EnableSecret, "configure session demo", "interface Ethernet1", "description x", "abort", "exit");

        // The enable secret is read as a password and never logged.
        Assert.Equal(["exec", "privileged", "config-s-demo", "config-s-demo-if-Et1", "config-s-demo-if-Et1", "privileged"],
            lab.Commands.Entries.Select(e => e.Mode));
        Assert.DoesNotContain(lab.Commands.Entries, e => e.Line == LabDefaults.EnableSecret);
    }

    [Fact]
    public async Task Junos_lines_are_logged_as_operational_or_configuration()
    {
        var lab = new LabSession(new JuniperJunos());

        await lab.RunAsync("show version", "configure", "set system ntp server 192.0.2.8", "rollback 0", "exit", "exit");

        Assert.Equal(["operational", "operational", "configuration", "configuration", "configuration", "operational"],
            lab.Commands.Entries.Select(e => e.Mode));
        Assert.Equal(3, lab.Commands.Entries.Count(e => e.InConfigurationMode));
    }
}

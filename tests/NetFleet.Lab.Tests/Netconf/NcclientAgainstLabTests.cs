using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Testing;
using Xunit.Abstractions;

namespace NetFleet.Lab.Tests.Netconf;

/// <summary>
/// The lab's NETCONF personality checked by a client nobody here wrote: Debian's python3-ncclient over the lab's
/// real sshd (the <c>netconf</c> subsystem), then the CLI over OpenSSH sees what ncclient changed.
/// </summary>
public sealed class NcclientAgainstLabTests(NcclientAgainstLabTests.JunosAndIos lab, ITestOutputHelper output)
    : IClassFixture<NcclientAgainstLabTests.JunosAndIos>
{
    /// <summary>Long enough for ncclient to confirm a commit inside one device minute, short enough to watch a revert.</summary>
    private static readonly TimeSpan DeviceMinute = TimeSpan.FromSeconds(2);

    public sealed class JunosAndIos() : LabFixture(port =>
        LabSpec.Generate(2, [LabPlatforms.Find("junos")!, LabPlatforms.Find("ios")!], port, DeviceMinute));

    private LabDevice Junos => lab.Spec.Devices.First(d => d.Platform == "juniper_junos");

    [Fact]
    public async Task Ncclient_edits_validates_and_confirms_a_commit_that_the_cli_then_shows()
    {
        var findings = await NcclientAsync(Junos, "check");

        output.WriteLine($"get-config of the whole running configuration, mean of 20 in one session: ncclient {findings.GetProperty("get_config_ms")} ms "
            + $"(its send loop polls every 100 ms), paramiko without ncclient {findings.GetProperty("raw_get_config_ms")} ms");
        Assert.Equal(Junos.Name, findings.GetProperty("host_name").GetString());
        Assert.Equal("chunked", findings.GetProperty("framing").GetString());
        var lockDenied = findings.GetProperty("lock_denied");
        Assert.Contains(findings.GetProperty("session_id").GetString()!, lockDenied.GetProperty("info").GetString());
        var invalid = findings.GetProperty("invalid_edit");
        Assert.Equal("application", invalid.GetProperty("type").GetString());
        Assert.Contains("unit[name='not-a-number']", invalid.GetProperty("path").GetString());

        var (code, shown) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, Junos.Address, "show configuration interfaces ge-0/0/2");
        Assert.True(code == 0, shown);
        Assert.Contains("description set-by-ncclient;", shown);
        (code, shown) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, Junos.Address, "show system commit");
        Assert.True(code == 0, shown);
        Assert.Contains("via netconf", shown);
        Assert.DoesNotContain("reverts-by-itself", lab.Running(Junos.Name));
        Assert.Null(lab.Host.StateOf(Junos.Name).Read(s => s.PendingRevert));
    }

    [Fact]
    public async Task A_change_committed_on_the_cli_shows_in_get_config()
    {
        var script = "configure\rset interfaces ge-0/0/1 description from-the-cli\rcommit\rexit\rexit\r";
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, Junos.Address, input: script, tty: true);
        Assert.True(code == 0, output);

        var findings = await NcclientAsync(Junos, "describe:ge-0/0/1");

        Assert.Equal("from-the-cli", findings.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Ncclients_junos_handler_loads_set_lines_commits_and_reads_text_with_junos_rpcs()
    {
        var findings = await NcclientAsync(Junos, "junos-handler");

        Assert.Contains("description via-junos-handler;", findings.GetProperty("configuration_text").GetString());
        var (code, shown) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, Junos.Address, "show system commit");
        Assert.True(code == 0, shown);
        Assert.Contains("confirmed by the junos handler", shown);
    }

    [Fact]
    public void The_lab_inventory_gives_junos_hosts_the_netconf_port_and_no_one_else()
    {
        var directory = Directory.CreateTempSubdirectory("netfleet-netconf-inventory-");
        try
        {
            var inventory = lab.LoadInventory(directory.FullName);

            Assert.Equal(lab.Spec.Port, inventory.FindHost(Junos.Name)!.Netconf?.Port);
            Assert.Null(inventory.Hosts.Single(h => h.Name != Junos.Name).Netconf);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_ios_device_closes_the_netconf_subsystem()
    {
        var findings = await NcclientAsync(lab.Spec.Devices.First(d => d.Platform == "cisco_ios"), "no-netconf");

        Assert.False(string.IsNullOrEmpty(findings.GetProperty("refused").GetString()));
    }

    [Fact]
    public async Task An_exec_of_the_subsystem_marker_gets_the_cli_not_netconf()
    {
        // Without the token the lab draws at start, the subsystem's text is an ordinary (unknown) CLI command.
        var (_, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, Junos.Address, "netfleet-lab-subsystem:netconf");

        Assert.DoesNotContain("<hello", output);
        Assert.Contains("unknown command", output);
    }

    private async Task<JsonElement> NcclientAsync(LabDevice device, string mode)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Netconf", "ncclient_lab_check.py");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            script, device.Address, lab.Spec.Port.ToString(CultureInfo.InvariantCulture), LabDefaults.Username, LabDefaults.Password,
            DeviceMinute.TotalSeconds.ToString(CultureInfo.InvariantCulture), mode,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"ncclient ({mode}) against {device.Name} did not finish in 120 s: {await stderr}");
        }

        Assert.True(process.ExitCode == 0, $"ncclient ({mode}) against {device.Name} failed (exit {process.ExitCode}):\n{await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}

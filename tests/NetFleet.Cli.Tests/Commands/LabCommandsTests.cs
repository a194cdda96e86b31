using System.Text.Json;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

public sealed class LabCommandsTests
{
    [Fact]
    public async Task Lab_up_status_reset_down_drive_a_background_daemon()
    {
        var dir = Directory.CreateTempSubdirectory("netfleet-cli-lab-");
        var inventory = Path.Combine(dir.FullName, "inv");
        var port = Loopback.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var up = await NetfleetProcess.RunAsync("lab", "up", "--devices", "5", "--port", port, "--dir", dir.FullName, "--inventory", inventory);
            Assert.True(up.ExitCode == 0, up.Stdout + up.Stderr);
            Assert.Contains("Lab up", up.Stdout);
            Assert.True(File.Exists(Path.Combine(inventory, "hosts.yaml")));

            var again = await NetfleetProcess.RunAsync("lab", "up", "--devices", "5", "--port", port, "--dir", dir.FullName);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("already up", again.Stderr);

            var status = await NetfleetProcess.RunAsync("lab", "status", "--json", "--dir", dir.FullName);
            Assert.Equal(0, status.ExitCode);
            var parsed = JsonSerializer.Deserialize<LabStatus>(status.Stdout)!;
            Assert.Equal(5, parsed.Devices);
            Assert.Equal(3, parsed.Platforms.Count);

            var reset = await NetfleetProcess.RunAsync("lab", "reset", "ios-1", "nosuch", "--dir", dir.FullName);
            Assert.Equal(1, reset.ExitCode);
            Assert.Contains("Reset 1 device", reset.Stdout);
            Assert.Contains("No such device: nosuch", reset.Stderr);

            var down = await NetfleetProcess.RunAsync("lab", "down", "--dir", dir.FullName);
            Assert.Equal(0, down.ExitCode);
            var after = await NetfleetProcess.RunAsync("lab", "status", "--dir", dir.FullName);
            Assert.Equal(3, after.ExitCode);
        }
        finally
        {
            await NetfleetProcess.RunAsync("lab", "down", "--dir", dir.FullName);
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Lab_up_with_an_unknown_platform_names_the_known_ones()
    {
        var result = await NetfleetProcess.RunAsync("lab", "up", "--platforms", "ios,nxos", "--dir", Path.GetTempPath());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown platform(s) nxos", result.Stderr);
        Assert.Contains("junos (juniper_junos)", result.Stderr);
    }

    [Fact]
    public void Repository_inventory_is_what_lab_up_writes_for_the_demo_lab()
    {
        var root = RepositoryPaths.Root();
        var scratch = Directory.CreateTempSubdirectory("netfleet-inventory-");
        try
        {
            var spec = LabSpec.Generate(6, LabPlatforms.All);
            var written = Path.Combine(scratch.FullName, "inventory");
            LabInventoryWriter.Write(spec, LabPaths.At(Path.Combine(scratch.FullName, LabPaths.DefaultRoot)), written);
            foreach (var file in new[] { "hosts.yaml", "groups.yaml", "defaults.yaml" })
            {
                Assert.Equal(File.ReadAllText(Path.Combine(written, file)), File.ReadAllText(Path.Combine(root, "inventory", file)));
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}

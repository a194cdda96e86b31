using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Testing;

namespace NetFleet.Lab.Tests.Hosting;

public sealed class LabRestartVariantTests
{
    [Fact]
    public async Task Restart_with_another_variant_starts_the_device_afresh_and_with_the_same_keeps_its_state()
    {
        var root = Directory.CreateTempSubdirectory("netfleet-lab-restart-");
        try
        {
            IReadOnlyList<ILabPlatform> ios = [LabPlatforms.Find("ios")!];
            var port = Loopback.FreePort();
            var paths = LabPaths.At(root.FullName);

            async Task<string> RunningAfterStartAsync(string? variant, string? change = null)
            {
                await using var host = new LabHost(paths, LabSpec.Generate(1, ios, port, iosVariant: variant));
                await host.StartAsync();
                if (change is not null)
                {
                    host.StateOf("ios-1").Update(s => s.RunningConfig += change);
                }
                return host.StateOf("ios-1").Read(s => s.RunningConfig);
            }

            Assert.Contains("\narchive\n", await RunningAfterStartAsync(null, "! kept\n"));
            Assert.Contains("! kept\n", await RunningAfterStartAsync(IosVariants.Classic));
            var noArchive = await RunningAfterStartAsync(IosVariants.NoArchive, "! kept too\n");
            Assert.DoesNotContain("\narchive\n", noArchive);
            Assert.DoesNotContain("! kept\n", noArchive);
            Assert.Contains("! kept too\n", await RunningAfterStartAsync(IosVariants.NoArchive));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}

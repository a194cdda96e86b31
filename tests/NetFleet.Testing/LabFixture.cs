using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using Xunit;

namespace NetFleet.Testing;

/// <summary>
/// Starts a real lab (Debian's sshd and the lab host) in a scratch folder, writes the inventory
/// <c>lab up</c> writes (<see cref="LabPaths.Inventory"/>), and stops it after. A test class that needs
/// its own devices derives from it (<c>class Lab() : LabFixture(port => new LabSpec(…))</c>) or holds one.
/// </summary>
public class LabFixture : IAsyncLifetime
{
    private readonly Func<int, LabSpec> makeSpec;
    private readonly IReadOnlyList<ILabPlatform>? platforms;

    public LabFixture() : this(port => LabSpec.Generate(6, LabPlatforms.All, port, TimeSpan.FromMilliseconds(200)))
    {
    }

    public LabFixture(Func<int, LabSpec> makeSpec, IReadOnlyList<ILabPlatform>? platforms = null)
    {
        this.makeSpec = makeSpec;
        this.platforms = platforms;
    }

    /// <summary>A lab of <paramref name="devices"/> IOS devices of an <see cref="IosVariants"/> preset
    /// (<c>mixed</c> cycles classic, no-archive, legacy, privileged-slow), as <c>lab up --ios-variant</c> makes it.</summary>
    public static LabFixture IosVariant(string variant, int devices = 4) => new(IosVariantSpec(variant, devices));

    /// <summary>The spec of <see cref="IosVariant"/>, for a fixture deriving from this one.</summary>
    public static Func<int, LabSpec> IosVariantSpec(string variant, int devices = 4) =>
        port => LabSpec.Generate(devices, [LabPlatforms.Find("ios")!], port, TimeSpan.FromSeconds(1), variant);

    public LabHost Host { get; private set; } = null!;
    public LabPaths Paths => Host.Paths;
    public LabSpec Spec => Host.Spec;

    public async Task InitializeAsync()
    {
        var root = Directory.CreateTempSubdirectory("netfleet-lab-test-");
        var port = Loopback.FreePort();
        Host = new LabHost(LabPaths.At(root.FullName), makeSpec(port), platforms: platforms);
        await Host.StartAsync();
        LabInventoryWriter.Write(Spec, Paths, Paths.Inventory);
    }

    /// <summary>Writes the lab's inventory into <paramref name="directory"/>, as <c>lab up</c> does, and loads it.</summary>
    public NetFleet.Core.Inventory.Inventory LoadInventory(string directory)
    {
        LabInventoryWriter.Write(Spec, Paths, directory);
        var loaded = NetFleet.Core.Inventory.InventoryLoader.Load(directory);
        return loaded.Inventory ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
    }

    /// <summary>The device's running configuration as the lab holds it.</summary>
    public string Running(string device) => Host.StateOf(device).Read(s => s.RunningConfig);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(Host.Paths.Root, recursive: true);
    }
}

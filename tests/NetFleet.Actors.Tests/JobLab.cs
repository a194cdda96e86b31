using NetFleet.Core.Inventory;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests;

/// <summary>A lab for job tests: started in a scratch folder, with the inventory <c>lab up</c> would write, loaded.</summary>
public abstract class JobLab(string scratchPrefix, Func<int, LabSpec> makeSpec) : IAsyncLifetime
{
    protected LabFixture Fixture { get; } = new(makeSpec);

    public LabHost Host => Fixture.Host;
    public LabSpec Spec => Fixture.Spec;
    public LabPaths Paths => Fixture.Paths;
    public string KnownHosts => Fixture.Paths.KnownHosts;
    public Inventory Inventory { get; private set; } = null!;
    public string Scratch { get; } = Directory.CreateTempSubdirectory(scratchPrefix).FullName;

    public async Task InitializeAsync()
    {
        await Fixture.InitializeAsync();
        Inventory = Fixture.LoadInventory(Path.Combine(Scratch, "inventory"));
    }

    public async Task DisposeAsync()
    {
        await Fixture.DisposeAsync();
        Directory.Delete(Scratch, recursive: true);
    }

    public string Running(string device) => Host.StateOf(device).Read(s => s.RunningConfig);
}

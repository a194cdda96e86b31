namespace NetFleet.Core.Playbooks.Modules;

/// <summary>Every module, registered here and nowhere else; the loader, validator and schema read this list.</summary>
public static class ModuleCatalog
{
    public static IReadOnlyList<Module> All { get; } =
    [
        new CommandModule(),
        new ConfigModule(),
        new AssertModule(),
        new SetFactModule(),
        new PauseModule(),
        new SnmpGetModule(),
        new SnmpWalkModule(),
        new SnmpSetModule(),
        new SnmpPollModule(),
        new ProbeModule(),
        new NetconfGetModule(),
        new NetconfConfigModule(),
        new ComplianceModule(),
        new BackupModule(),
    ];

    public static Module? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    public static IEnumerable<string> Names => All.Select(m => m.Name);
}

namespace NetFleet.Lab.Platforms;

/// <summary>The platform personalities the lab knows.</summary>
public static class LabPlatforms
{
    public static IReadOnlyList<ILabPlatform> All { get; } = [new CiscoIos(), new AristaEos(), new JuniperJunos()];

    /// <summary>Finds a platform by its inventory name (<c>cisco_ios</c>) or short name (<c>ios</c>).</summary>
    public static ILabPlatform? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)
                             || string.Equals(p.ShortName, name, StringComparison.OrdinalIgnoreCase));
}

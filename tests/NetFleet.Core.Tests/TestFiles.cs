namespace NetFleet.Core.Tests;

/// <summary>Finds test data in the source tree, so diagnostics point at the files a reader can open.</summary>
internal static class TestFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "NetFleet.Core.Tests.csproj"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("test project directory not found");
    });

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    public static string RepositoryPath(params string[] parts) => System.IO.Path.Combine([Root.Value, "..", "..", .. parts]);
}

using FsCheck;
using FsCheck.Fluent;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Testing;
using Xunit.Abstractions;

namespace NetFleet.Core.Tests.Robustness;

/// <summary>
/// Real playbooks and inventories, mutated the ways files get broken (lines lost, doubled or
/// swapped, indentation shifted, YAML punctuation typed in the wrong place, files cut short), must
/// come back as diagnostics with a place — never as an exception.
/// </summary>
public sealed class YamlMutationTests(ITestOutputHelper output) : IDisposable
{
    private const int Cases = 1500;
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("netfleet-mutations-");

    public void Dispose() => scratch.Delete(recursive: true);

    private static void RequirePlaced(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            Assert.False(string.IsNullOrEmpty(d.File), d.ToString());
            Assert.True(d.Line >= 1 && d.Column >= 1, $"diagnostic without a place: {d}");
            Assert.False(string.IsNullOrWhiteSpace(d.Message), d.ToString());
        }
    }

    [Fact]
    public void Mutated_playbooks_give_placed_diagnostics_never_exceptions()
    {
        var sources = new[]
        {
            TestFiles.RepositoryPath("playbooks", "sample.yaml"),
            TestFiles.RepositoryPath("playbooks", "bench.yaml"),
            TestFiles.RepositoryPath("playbooks", "capture.yaml"),
            TestFiles.RepositoryPath("playbooks", "frr-bgp.yaml"),
            TestFiles.Path("Playbooks", "Good", "ntp.yaml"),
        }.Select(p => (Name: Path.GetFileName(p), Text: File.ReadAllText(p), Dir: Path.GetDirectoryName(p)!)).ToArray();
        Directory.CreateDirectory(Path.Combine(scratch.FullName, "templates"));
        foreach (var template in Directory.GetFiles(TestFiles.RepositoryPath("playbooks", "templates")))
        {
            File.Copy(template, Path.Combine(scratch.FullName, "templates", Path.GetFileName(template)), overwrite: true);
        }

        var tried = 0;
        var rejected = 0;
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, sources.Length - 1)), TextMutations.Arbitrary, (source, mutations) =>
        {
            var path = Path.Combine(scratch.FullName, $"mutant-{source}.yaml");
            File.WriteAllText(path, TextMutations.Apply(sources[source].Text, mutations));
            var result = PlaybookLoader.Load(path);
            tried++;
            if (result.Playbook is null)
            {
                rejected++;
                Assert.True(result.Diagnostics.Any(d => d.IsError), "rejected without an error for:\n" + File.ReadAllText(path));
            }

            RequirePlaced(result.Diagnostics);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property);
        output.WriteLine($"playbooks: {tried} mutated inputs tried, {rejected} rejected with diagnostics, {tried - rejected} still valid; no exception");
        Assert.Equal(Cases, tried);
    }

    [Fact]
    public void Mutated_inventories_give_placed_diagnostics_never_exceptions()
    {
        var good = TestFiles.Path("Inventory", "Good");
        var files = Directory.GetFiles(good, "*.yaml").Select(p => (Name: Path.GetFileName(p), Text: File.ReadAllText(p))).ToArray();
        var tried = 0;
        var rejected = 0;
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, files.Length - 1)), TextMutations.Arbitrary, (victim, mutations) =>
        {
            var dir = Path.Combine(scratch.FullName, $"inventory-{tried}");
            Directory.CreateDirectory(dir);
            for (var i = 0; i < files.Length; i++)
            {
                File.WriteAllText(Path.Combine(dir, files[i].Name), i == victim ? TextMutations.Apply(files[i].Text, mutations) : files[i].Text);
            }

            var result = InventoryLoader.Load(dir);
            tried++;
            if (result.Inventory is null)
            {
                rejected++;
            }
            else
            {
                // A loadable inventory also survives a selection over it.
                _ = result.Inventory.Select("all");
            }

            RequirePlaced(result.Diagnostics);
            Directory.Delete(dir, recursive: true);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property);
        output.WriteLine($"inventories: {tried} mutated inputs tried, {rejected} rejected with diagnostics; no exception");
        Assert.Equal(Cases, tried);
    }
}

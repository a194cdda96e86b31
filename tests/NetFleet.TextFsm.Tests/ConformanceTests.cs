using System.Text.Json;
using Xunit.Abstractions;
using YamlDotNet.Serialization;

namespace NetFleet.TextFsm.Tests;

/// <summary>
/// The whole ntc-templates corpus in ../shared/textfsm-conformance: each case's output, parsed with
/// the templates the corpus index picks for its platform and command, must give exactly its records.
/// </summary>
public class ConformanceTests(ITestOutputHelper output)
{
    private const int CorpusSize = 1885;

    /// <summary>tests/PLATFORM/COMMAND/NAME.raw, the command with '_' for ' ' as ntc-templates names the folder.</summary>
    public sealed record Case(string Name, string Platform, string Command, string RawPath);

    private static readonly Lazy<IReadOnlyList<Case>> AllCases = new(() =>
        Directory.EnumerateFiles(Path.Combine(Shared.Conformance, "tests"), "*.raw", SearchOption.AllDirectories)
            .Select(raw => Path.GetRelativePath(Shared.Conformance, raw))
            .Select(name => name.Split(Path.DirectorySeparatorChar))
            // tests/mocks/PLATFORM/COMMAND/... sits one level deeper and is not a case.
            .Where(parts => parts.Length == 4)
            .Select(parts => new Case(string.Join('/', parts), parts[1], parts[2].Replace('_', ' '), Path.Combine([Shared.Conformance, .. parts])))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList());

    public static IReadOnlyList<Case> Cases => AllCases.Value;

    public static string TemplatesDirectory => Path.Combine(Shared.Conformance, "templates");

    /// <summary>The corpus index, read once; templates load as cases need them.</summary>
    public static TextFsmIndex Index { get; } = TextFsmIndex.Load(Path.Combine(TemplatesDirectory, "index"));

    public static IReadOnlyList<string> TemplatesFor(Case c) =>
        Index.Find(c.Platform, c.Command)?.Templates ?? throw new InvalidOperationException($"{c.Name}: no index row for {c.Platform} '{c.Command}'");

    public static string Expected(Case c)
    {
        var yaml = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object?>>(File.ReadAllText(Path.ChangeExtension(c.RawPath, ".yml")));
        return Shared.Canonical(JsonSerializer.SerializeToNode(yaml["parsed_sample"] ?? new List<object>()));
    }

    [Fact]
    public void Every_ntc_templates_case_parses_to_its_records_through_the_index()
    {
        var library = TextFsmLibrary.Load(TemplatesDirectory);
        var failures = new List<string>();
        foreach (var c in Cases)
        {
            string actual;
            try
            {
                var table = library.Find(c.Platform, c.Command);
                actual = table is null ? "no index row" : Shared.Canonical(table.ParseText(File.ReadAllText(c.RawPath)));
            }
            catch (Exception e) when (e is TemplateException or TextFsmErrorException)
            {
                actual = $"{e.GetType().Name}: {e.Message}";
            }
            var expected = Expected(c);
            if (actual != expected)
            {
                failures.Add($"{c.Name}\n  expected: {Shorten(expected)}\n  actual:   {Shorten(actual)}");
            }
        }
        output.WriteLine($"ntc-templates corpus: {Cases.Count - failures.Count} of {Cases.Count} cases give exactly the expected records");
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases.Count} cases differ:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void The_corpus_has_all_its_cases()
    {
        Assert.Equal(CorpusSize, Cases.Count);
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";
}

using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace NetFleet.TextFsm.Tests;

/// <summary>Every case of ../shared/textfsm-conformance (real ntc-templates templates, outputs and records).</summary>
public class ConformanceTests
{
    /// <summary>Each case as tests/PLATFORM/COMMAND/NAME.raw, relative to the sample.</summary>
    public static IReadOnlyList<string> RawCases() =>
        Directory.EnumerateFiles(Path.Combine(Shared.Conformance, "tests"), "*.raw", SearchOption.AllDirectories)
            .Select(raw => Path.GetRelativePath(Shared.Conformance, raw))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> Cases() => new(RawCases());

    /// <summary>tests/PLATFORM/COMMAND/NAME.raw is parsed by templates/PLATFORM_COMMAND.textfsm.</summary>
    public static string TemplateFor(string rawCase)
    {
        var parts = rawCase.Split(Path.DirectorySeparatorChar);
        return Path.Combine(Shared.Conformance, "templates", $"{parts[1]}_{parts[2]}.textfsm");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ntc_templates_case_parses_to_the_expected_records(string rawCase)
    {
        var raw = Path.Combine(Shared.Conformance, rawCase);
        var template = TextFsmTemplate.Load(TemplateFor(rawCase));

        var records = template.ParseText(File.ReadAllText(raw));

        var yaml = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object?>>(File.ReadAllText(Path.ChangeExtension(raw, ".yml")));
        var expected = Shared.Canonical(JsonSerializer.SerializeToNode(yaml["parsed_sample"] ?? new List<object>()));
        Assert.Equal(expected, Shared.Canonical(records));
    }

    [Fact]
    public void The_sample_has_all_sixty_cases()
    {
        Assert.Equal(60, RawCases().Count);
    }
}

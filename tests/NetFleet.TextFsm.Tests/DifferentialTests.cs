using System.Text.Json.Nodes;

namespace NetFleet.TextFsm.Tests;

/// <summary>Our engine and Debian's python3-textfsm over the same templates and outputs must agree exactly.</summary>
public class DifferentialTests
{
    private sealed record Case(string Name, string Template, string Output);

    private static async Task<IReadOnlyList<Case>> AllCasesAsync()
    {
        var cases = new List<Case>();
        foreach (var corpusCase in ConformanceTests.Cases)
        {
            var raw = await File.ReadAllTextAsync(corpusCase.RawPath);
            foreach (var name in ConformanceTests.TemplatesFor(corpusCase))
            {
                cases.Add(new Case($"{corpusCase.Name} ({name})", await File.ReadAllTextAsync(Path.Combine(ConformanceTests.TemplatesDirectory, name)), raw));
            }
        }
        foreach (var (platform, device, command) in LabTemplateTests.LabCommands())
        {
            var template = TextFsmLibrary.Builtin.Index.Find(platform.Name, command)!.Templates[0];
            cases.Add(new Case($"lab {platform.Name} {command}", File.ReadAllText(Path.Combine(Shared.TemplatesSource, template)), await LabCapture.ExecAsync(platform, device, command)));
        }
        cases.AddRange(EdgeCases.Valid.Select(e => new Case(e.Name, e.Template, e.Output)));
        cases.AddRange(EdgeCases.Invalid.Select(e => new Case(e.Name, e.Template, "")));
        return cases;
    }

    private static JsonNode Ours(Case c)
    {
        try
        {
            var template = TextFsmTemplate.Parse(c.Template, c.Name, RegexCompilation.Never);
            try
            {
                return new JsonObject { ["records"] = JsonNode.Parse(Shared.Canonical(template.ParseText(c.Output))) };
            }
            catch (TextFsmErrorException e)
            {
                return new JsonObject { ["error"] = "parse", ["message"] = e.Message };
            }
        }
        catch (TemplateException)
        {
            return new JsonObject { ["error"] = "template" };
        }
    }

    /// <summary>Records must be identical; for errors, the kind (bad template, Error action) and an Error action's message.</summary>
    private static string Comparable(JsonNode result) =>
        result["records"] is { } records ? Shared.Canonical(records)
        : result["error"]!.GetValue<string>() == "parse" ? "parse error: " + result["message"]
        : "template error";

    [Fact]
    public async Task Engine_agrees_with_python3_textfsm_on_every_case()
    {
        var cases = await AllCasesAsync();
        var oracle = await Shared.RunOracleAsync(cases.Select(c => new Shared.OracleCase(c.Template, c.Output)).ToList());

        var mismatches = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var expected = Comparable(oracle[i]!);
            var actual = Comparable(Ours(cases[i]));
            if (expected != actual)
            {
                mismatches.Add($"{cases[i].Name}:\n  python: {expected}\n  ours:   {actual}");
            }
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cases.Count} cases differ:\n" + string.Join("\n", mismatches));
        Assert.True(cases.Count >= ConformanceTests.Cases.Count + 6 + EdgeCases.Valid.Length + EdgeCases.Invalid.Length);
    }
}

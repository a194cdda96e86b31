using FsCheck;
using FsCheck.Fluent;
using NetFleet.Testing;
using Xunit.Abstractions;

namespace NetFleet.TextFsm.Tests;

/// <summary>
/// Real ntc-templates, mutated, either load and parse their real output or fail with a
/// TemplateException naming a line (at load, or when a mutated pattern backtracks without end on the output) — no other
/// exception, no hang.
/// </summary>
public sealed class TemplateMutationTests(ITestOutputHelper output)
{
    private const int Cases = 1500;

    [Fact]
    public void Mutated_templates_fail_with_a_line_or_parse_never_crash()
    {
        var cases = ConformanceTests.Cases
            .Select(c => (Template: File.ReadAllText(Path.Combine(ConformanceTests.TemplatesDirectory, ConformanceTests.TemplatesFor(c)[0])), Output: File.ReadAllText(c.RawPath)))
            .ToArray();
        Assert.NotEmpty(cases);
        int tried = 0, rejected = 0, parsed = 0, errorAction = 0;
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, cases.Length - 1)), TextMutations.Arbitrary, (pick, mutations) =>
        {
            tried++;
            TextFsmTemplate template;
            try
            {
                template = TextFsmTemplate.Parse(TextMutations.Apply(cases[pick].Template, mutations), "mutant");
            }
            catch (TemplateException e)
            {
                rejected++;
                Assert.True(e.Line >= 0, e.Message);
                return;
            }

            try
            {
                _ = template.ParseText(cases[pick].Output);
                parsed++;
            }
            catch (TextFsmErrorException)
            {
                // The template's own Error action: a clean, intended failure.
                errorAction++;
            }
            catch (TemplateException e)
            {
                // A mutated pattern that backtracks without end on this output, stopped by the match timeout.
                rejected++;
                Assert.True(e.Line > 0, e.Message);
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property);
        output.WriteLine($"templates: {tried} mutated inputs tried: {rejected} rejected with a line, {parsed} parsed, {errorAction} stopped by an Error action; no other exception");
        Assert.Equal(Cases, tried);
    }
}

namespace NetFleet.TextFsm.Tests;

/// <summary>Adaptive templates run interpreted until used enough, then compiled, with the same records.</summary>
public class RegexCompilationTests
{
    private const string Template = """
        Value Key NAME (\S+)
        Value STATUS (up|down)
        Value List FLAGS ((?P<flag>[a-z])(?P<level>\d)?)

        Start
          ^port ${NAME} ${STATUS}( ${FLAGS})* -> Record
          ^\s*$$
        """;

    private static readonly string Output = string.Concat(Enumerable.Range(0, 200).Select(i => $"port e{i} {(i % 3 == 0 ? "down" : "up")} x{i % 10}\n"));

    [Fact]
    public void An_adaptive_template_compiles_once_it_has_tried_enough_matches_and_parses_the_same()
    {
        var template = TextFsmTemplate.Parse(Template);
        var first = Shared.Canonical(template.ParseText(Output));
        Assert.False(template.IsCompiled);

        var parses = 1;
        while (!template.IsCompiled)
        {
            Assert.Equal(first, Shared.Canonical(template.ParseText(Output)));
            parses++;
        }

        Assert.True(template.Attempts >= (long)TextFsmTemplate.AttemptsPerRuleBeforeCompiling * template.RuleCount);
        Assert.True(parses > 1);
        Assert.Equal(first, Shared.Canonical(template.ParseText(Output)));
    }

    [Fact]
    public void Never_stays_interpreted_and_always_starts_compiled()
    {
        var never = TextFsmTemplate.Parse(Template, compilation: RegexCompilation.Never);
        var always = TextFsmTemplate.Parse(Template, compilation: RegexCompilation.Always);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(Shared.Canonical(always.ParseText(Output)), Shared.Canonical(never.ParseText(Output)));
        }

        Assert.True(never.Attempts >= (long)TextFsmTemplate.AttemptsPerRuleBeforeCompiling * never.RuleCount);
        Assert.False(never.IsCompiled);
        Assert.True(always.IsCompiled);
    }
}

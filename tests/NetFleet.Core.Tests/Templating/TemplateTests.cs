using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Tests.Templating;

public class TemplateTests
{
    private static readonly VariableScope Scope = VariableScope.Empty
        .With(new Dictionary<string, object?> { ["x"] = 1L, ["servers"] = new List<object?> { "a", "b" }, ["result"] = new Dictionary<string, object?> { ["changed"] = true, ["stdout"] = "" } })
        .With("x", 2L);

    [Fact]
    public void Later_layers_shadow_earlier_ones() => Assert.Equal("x=2", Render("x={{ x }}"));

    [Fact]
    public void Text_without_braces_is_a_literal() => Assert.True(TemplateText.Parse("show version", out _).IsLiteral);

    [Theory]
    [InlineData("{{ servers }}")]
    [InlineData("  {{ servers }} ")]
    public void Whole_expression_evaluates_to_its_native_value(string text) =>
        Assert.Equal(new List<object?> { "a", "b" }, TemplateText.Parse(text, out _).Evaluate(Scope));

    [Fact]
    public void Expression_with_surrounding_text_renders_to_a_string() =>
        Assert.Equal("servers: a,b", TemplateText.Parse("servers: {{ servers | array.join \",\" }}", out _).Evaluate(Scope));

    [Theory]
    [InlineData("result.changed", true)]
    [InlineData("{{ result.changed }}", true)]
    [InlineData("!result.changed", false)]
    [InlineData("x == 2 && servers.size == 2", true)]
    [InlineData("result.stdout", false)]
    [InlineData("x > 5 || (servers | array.contains \"b\")", true)]
    public void Conditions_evaluate_with_ansible_truthiness(string condition, bool expected)
    {
        var expression = TemplateExpression.Parse(condition, out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal(expected, expression!.IsTrue(Scope));
    }

    [Theory]
    [InlineData("x = 3", "expected a single expression")]
    [InlineData("not result.changed", "'not' is not a Scriban operator")]
    [InlineData("x ==", "template error")]
    public void Invalid_conditions_are_diagnostics(string condition, string message)
    {
        Assert.Null(TemplateExpression.Parse(condition, out var diagnostics));
        Assert.Contains(message, Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Words_inside_strings_are_not_mistaken_for_operators() =>
        Assert.NotNull(TemplateExpression.Parse("result.stdout == \"up and running\"", out _));

    [Fact]
    public void Syntax_error_position_is_zero_based_span_plus_one()
    {
        TemplateText.Parse("line one\nline {{ x | }}", out var diagnostics);

        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.TemplateSyntax, 2, 13), (d.Code, d.Line, d.Column));
    }

    private static string Render(string text) => TemplateText.Parse(text, out _).Render(Scope);
}

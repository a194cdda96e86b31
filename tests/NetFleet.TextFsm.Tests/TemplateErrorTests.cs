namespace NetFleet.TextFsm.Tests;

public class TemplateErrorTests
{
    public static TheoryData<string, string, int, string> Invalid()
    {
        var data = new TheoryData<string, string, int, string>();
        foreach (var (name, template, line, reason) in EdgeCases.Invalid)
        {
            data.Add(name, template, line, reason);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Bad_template_is_refused_with_its_line(string name, string template, int line, string reason)
    {
        var error = Assert.Throws<TemplateException>(() => TextFsmTemplate.Parse(template, name));
        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.StartsWith(line == 0 ? name + ": " : $"{name}:{line}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_action_stops_parsing_with_its_message_and_the_input_line()
    {
        var template = TextFsmTemplate.Parse("Value X (\\d+)\n\nStart\n  ^ok ${X} -> Record\n  ^. -> Error \"unexpected line\"\n");
        var error = Assert.Throws<TextFsmErrorException>(() => template.ParseText("ok 1\nbad\n"));
        Assert.Equal("\"unexpected line\"", error.ErrorMessage);
        Assert.Equal(5, error.RuleLine);
        Assert.Equal("bad", error.InputLine);
    }

    [Fact]
    public void A_pattern_that_backtracks_without_end_on_the_output_is_stopped_and_named_by_its_rule_line()
    {
        var template = TextFsmTemplate.Parse("Value X ((x|xx)+y)\n\nStart\n  ^${X} -> Record\n", "nested.textfsm");
        var error = Assert.Throws<TemplateException>(() => template.ParseText(new string('x', 60) + "zy\n"));
        Assert.Equal(4, error.Line);
        Assert.Contains("backtracks without end", error.Reason, StringComparison.Ordinal);
        Assert.StartsWith("nested.textfsm:4: ", error.Message, StringComparison.Ordinal);
    }
}

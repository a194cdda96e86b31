using NetFleet.Actors.Jobs;

namespace NetFleet.Actors.Tests.Jobs;

/// <summary>Module data through the journal's JSON and back: what a resumed job or the history sees.</summary>
public sealed class JsonValuesTests
{
    [Fact]
    public void Whole_numbers_come_back_as_whole_numbers_and_fractions_as_fractions()
    {
        var data = new Dictionary<string, object?>
        {
            ["parsed"] = new Dictionary<string, object?> { ["as"] = 65002L, ["load"] = 0.25, ["up"] = true, ["peers"] = new List<object?> { "r2", null } },
        };

        var back = JsonValues.ToDictionary(JsonValues.ToElement(data));

        var parsed = Assert.IsType<Dictionary<string, object?>>(back["parsed"]);
        Assert.IsType<long>(parsed["as"]);
        Assert.Equal(65002L, parsed["as"]);
        Assert.Equal(0.25, parsed["load"]);
        Assert.Equal(true, parsed["up"]);
        Assert.Equal(["r2", null], Assert.IsType<List<object?>>(parsed["peers"]));
    }
}

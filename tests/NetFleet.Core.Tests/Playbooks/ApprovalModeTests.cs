using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Playbooks;

/// <summary><c>approval:</c>: true gates every batch after the first, every_batch the first as well.</summary>
public sealed class ApprovalModeTests
{
    private static PlaybookLoadResult Load(string approval) => PlaybookLoader.LoadText($"""
        - hosts: all
          serial: 1
          approval: {approval}
          tasks:
            - command: show version
        """.ReplaceLineEndings("\n"), "gated.yaml");

    [Theory]
    [InlineData("true", true, false)]
    [InlineData("false", false, false)]
    [InlineData("every_batch", true, true)]
    public void Approval_modes(string value, bool approval, bool first)
    {
        var play = Assert.Single(Load(value).Playbook!.Plays);
        Assert.Equal((approval, first), (play.Approval, play.ApproveFirstBatch));
    }

    [Fact]
    public void Another_value_is_refused_at_its_place_naming_both_forms()
    {
        var error = Assert.Single(Load("first").Diagnostics);
        Assert.Equal((3, 13), (error.Line, error.Column));
        Assert.Contains("a boolean, or every_batch", error.Message);
    }
}

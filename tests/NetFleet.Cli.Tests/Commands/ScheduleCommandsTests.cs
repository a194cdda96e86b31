namespace NetFleet.Cli.Tests.Commands;

/// <summary><c>netfleet schedule</c> before it reaches an API: what TARGET may be, and the help.</summary>
public sealed class ScheduleCommandsTests
{
    // Nothing listens there: a command that got as far as the API would say it could not connect.
    private const string NoApi = "http://127.0.0.1:9";

    [Theory]
    [InlineData("backup")]
    [InlineData("compliance")]
    public async Task The_built_in_targets_are_refused_with_what_to_do_until_they_are_wired(string target)
    {
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("schedule", "add", "nightly", "--cron", "0 2 * * *", target, "--api", NoApi);
        Assert.Equal(2, code);
        Assert.Contains($"{target}: scheduling the built-in {target} job is not available", stderr);
        Assert.Contains("schedule a playbook file", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Fact]
    public async Task A_missing_playbook_is_named_before_any_api_is_asked()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.yaml");
        var (code, _, stderr) = await NetfleetProcess.RunAsync("schedule", "add", "nightly", "--cron", "0 2 * * *", missing, "--api", NoApi);
        Assert.Equal(2, code);
        Assert.Contains($"{missing}: no such playbook file", stderr);
        Assert.DoesNotContain("127.0.0.1:9", stderr);
    }

    [Fact]
    public async Task Add_help_names_the_clock_the_policies_and_an_example()
    {
        var (code, stdout, _) = await NetfleetProcess.RunAsync("schedule", "add", "--help");
        Assert.Equal(0, code);
        foreach (var expected in new[] { "--cron", "--tz", "--catch-up", "--overlap", "seconds first", "netfleet schedule add nightly", "backup, compliance" })
        {
            Assert.Contains(expected, stdout);
        }
    }

    [Fact]
    public async Task An_unknown_overlap_policy_is_refused_by_the_parser()
    {
        var (code, _, stderr) = await NetfleetProcess.RunAsync("schedule", "add", "x", "--cron", "0 * * * *", "--overlap", "sometimes", "p.yaml");
        Assert.NotEqual(0, code);
        Assert.Contains("sometimes", stderr);
    }
}

using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary><c>netfleet schedule</c> before it reaches an API: what TARGET may be, and the help.</summary>
public sealed class ScheduleCommandsTests
{
    // Nothing listens there: a command that got as far as the API would say it could not connect.
    private const string NoApi = "http://127.0.0.1:9";

    [Theory]
    [InlineData("backup")]
    [InlineData("compliance")]
    public async Task A_built_in_target_becomes_its_playbook_and_goes_to_the_api(string target)
    {
        var rules = Path.Combine(RepositoryPaths.Root(), "compliance");
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("schedule", "add", "nightly", "--cron", "0 2 * * *", target, "--rules", rules, "--api", NoApi);
        Assert.Equal(2, code);
        Assert.Contains($"{NoApi}: Connection refused", stderr);
        Assert.DoesNotContain("no such", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Fact]
    public async Task A_compliance_target_without_its_rules_names_the_rules_option()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-rules-{Guid.NewGuid():N}");
        var (code, _, stderr) = await NetfleetProcess.RunAsync("schedule", "add", "audit", "--cron", "0 6 * * *", "compliance", "--rules", missing, "--api", NoApi);
        Assert.Equal(2, code);
        Assert.Contains($"{missing}: no such compliance rules file or folder (--rules)", stderr);
        Assert.DoesNotContain("127.0.0.1:9", stderr);
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

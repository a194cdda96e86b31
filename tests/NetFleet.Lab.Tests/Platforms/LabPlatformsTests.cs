using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Tests.Platforms;

public class LabPlatformsTests
{
    [Theory]
    [InlineData("cisco_ios", "ios", "hostname r1")]
    [InlineData("arista_eos", "eos", "hostname r1")]
    [InlineData("juniper_junos", "junos", "host-name r1;")]
    public void Every_platform_is_found_by_both_names_and_boots_with_the_device_name(string name, string shortName, string hostname)
    {
        var platform = LabPlatforms.Find(name);

        Assert.NotNull(platform);
        Assert.Same(platform, LabPlatforms.Find(shortName.ToUpperInvariant()));
        var state = platform.CreateFactoryState(new LabDevice("r1", "127.0.1.5", name, DeviceFaults.None));
        Assert.Contains(hostname, state.RunningConfig);
        Assert.Equal(state.RunningConfig, state.StartupConfig);
    }

    [Fact]
    public void Every_row_of_every_command_table_is_a_command_its_grammar_has()
    {
        var unknown = new List<string>();
        foreach (var platform in LabPlatforms.All.Cast<LabPlatform>())
        {
            foreach (var (grammar, commands) in platform.CommandTables)
            {
                var known = grammar.Commands().ToHashSet(StringComparer.Ordinal);
                Assert.NotEmpty(known);
                unknown.AddRange(commands
                    .Where(c => c.EndsWith(" …", StringComparison.Ordinal)
                        ? !known.Any(k => k.StartsWith(c[..^2], StringComparison.Ordinal))
                        : !known.Contains(c))
                    .Select(c => $"{platform.Name}: {c}"));
            }
        }

        Assert.Empty(unknown);
    }
}

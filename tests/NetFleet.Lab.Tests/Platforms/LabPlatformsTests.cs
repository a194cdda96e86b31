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
}

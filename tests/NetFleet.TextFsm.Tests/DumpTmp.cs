using NetFleet.Lab.Platforms;
namespace NetFleet.TextFsm.Tests;
public class DumpTmp
{
    [Fact]
    public async Task Dump()
    {
        foreach (var (p, n, c) in new (ILabPlatform, string, string)[] { (new CiscoIos(), "ios-1", "show version"), (new CiscoIos(), "ios-1", "show ip interface brief"), (new AristaEos(), "eos-1", "show version"), (new AristaEos(), "eos-1", "show ip interface brief"), (new JuniperJunos(), "junos-1", "show version"), (new JuniperJunos(), "junos-1", "show interfaces terse") })
        {
            File.WriteAllText($"/tmp/lab_{p.Name}_{c.Replace(' ', '_')}.txt", await LabCapture.ExecAsync(p, n, c));
        }
    }
}

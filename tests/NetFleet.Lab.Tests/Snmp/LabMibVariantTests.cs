using System.Diagnostics;
using System.Text;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Snmp;
using NetFleet.Snmp;

namespace NetFleet.Lab.Tests.Snmp;

public class LabMibVariantTests
{
    private static string SysDescr(IosCapabilities capabilities)
    {
        var device = new LabDevice("r1", "127.0.1.5", "cisco_ios", DeviceFaults.None) { Capabilities = capabilities };
        var value = (OctetString)LabMib.Build(device, Stopwatch.GetTimestamp()).Get(MibNames.Parse("sysDescr.0"));
        return Encoding.UTF8.GetString(value.Bytes);
    }

    [Fact]
    public void Sys_descr_names_the_image_the_cli_shows()
    {
        Assert.Contains("Version 15.7(3)M8", SysDescr(IosCapabilities.Classic));
        Assert.Contains("Version 12.4(24)T8", SysDescr(new IosCapabilities { Image = "12.4" }));
    }
}

using System.Net;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Snmp;
using NetFleet.Testing;

namespace NetFleet.Snmp.Tests;

/// <summary>A six-device lab: Debian's sshd and the lab host, started for these tests.</summary>
public sealed class SnmpLabFixture : LabFixture;

/// <summary>The real lab also answers SNMP on every device's address.</summary>
public sealed class LabHostSnmpTests(SnmpLabFixture lab) : IClassFixture<SnmpLabFixture>
{
    [Fact]
    public async Task Lab_up_gives_every_device_an_agent_on_its_address_at_the_snmp_port()
    {
        await using var manager = new SnmpManager();
        foreach (var device in lab.Spec.Devices)
        {
            var v2c = new SnmpTarget(new IPEndPoint(IPAddress.Parse(device.Address), lab.Spec.SnmpPort), SnmpVersion.V2c, LabSnmpDefaults.Community);
            var v3 = SnmpTarget.V3(device.Address, lab.Spec.SnmpPort, LabSnmpDefaults.CreateUser());
            Assert.Equal(device.Name, (await manager.GetAsync(v2c, [MibNames.Parse("sysName.0")]))[0].Value.ToString());
            Assert.Equal(device.Site, (await manager.GetAsync(v3, [MibNames.Parse("sysLocation.0")]))[0].Value.ToString());
        }
    }

    [Fact]
    public void Snmp_port_defaults_to_the_ssh_port_plus_139_and_a_lab_yaml_can_set_it()
    {
        Assert.Equal(10161, LabSpec.Generate(1, LabPlatforms.All).SnmpPort);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "port: 20022\nsnmp_port: 20161\ndevices:\n  - { name: ios-1, platform: cisco_ios }\n");
            var spec = LabSpec.Load(file);
            Assert.Equal(20161, spec.SnmpPort);
            spec.Save(file);
            Assert.Equal(20161, LabSpec.Load(file).SnmpPort);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Lab_inventory_names_the_snmp_port_community_and_v3_user()
    {
        var dir = Directory.CreateTempSubdirectory("netfleet-snmp-inventory-");
        try
        {
            LabInventoryWriter.Write(lab.Spec, lab.Paths, dir.FullName);
            var defaults = File.ReadAllText(Path.Combine(dir.FullName, "defaults.yaml"));
            Assert.Contains($"port: {lab.Spec.SnmpPort}", defaults, StringComparison.Ordinal);
            Assert.Contains($"community: {LabSnmpDefaults.Community}", defaults, StringComparison.Ordinal);
            Assert.Contains($"user: {LabSnmpDefaults.User}", defaults, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

using System.Text;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Hosting;

/// <summary>
/// Writes a NetFleet inventory (Nornir-style hosts.yaml, groups.yaml, defaults.yaml) that matches
/// a lab: one group per platform and per site, credentials as file references to the lab's secret
/// files so that the inventory itself holds no secret. IOS devices that enable without a secret get
/// none, as an operator's inventory for them would: then only the devices that need one name it.
/// A topology's routers join as platform frr (see <see cref="Topology.TopologyInventory"/>), netconfd servers as platform
/// netconf in group netconfd. The Junos group says where its devices answer NETCONF (<c>netconf: {port: N}</c>).
/// </summary>
public static class LabInventoryWriter
{
    public static void Write(LabSpec spec, LabPaths paths, string inventoryDir, Topology.LabTopology? topology = null)
    {
        Directory.CreateDirectory(inventoryDir);
        var full = Path.GetFullPath(inventoryDir);
        string Reference(string file) => "${file:" + Path.GetRelativePath(full, file) + "}";
        const string Banner = "# Written by `netfleet lab up`; rewritten by every `lab up` that names this folder.\n";
        var enableSecret = $"enable_secret: \"{Reference(paths.EnableSecretFile)}\"";
        var secretPerHost = spec.Devices.Any(d => d.EnablesWithoutSecret);

        File.WriteAllText(Path.Combine(full, "defaults.yaml"), Banner + $"""
            port: {spec.Port}
            username: {LabDefaults.Username}
            password: "{Reference(paths.PasswordFile)}"
            {(secretPerHost ? "" : enableSecret + "\n")}data:
              lab: true
              snmp:
                port: {spec.SnmpPort}
                community: {Snmp.LabSnmpDefaults.Community}
                v3:
                  user: {Snmp.LabSnmpDefaults.User}
                  auth_protocol: sha256
                  auth_password: {Snmp.LabSnmpDefaults.AuthPassword}
                  priv_protocol: aes128
                  priv_password: {Snmp.LabSnmpDefaults.PrivPassword}

            """);

        var groups = new StringBuilder(Banner);
        foreach (var platform in spec.Devices.Select(d => d.Platform).Distinct())
        {
            var short_ = LabPlatforms.Find(platform)?.ShortName ?? platform;
            groups.Append($"{short_}:\n  platform: {platform}\n");
            if (platform == "juniper_junos")
            {
                // The lab's Junos devices answer the netconf SSH subsystem on the lab's own SSH port (NETCONF over port 22 style).
                groups.Append($"  netconf:\n    port: {spec.Port}\n");
            }
        }

        if (topology is not null)
        {
            Topology.TopologyInventory.AppendGroup(groups);
        }

        if (spec.NetconfServers > 0)
        {
            groups.Append($"netconfd:\n  platform: netconf\n  netconf:\n    port: {spec.Port}\n");
        }

        foreach (var site in spec.Devices.Select(d => d.Site).Distinct())
        {
            groups.Append($"{site}:\n  data:\n    site: {site}\n");
        }

        File.WriteAllText(Path.Combine(full, "groups.yaml"), groups.ToString());

        var hosts = new StringBuilder(Banner);
        foreach (var device in spec.Devices)
        {
            var group = LabPlatforms.Find(device.Platform)?.ShortName ?? device.Platform;
            hosts.Append($"{device.Name}:\n  hostname: {device.Address}\n  groups: [{group}, {device.Site}]\n");
            if (secretPerHost && !device.EnablesWithoutSecret && device.Platform != "juniper_junos")
            {
                hosts.Append("  ").Append(enableSecret).Append('\n');
            }
        }

        if (topology is not null)
        {
            Topology.TopologyInventory.AppendHosts(hosts, topology, paths);
        }

        for (var i = 1; i <= spec.NetconfServers; i++)
        {
            hosts.Append($"{Netconfd.NetconfdLab.NameOf(i)}:\n  hostname: {Netconfd.NetconfdLab.AddressPrefix}{i}\n  groups: [netconfd]\n");
        }

        File.WriteAllText(Path.Combine(full, "hosts.yaml"), hosts.ToString());
    }
}

using System.Globalization;
using System.Text;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Platforms;

/// <summary>What EOS prints: the factory configuration and the show commands' text.</summary>
public sealed partial class AristaEos
{
    public override DeviceState CreateFactoryState(LabDevice device)
    {
        var (high, low) = DeviceIdentity.Octets(device);
        var config = $"""
            no aaa root
            !
            username {LabDefaults.Username} secret sha512 $6$nflab$Q1x0v8b2Ff5kLw9GmYt3e.JkP0rZsA7n4Hc6uVd1yEw2iO5pS8tB3lM9qN0aR7xC
            enable password sha512 $6$nflab$Zt4bV7nC1xR8mK2pQ5wE9yH3jL6aS0dF4gU7iO1kP8lM2nB5vC9xZ3qW6eR0tY
            !
            transceiver qsfp default-mode 4x10G
            !
            service routing protocols model multi-agent
            !
            hostname {device.Name}
            ip domain-name lab.netfleet
            !
            spanning-tree mode mstp
            !
            management api http-commands
               no shutdown
            !
            interface Ethernet1
               description uplink
               no switchport
               ip address 10.{high}.{low}.0/31
            !
            interface Ethernet2
               no switchport
               ip address 10.{high}.{low}.2/31
            !
            interface Ethernet3
               shutdown
            !
            interface Ethernet4
               shutdown
            !
            interface Loopback0
               ip address 10.255.{high}.{low}/32
            !
            interface Management1
               ip address {DeviceIdentity.ManagementAddress(device)}/8
            !
            ip routing
            !
            ntp server 10.255.0.1
            !
            router ospf 1
               router-id 10.255.{high}.{low}
               network 10.0.0.0/8 area 0.0.0.0
               max-lsa 12000
            !
            management ssh
               idle-timeout 0
            !
            end

            """.ReplaceLineEndings("\n");
        return new DeviceState { RunningConfig = config, StartupConfig = config, BootedAt = TimeProvider.System.GetUtcNow() };
    }

    private static string ShowVersionText(LabDevice device, TimeSpan uptime)
    {
        var mac = DeviceIdentity.Mac(device);
        return $"""
            Arista vEOS-lab
            Hardware version:
            Serial number: {DeviceIdentity.Serial(device, "", 32)}
            Hardware MAC address: {mac}
            System MAC address: {mac}

            Software image version: {Version}
            Architecture: x86_64
            Internal build version: {Version}-35442176.4312F
            Internal build ID: 3fb2a4e5-7c7a-4ad8-9b1e-1c4e9c2d5f10
            Image format version: 1.0
            Image optimization: None

            Uptime: {Uptime(uptime)}
            Total memory: 3978452 kB
            Free memory: 2516024 kB

            """.ReplaceLineEndings("\n");
    }

    private static string ShowClock(DateTimeOffset now) =>
        now.UtcDateTime.ToString("ddd MMM d HH:mm:ss yyyy'\nTimezone: UTC\nClock source: local\n'", CultureInfo.InvariantCulture);

    private static string ShowHostname(DeviceState state)
    {
        var hostname = IndentedConfig.TopLevelValue(state.RunningConfig, "hostname");
        return $"Hostname: {hostname}\nFQDN:     {hostname}.lab.netfleet\n";
    }

    private static string ShowUsers(string username) =>
        $"   Line      User        Host(s)       Idle        Location\n*  2 vty 5   {username,-11} idle          00:00:00    127.0.0.1\n";

    private static string ShowSessions(DeviceState state, string? configSession)
    {
        var text = new StringBuilder("Maximum number of completed sessions: 1\nMaximum number of pending sessions: 5\n\n")
            .Append("  Name              State                   User        Terminal\n")
            .Append("  ----------------- ----------------------- ----------- --------\n");
        foreach (var s in state.Sessions)
        {
            var mark = s.Name == configSession ? "* " : "  ";
            var row = string.Create(CultureInfo.InvariantCulture, $"{mark}{s.Name,-17} {s.State,-23} {s.User,-11} {(s.Name == configSession ? "vty5" : "")}");
            text.Append(row.TrimEnd()).Append('\n');
        }
        return text.ToString();
    }

    private static string ConfigText(DeviceState state, string what, string body) =>
        $"! Command: show {what}\n! device: {IndentedConfig.TopLevelValue(state.RunningConfig, "hostname")} (vEOS-lab, EOS-{Version})\n!\n! boot system flash:/vEOS-lab.swi\n!\n{body}";

    private static string InterfaceBrief(string running)
    {
        var text = new StringBuilder()
            .Append("                                                                              Address\n")
            .Append("Interface         IP Address            Status       Protocol          MTU    Owner\n")
            .Append("----------------- --------------------- ------------ -------------- --------- -------\n");
        var interfaces = IndentedConfig.Parse(running).Sections("interface")
            .Where(i => !i.Text.StartsWith("interface Ethernet", StringComparison.Ordinal) || i.Children.Any(c => c.Text == "no switchport"))
            .OrderBy(i => i.Text, StringComparer.Ordinal);
        foreach (var section in interfaces)
        {
            var name = section.Text["interface ".Length..];
            var ip = section.Children.FirstOrDefault(c => c.Text.StartsWith("ip address ", StringComparison.Ordinal))?.Text.Split(' ')[2] ?? "unassigned";
            var shut = section.Children.Any(c => c.Text == "shutdown");
            var mtu = section.Children.FirstOrDefault(c => c.Text.StartsWith("mtu ", StringComparison.Ordinal))?.Text[4..]
                ?? (name.StartsWith("Loopback", StringComparison.Ordinal) ? "65535" : "1500");
            text.Append(CultureInfo.InvariantCulture, $"{name,-17} {ip,-21} {(shut ? "admin down" : "up"),-12} {(shut ? "down" : "up"),-14} {mtu,9}\n");
        }
        return text.ToString();
    }

    private static string Uptime(TimeSpan span)
    {
        var parts = LabText.UptimeParts(span, zeroMinutes: false);
        return parts.Count == 1 ? parts[0] : string.Join(", ", parts[..^1]) + " and " + parts[^1];
    }
}
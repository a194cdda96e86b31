using System.Globalization;
using System.Text;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Platforms;

/// <summary>What IOS prints: the factory configuration, <c>show version</c> of both images, and the show commands' text.</summary>
public sealed partial class CiscoIos
{
    public override DeviceState CreateFactoryState(LabDevice device)
    {
        var (high, low) = DeviceIdentity.Octets(device);
        var caps = device.Capabilities;
        var modern = !caps.IsLegacyImage;
        // Lines a variant leaves out come out empty and are dropped below; IOS prints no blank lines.
        var config = $"""
            version {caps.Image}
            service timestamps debug datetime msec
            service timestamps log datetime msec
            no service password-encryption
            !
            hostname {device.Name}
            !
            boot-start-marker
            boot-end-marker
            !
            !
            {(caps.Enable == IosEnable.Secret ? "enable secret 9 $9$nflab$Ht2yW0ZqCq6bG8xkJQeY1u" : "")}
            !
            {(caps.Enable == IosEnable.None ? "aaa new-model\n!\n!\naaa authentication login default local\naaa authentication enable default none\n!\n!\naaa session-id common" : "no aaa new-model")}
            !
            !
            no ip domain lookup
            ip domain name lab.netfleet
            ip cef
            {(modern ? "no ipv6 cef" : "")}
            !
            {(modern ? "multilink bundle-name authenticated\n!" : "")}
            !
            {(caps.Archive ? "archive\n path flash:archive\n maximum 10\n!" : "")}
            username {LabDefaults.Username}{(caps.Enable == IosEnable.Privilege15 ? " privilege 15" : "")} secret 9 $9$nflab$3vGtQ8bXyPz1lM6nR0cK2e
            !
            {(modern ? "redundancy\n!" : "")}
            !
            interface Loopback0
             ip address 10.255.{high}.{low} 255.255.255.255
            !
            interface GigabitEthernet0/0
             description management
             ip address {DeviceIdentity.ManagementAddress(device)} 255.0.0.0
             duplex auto
             speed auto
            !
            interface GigabitEthernet0/1
             description uplink
             ip address 10.{high}.{low}.1 255.255.255.252
             duplex auto
             speed auto
            !
            interface GigabitEthernet0/2
             no ip address
             shutdown
             duplex auto
             speed auto
            !
            interface GigabitEthernet0/3
             no ip address
             shutdown
             duplex auto
             speed auto
            !
            router ospf 1
             router-id 10.255.{high}.{low}
             network 10.255.{high}.{low} 0.0.0.0 area 0
             network 10.{high}.{low}.0 0.0.0.3 area 0
            !
            ip forward-protocol nd
            !
            !
            no ip http server
            no ip http secure-server
            ip ssh version 2
            !
            !
            control-plane
            !
            !
            {(caps.Motd is null ? "" : $"{MotdBanner}\n{caps.Motd}{Delimiter}\n!")}
            line con 0
            line aux 0
            line vty 0 4
             login local
             transport preferred none
             transport input ssh
            !
            ntp server 10.255.0.1
            !
            end

            """.ReplaceLineEndings("\n");
        config = IndentedConfig.Parse(config).Render(1);
        return new DeviceState
        {
            RunningConfig = config, StartupConfig = config, BootedAt = TimeProvider.System.GetUtcNow(), Capabilities = caps.Mark,
        };
    }

    /// <summary>An ISR G2 (2911) on 15.7(3)M8.</summary>
    private static string ShowVersion157(LabDevice device, string hostname, TimeSpan uptime) => $"""
        Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M8, RELEASE SOFTWARE (fc2)
        Technical Support: http://www.cisco.com/techsupport
        Copyright (c) 1986-2021 by Cisco Systems, Inc.
        Compiled Thu 18-Feb-21 07:23 by prod_rel_team

        ROM: System Bootstrap, Version 15.0(1r)M16, RELEASE SOFTWARE (fc1)

        {hostname} uptime is {Uptime(uptime)}
        System returned to ROM by power-on
        System image file is "flash0:c2900-universalk9-mz.SPA.157-3.M8.bin"
        Last reload type: Normal Reload
        Last reload reason: power-on

        cisco CISCO2911/K9 (revision 1.0) with 487424K/36864K bytes of memory.
        Processor board ID {DeviceIdentity.Serial(device, "FTX", 8)}
        4 Gigabit Ethernet interfaces
        1 terminal line
        DRAM configuration is 64 bits wide with parity enabled.
        255K bytes of non-volatile configuration memory.
        250880K bytes of ATA System CompactFlash 0 (Read/Write)

        License Info:

        License UDI:

        -------------------------------------------------
        Device#   PID                   SN
        -------------------------------------------------
        *1        CISCO2911/K9          {DeviceIdentity.Serial(device, "FTX", 8)}

        Configuration register is 0x2102

        """.ReplaceLineEndings("\n");

    /// <summary>An ISR G1 (2851) on 12.4(24)T: no licence block, the export notice, NVRAM and CompactFlash as 12.4 words them.</summary>
    private static string ShowVersion124(LabDevice device, string hostname, TimeSpan uptime) => $"""
        Cisco IOS Software, 2800 Software (C2800NM-ADVIPSERVICESK9-M), Version 12.4(24)T8, RELEASE SOFTWARE (fc1)
        Technical Support: http://www.cisco.com/techsupport
        Copyright (c) 1986-2012 by Cisco Systems, Inc.
        Compiled Tue 26-Jun-12 07:05 by prod_rel_team

        ROM: System Bootstrap, Version 12.4(13r)T11, RELEASE SOFTWARE (fc1)

        {hostname} uptime is {Uptime(uptime)}
        System returned to ROM by power-on
        System image file is "flash:c2800nm-advipservicesk9-mz.124-24.T8.bin"


        This product contains cryptographic features. Their import, export,
        transfer and use are governed by United States and local law; see the
        export compliance pages at http://www.cisco.com/wwl/export/crypto/.

        Cisco 2851 (revision 53.51) with 249856K/12288K bytes of memory.
        Processor board ID {DeviceIdentity.Serial(device, "FTX", 8)}
        4 Gigabit Ethernet interfaces
        1 Virtual Private Network (VPN) Module
        DRAM configuration is 64 bits wide with parity enabled.
        239K bytes of non-volatile configuration memory.
        62720K bytes of ATA CompactFlash (Read/Write)

        Configuration register is 0x2102

        """.ReplaceLineEndings("\n");

    private static string HostnameOf(string config) => IndentedConfig.TopLevelValue(config, "hostname") ?? "Router";

    /// <summary>The MOTD banner's text as stored between its delimiters (the multi-line form starts
    /// on the line after <c>banner motd ^C</c>); null without one.</summary>
    private static string? MotdOf(string config)
    {
        var start = config.StartsWith(MotdBanner, StringComparison.Ordinal) ? 0 : config.IndexOf("\n" + MotdBanner, StringComparison.Ordinal) + 1;
        if (start == 0 && !config.StartsWith(MotdBanner, StringComparison.Ordinal))
        {
            return null;
        }
        start += MotdBanner.Length;
        if (config[start] == '\n')
        {
            start++;
        }
        var end = config.IndexOf(Delimiter, start, StringComparison.Ordinal);
        return end < 0 ? null : config[start..end];
    }

    /// <summary>A vty login of a user with privilege 15 (and no AAA authorisation) lands in privileged EXEC.</summary>
    private static bool LogsInAtPrivilege15(string config, string username) =>
        config.Contains($"\nusername {username} privilege 15 ", StringComparison.Ordinal);

    private static string Clock(DateTimeOffset now) =>
        "*" + now.UtcDateTime.ToString("HH:mm:ss.fff 'UTC' ddd MMM d yyyy", CultureInfo.InvariantCulture) + "\n";

    private static string Uptime(TimeSpan span) => string.Join(", ", LabText.UptimeParts(span, zeroMinutes: true));

    /// <summary>The running configuration as <c>show running-config</c> prints it, or (without the
    /// header) as it is written to a file.</summary>
    private static string RunningConfigText(DeviceState state, bool header)
    {
        var body = new StringBuilder("!\n");
        if (state.LastChangeAt is { } at)
        {
            body.Append("! Last configuration change at ")
                .Append(at.UtcDateTime.ToString("HH:mm:ss 'UTC' ddd MMM d yyyy", CultureInfo.InvariantCulture))
                .Append(state.LastChangeBy.Length > 0 ? " by " + state.LastChangeBy : "").Append("\n!\n");
        }
        body.Append(state.RunningConfig);
        return header ? $"Building configuration...\n\nCurrent configuration : {body.Length} bytes\n{body}\n" : body.ToString();
    }

    private static string StartupConfigText(DeviceState state) =>
        state.StartupConfig.Length == 0
            ? "startup-config is not present\n"
            : $"Using {state.StartupConfig.Length + 2} out of 262144 bytes\n!\n{state.StartupConfig}\n";

    private static string InterfaceBrief(DeviceState state)
    {
        var running = IndentedConfig.Parse(state.RunningConfig);
        var startup = IndentedConfig.Parse(state.StartupConfig);
        var text = new StringBuilder("Interface                  IP-Address      OK? Method Status                Protocol\n");
        var interfaces = running.Sections("interface").OrderBy(i => i.Text.StartsWith("interface Loopback", StringComparison.Ordinal) ? 1 : 0);
        foreach (var section in interfaces)
        {
            var name = section.Text["interface ".Length..];
            var address = section.Children.FirstOrDefault(c => c.Text.StartsWith("ip address ", StringComparison.Ordinal))?.Text;
            var ip = address?.Split(' ')[2] ?? "unassigned";
            var method = address is null ? "unset" : startup.Find(section.Text)?.Children.Any(c => c.Text == address) == true ? "NVRAM" : "manual";
            var shut = section.Children.Any(c => c.Text == "shutdown");
            text.Append(CultureInfo.InvariantCulture, $"{name,-27}{ip,-16}YES {method,-7}{(shut ? "administratively down" : "up"),-22}{(shut ? "down" : "up")}\n");
        }
        return text.ToString();
    }

    private static string ShowUsers(string username) =>
        $"    Line       User       Host(s)              Idle       Location\n*  2 vty 0     {username,-10} idle                 00:00:00 127.0.0.1\n\n  Interface    User               Mode         Idle     Peer Address\n\n";
}

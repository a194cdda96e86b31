using System.Globalization;
using System.Text;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Terminal;
using static NetFleet.Lab.Config.CliNode;

namespace NetFleet.Lab.Platforms;

/// <summary>
/// Cisco IOS (an ISR 2911 on 15.7): user and privileged EXEC, configuration mode with its
/// sub-modes, startup config, flash files, the configuration archive and <c>configure replace</c>.
/// The running configuration is stored as IOS prints it, from <c>version</c> to <c>end</c>.
/// A device's <see cref="IosCapabilities"/> make it one of the variants operators meet: no archive,
/// an image without <c>configure replace</c>, <c>enable</c> without a secret or a privilege-15 login,
/// a MOTD banner, a slow <c>show running-config</c>, or an ISR G1 on 12.4. The 12.4 image differs as
/// a real one does over SSH in three ways: <c>show version</c> has the 12.4 layout (no licence/UDI
/// block, the export notice, the ISR G1 hardware lines); the first prompt (and a MOTD) follows a
/// blank line; and the configuration lacks the 15.x defaults (<c>multilink bundle-name</c>,
/// <c>redundancy</c>, <c>no ipv6 cef</c>).
/// </summary>
public sealed class CiscoIos : ILabPlatform
{
    private const string Invalid = "% Invalid input detected at '^' marker.\n\n";
    private const string Unsupported = "% This command is not supported by the NetFleet lab.\n";
    private const string Delimiter = "^C";
    private const string MotdBanner = "banner motd " + Delimiter;

    public string Name => "cisco_ios";
    public string ShortName => "ios";

    private static readonly CliNode[] Anything = [Rest()];

    /// <summary>The EXEC commands of an image with or without the archive and Configuration Replace
    /// features: a command the image lacks is invalid input, as on a real device.</summary>
    private static CliGrammar ExecGrammar(bool archive, bool replace) => new([
        Key("enable"),
        Key("disable"),
        Key("exit"),
        Key("logout"),
        Key("quit"),
        Key("terminal",
            Key("length", Arg("<0-512>", IsNumber)),
            Key("width", Arg("<0-512>", IsNumber)),
            Key("monitor"),
            Key("no", Key("monitor"))),
        Key("show", [
            Key("version"),
            Key("running-config").Priv(),
            Key("startup-config").Priv(),
            Key("ip", Key("interface", Key("brief"))),
            Key("clock"),
            .. archive ? [Key("archive").Priv()] : Array.Empty<CliNode>(),
            Key("users"),
            Key("history")]),
        Key("configure", [
            Key("terminal"),
            .. replace ? [Key("confirm"),
                Key("replace", Arg("<url>", null,
                    Key("force", Key("time", Arg("<1-120>", IsNumber))).OrEnd(),
                    Key("time", Arg("<1-120>", IsNumber, Key("force")).OrEnd())).OrEnd())] : Array.Empty<CliNode>()]).OrEnd().Priv(),
        Key("write", Key("memory"), Key("terminal")).OrEnd().Priv(),
        Key("copy", Arg("<source>", null, Arg("<destination>"))).Priv(),
        .. archive ? [Key("archive", Key("config")).Priv()] : Array.Empty<CliNode>(),
        // Real commands that make the usual abbreviations as ambiguous as on a device.
        Key("clear", Anything).Priv(),
        Key("clock", Anything),
        Key("connect", Anything),
        Key("debug", Anything).Priv(),
        Key("dir", Anything).OrEnd(),
        Key("disconnect", Anything).OrEnd(),
        Key("erase", Anything).Priv(),
        Key("ping", Anything),
        Key("reload", Anything).OrEnd().Priv(),
        Key("send", Anything),
        Key("setup").Priv(),
        Key("ssh", Anything),
        Key("telnet", Anything),
        Key("traceroute", Anything),
        Key("where")]);

    private static readonly CliNode[] ConfigControl = [Key("end"), Key("exit"), Key("do", Rest()), Key("no", Rest())];

    private static CliGrammar GlobalGrammar(bool archive) => new([
        .. ConfigControl,
        Key("hostname", Arg("WORD")),
        Key("interface", Id("<type>", null, Arg("<number>")).OrEnd()),
        Key("line", Id("<type>", null, Arg("<first>", IsNumber, Arg("<last>", IsNumber)).OrEnd())),
        Key("router", Key("ospf", Id("<id>", IsNumber)), Key("bgp", Id("<asn>", IsNumber)),
            Key("eigrp", Id("<asn>", IsNumber)), Key("rip")),
        .. archive ? [Key("archive")] : Array.Empty<CliNode>(),
        Key("ip",
            Key("route", Anything), Key("domain", Key("name", Arg("WORD")), Key("lookup"), Key("list", Anything)),
            Key("domain-name", Arg("WORD")), Key("name-server", Anything), Key("http", Anything), Key("ssh", Anything),
            Key("cef"), Key("forward-protocol", Anything), Key("access-list", Key("standard", Id("NAME")),
                Key("extended", Id("NAME"))),
            Key("prefix-list", Anything), Key("routing"), Key("scp", Anything), Key("tftp", Anything), Key("ftp", Anything),
            Key("vrf", Anything), Key("multicast-routing"), Key("dhcp", Anything), Key("nat", Anything),
            Key("host", Anything), Key("sla", Anything), Key("source-route")),
        Key("ipv6", Anything), Key("ntp", Anything), Key("logging", Anything), Key("snmp-server", Anything),
        Key("username", Anything), Key("banner", Anything), Key("service", Anything), Key("enable", Anything),
        Key("vlan", Id("<1-4094>", IsNumber)), Key("spanning-tree", Anything), Key("access-list", Anything),
        Key("aaa", Anything), Key("clock", Anything), Key("crypto", Anything), Key("boot", Anything), Key("boot-start-marker"),
        Key("boot-end-marker"), Key("cdp", Anything), Key("lldp", Anything), Key("route-map", Anything),
        Key("key", Anything), Key("control-plane"), Key("redundancy"), Key("alias", Anything), Key("errdisable", Anything),
        Key("vrf", Anything), Key("mpls", Anything), Key("license", Anything), Key("version", Anything),
        Key("multilink", Anything), Key("mmi", Anything), Key("default", Anything)]);

    private static readonly CliGrammar InterfaceMode = new([
        .. ConfigControl,
        Key("description", Anything),
        Key("ip",
            Key("address", Arg("A.B.C.D", null, Arg("A.B.C.D", null, Key("secondary")).OrEnd()), Key("dhcp")),
            Key("ospf", Anything), Key("mtu", Arg("<68-1500>", IsNumber)), Key("helper-address", Arg("A.B.C.D")),
            Key("access-group", Anything), Key("nat", Anything), Key("vrf", Anything), Key("redirects"),
            Key("unreachables"), Key("proxy-arp"), Key("pim", Anything), Key("tcp", Anything)),
        Key("ipv6", Anything), Key("shutdown"), Key("duplex", Arg("WORD")), Key("speed", Arg("WORD")),
        Key("mtu", Arg("<64-9216>", IsNumber)), Key("bandwidth", Arg("<1-10000000>", IsNumber)),
        Key("switchport", Anything).OrEnd(), Key("encapsulation", Anything), Key("channel-group", Anything),
        Key("negotiation", Anything), Key("media-type", Arg("WORD")), Key("cdp", Anything), Key("load-interval", Arg("<30-600>", IsNumber)),
        Key("vrf", Anything), Key("standby", Anything), Key("vrrp", Anything), Key("spanning-tree", Anything),
        Key("service-policy", Anything), Key("storm-control", Anything), Key("keepalive", Anything).OrEnd(),
        Key("mpls", Anything), Key("tunnel", Anything), Key("logging", Anything), Key("delay", Arg("<1-16777215>", IsNumber))]);

    private static readonly CliGrammar LineMode = new([
        .. ConfigControl,
        Key("login", Key("local")).OrEnd(), Key("password", Anything),
        Key("transport", Key("input", Anything), Key("output", Anything), Key("preferred", Anything)),
        Key("exec-timeout", Arg("<0-35791>", IsNumber, Arg("<0-2147483>", IsNumber)).OrEnd()),
        Key("logging", Anything), Key("privilege", Anything), Key("access-class", Anything),
        Key("session-timeout", Anything), Key("history", Anything), Key("length", Arg("<0-512>", IsNumber)),
        Key("width", Arg("<0-512>", IsNumber)), Key("stopbits", Arg("WORD")), Key("exec")]);

    private static readonly CliGrammar RouterMode = new([
        .. ConfigControl,
        Key("router-id", Arg("A.B.C.D")), Key("network", Anything), Key("neighbor", Anything),
        Key("passive-interface", Anything), Key("redistribute", Anything), Key("default-information", Anything),
        Key("auto-cost", Anything), Key("area", Anything), Key("log-adjacency-changes", Anything).OrEnd(),
        Key("bgp", Anything), Key("address-family", Anything), Key("maximum-paths", Arg("<1-32>", IsNumber)),
        Key("distance", Anything), Key("timers", Anything), Key("summary-address", Anything),
        Key("default-metric", Anything), Key("eigrp", Anything), Key("version", Arg("<1-2>", IsNumber)),
        Key("shutdown"), Key("exit-address-family")]);

    private static readonly CliGrammar ArchiveMode = new([
        .. ConfigControl,
        Key("path", Arg("WORD")), Key("maximum", Arg("<1-14>", IsNumber)), Key("write-memory"),
        Key("time-period", Arg("<1-525600>", IsNumber)), Key("log", Anything)]);

    // Sub-modes the lab does not model line by line (ACLs, route-maps, VLANs) take any line.
    private static readonly CliGrammar FreeMode = new([.. ConfigControl, Rest()]);

    // Negations IOS shows in the configuration instead of just removing the line.
    private static readonly HashSet<string> KeptNegations =
    [
        "ip address", "ip redirects", "ip unreachables", "ip proxy-arp", "cdp enable", "keepalive", "ip domain lookup",
        "ip http server", "ip http secure-server", "cdp run", "service pad", "ip cef", "ipv6 cef", "aaa new-model",
        "service password-encryption", "ip source-route", "exec", "log-adjacency-changes", "switchport",
    ];

    public DeviceState CreateFactoryState(LabDevice device)
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

    public void OnLoaded(LabDevice device, DeviceStateStore state, LabClock clock)
    {
        if (state.Read(s => s.PendingRevert) is { } pending)
        {
            RevertTimers.Arm(state, clock, pending, Revert);
        }
    }

    private static void Revert(DeviceState state, PendingRevert pending)
    {
        state.RunningConfig = pending.RestoreConfig;
        state.LastChangeAt = pending.Deadline;
        state.LastChangeBy = "";
    }

    public Task RunSessionAsync(DeviceSession session, CancellationToken cancellationToken) =>
        new Cli(session).RunAsync(cancellationToken);

    private sealed record Mode(string Name, string? Header, CliGrammar Grammar);

    /// <summary>The command set of one kind of image.</summary>
    private sealed record Image(CliGrammar Exec, CliGrammar Global)
    {
        public Mode Top { get; } = new("config", null, Global);

        public static Image Of(bool archive, bool replace) => new(ExecGrammar(archive, replace), GlobalGrammar(archive));
    }

    private static readonly Image Full = Image.Of(archive: true, replace: true);
    private static readonly Image WithoutReplace = Image.Of(archive: true, replace: false);
    private static readonly Image WithoutArchive = Image.Of(archive: false, replace: false);

    private static Image ImageOf(IosCapabilities capabilities) =>
        capabilities.ConfigureReplace ? Full : capabilities.HasArchiveFeature ? WithoutReplace : WithoutArchive;

    private sealed class Cli(DeviceSession session)
    {
        private readonly ITerminal terminal = session.Terminal;
        private readonly DeviceStateStore store = session.State;
        private readonly IosCapabilities capabilities = session.Device.Capabilities;
        private readonly Image image = ImageOf(session.Device.Capabilities);
        private bool privileged;
        private int screenLength = 24;
        private Mode? mode;
        private bool closed;

        public async Task RunAsync(CancellationToken ct)
        {
            privileged = store.Read(s => LogsInAtPrivilege15(s.RunningConfig, session.Username));
            if (session.ExecCommand is { } command)
            {
                session.Commands.Record(ModeName(), command);
                await ExecAsync(command, 0, ct, execChannel: true);
                return;
            }
            var motd = store.Read(s => MotdOf(s.RunningConfig));
            // 12.4 leaves a blank line before the banner and before the first prompt.
            var gap = capabilities.IsLegacyImage ? "\n" : "";
            await WriteAsync((motd is null ? "" : gap + motd) + gap + Prompt(), ct);
            while (!closed && await terminal.ReadCommandAsync(ct) is { } line)
            {
                var prompt = Prompt();
                session.Commands.Record(ModeName(), line);
                if (mode is null)
                {
                    await ExecAsync(line, prompt.Length, ct);
                }
                else
                {
                    await ConfigAsync(line, prompt.Length, ct);
                }
                if (!closed)
                {
                    await WriteAsync(Prompt(), ct);
                }
            }
        }

        private string Hostname() => store.Read(s => HostnameOf(s.RunningConfig));

        private string Prompt() => Hostname() + (mode is null ? privileged ? "#" : ">" : $"({mode.Name})#");

        private string ModeName() => mode?.Name ?? (privileged ? "privileged" : "exec");

        private ValueTask WriteAsync(string text, CancellationToken ct) => terminal.WriteAsync(text, ct);

        private async Task OutputAsync(string text, string? filter, CancellationToken ct)
        {
            if (filter is not null)
            {
                if (OutputFilter.Apply(text, filter) is not { } filtered)
                {
                    await WriteAsync(Invalid, ct);
                    return;
                }
                text = filtered;
            }
            closed |= !await Pager.Cisco.WriteAsync(terminal, text, screenLength, ct);
        }

        private ValueTask CaretAsync(int column, CancellationToken ct) =>
            WriteAsync(new string(' ', column) + "^\n" + Invalid, ct);

        /// <summary>Writes IOS's answer to a line that did not match; false when it matched.</summary>
        private async Task<bool> ReportAsync(CliMatch match, IReadOnlyList<CliToken> tokens, string line, int column, CancellationToken ct)
        {
            switch (match.Status)
            {
                case CliStatus.Invalid:
                    await CaretAsync(column + tokens[Math.Min(match.Token, tokens.Count - 1)].Offset, ct);
                    return true;
                case CliStatus.Incomplete:
                    await WriteAsync("% Incomplete command.\n\n", ct);
                    return true;
                case CliStatus.Ambiguous:
                    await WriteAsync($"% Ambiguous command:  \"{line.Trim()}\"\n", ct);
                    return true;
                default:
                    return false;
            }
        }

        private async Task<string?> AskAsync(string question, CancellationToken ct, bool secret = false)
        {
            await WriteAsync(question, ct);
            var answer = secret ? await terminal.ReadSecretAsync(ct) : await terminal.ReadCommandAsync(ct);
            closed |= answer is null;
            return answer;
        }

        private async Task ExecAsync(string line, int column, CancellationToken ct, bool execChannel = false)
        {
            var (command, filter) = OutputFilter.Split(line);
            var tokens = CliToken.Split(command);
            // IOS runs an ssh exec command at the user's level; the lab lets every show through.
            var elevated = privileged || (execChannel && tokens.Count > 0 && "show".StartsWith(tokens[0].Text, StringComparison.OrdinalIgnoreCase));
            var match = image.Exec.Match(command, tokens, elevated);
            if (match.Status == CliStatus.Empty || await ReportAsync(match, tokens, line, column, ct))
            {
                return;
            }
            switch (match.Command)
            {
                case "enable":
                    await EnableAsync(ct);
                    break;
                case "disable":
                    privileged = false;
                    break;
                case "exit" or "logout" or "quit":
                    closed = true;
                    break;
                case "terminal length <0-512>":
                    screenLength = int.Parse(match.Args[0], CultureInfo.InvariantCulture);
                    break;
                case "terminal width <0-512>" or "terminal monitor" or "terminal no monitor":
                    break;
                case "show version":
                    await OutputAsync(ShowVersion(), filter, ct);
                    break;
                case "show running-config" or "write terminal":
                    if (capabilities.ShowRunningConfigMs > 0 && match.Command == "show running-config")
                    {
                        await Task.Delay(capabilities.ShowRunningConfigMs, ct);
                    }
                    await OutputAsync(store.Read(s => RunningConfigText(s, true)), filter, ct);
                    break;
                case "show startup-config":
                    await OutputAsync(store.Read(StartupConfigText), filter, ct);
                    break;
                case "show ip interface brief":
                    await OutputAsync(store.Read(InterfaceBrief), filter, ct);
                    break;
                case "show clock":
                    await OutputAsync(Clock(session.Clock.Time.GetUtcNow()), filter, ct);
                    break;
                case "show archive":
                    await OutputAsync(store.Read(ShowArchive), filter, ct);
                    break;
                case "show users":
                    await OutputAsync($"    Line       User       Host(s)              Idle       Location\n*  2 vty 0     {session.Username,-10} idle                 00:00:00 127.0.0.1\n\n  Interface    User               Mode         Idle     Peer Address\n\n", filter, ct);
                    break;
                case "show history":
                    break;
                case "configure":
                    if (await AskAsync("Configuring from terminal, memory, or network [terminal]? ", ct) is { } how
                        && (how.Trim().Length == 0 || "terminal".StartsWith(how.Trim(), StringComparison.OrdinalIgnoreCase)))
                    {
                        await EnterConfigAsync(ct);
                    }
                    break;
                case "configure terminal":
                    await EnterConfigAsync(ct);
                    break;
                case "configure confirm":
                    await ConfirmAsync(ct);
                    break;
                case var replace when replace.StartsWith("configure replace", StringComparison.Ordinal):
                    await ReplaceAsync(match, ct);
                    break;
                case "write" or "write memory":
                    store.Update(s => s.StartupConfig = s.RunningConfig);
                    await WriteAsync("Building configuration...\n[OK]\n", ct);
                    break;
                case "copy <source> <destination>":
                    await CopyAsync(match.Args[0], match.Args[1], ct);
                    break;
                case "archive config":
                    await WriteAsync(store.Update(ArchiveConfig), ct);
                    break;
                default:
                    await WriteAsync(Unsupported, ct);
                    break;
            }
        }

        private async Task EnableAsync(CancellationToken ct)
        {
            if (privileged)
            {
                return;
            }
            var running = store.Read(s => s.RunningConfig);
            if (IndentedConfig.TopLevelValue(running, "enable secret") is null && IndentedConfig.TopLevelValue(running, "enable password") is null)
            {
                // Without an enable secret, vty lines refuse enable unless AAA says no password is needed.
                if (running.Contains("\naaa authentication enable default none\n", StringComparison.Ordinal))
                {
                    privileged = true;
                }
                else
                {
                    await WriteAsync("% No password set\n", ct);
                }
                return;
            }
            for (var attempt = 0; attempt < 3; attempt++)
            {
                if (await AskAsync("Password: ", ct, secret: true) is not { } secret)
                {
                    return;
                }
                if (secret == session.Device.EnableSecret)
                {
                    privileged = true;
                    return;
                }
            }
            await WriteAsync("% Bad secrets\n\n", ct);
        }

        private ValueTask EnterConfigAsync(CancellationToken ct)
        {
            mode = image.Top;
            return WriteAsync("Enter configuration commands, one per line.  End with CNTL/Z.\n", ct);
        }

        private async Task ReplaceAsync(CliMatch match, CancellationToken ct)
        {
            var url = match.Args[0];
            var name = FlashName(url);
            var file = name is null ? null : store.Read(s => s.Files.GetValueOrDefault(name));
            if (file is null)
            {
                await WriteAsync($"%Error opening {url} (No such file or directory)\n", ct);
                return;
            }
            if (!match.Words.Contains("force"))
            {
                var answer = await AskAsync("This will apply all necessary additions and deletions\nto replace the current running configuration with the\ncontents of the specified configuration file, which is\nassumed to be a complete configuration, not a partial\nconfiguration. Enter Y if you are sure you want to proceed. ? [no]: ", ct);
                if (answer is null || !answer.Trim().StartsWith('y') && !answer.Trim().StartsWith('Y'))
                {
                    return;
                }
            }
            var timeIndex = match.Command.Split(' ').ToList().IndexOf("<1-120>");
            int? minutes = timeIndex < 0 ? null : int.Parse(match.Words[timeIndex], CultureInfo.InvariantCulture);
            var replacement = IndentedConfig.Parse(file).Render(1);
            var pending = store.Update(s =>
            {
                var previous = s.RunningConfig;
                s.RunningConfig = replacement;
                Changed(s);
                s.PendingRevert = minutes is { } m ? RevertTimers.Create(session.Clock, m, previous) : null;
                return s.PendingRevert;
            });
            if (pending is not null)
            {
                RevertTimers.Arm(store, session.Clock, pending, Revert);
            }
            await WriteAsync("Total number of passes: 1\nRollback Done\n\n", ct);
        }

        private async Task ConfirmAsync(CancellationToken ct)
        {
            var pending = store.Update(s =>
            {
                var p = s.PendingRevert;
                s.PendingRevert = null;
                return p;
            });
            if (pending is null)
            {
                await WriteAsync("% No Rollback Confirmation pending\n", ct);
                return;
            }
            RevertTimers.Disarm(pending.Id);
        }

        private async Task CopyAsync(string source, string destination, CancellationToken ct)
        {
            var from = source.ToLowerInvariant() switch
            {
                "running-config" or "system:running-config" or "system:/running-config" => "running",
                "startup-config" or "nvram:startup-config" or "nvram:/startup-config" => "startup",
                _ => null,
            };
            if (from is null)
            {
                await WriteAsync(FlashName(source) is null ? $"%Error parsing filename ({source})\n" : Unsupported, ct);
                return;
            }
            if (destination.Equals("startup-config", StringComparison.OrdinalIgnoreCase)
                || destination.StartsWith("nvram:", StringComparison.OrdinalIgnoreCase))
            {
                if (await AskAsync("Destination filename [startup-config]? ", ct) is null)
                {
                    return;
                }
                store.Update(s => s.StartupConfig = from == "running" ? s.RunningConfig : s.StartupConfig);
                await WriteAsync("Building configuration...\n[OK]\n", ct);
                return;
            }
            if (FlashName(destination) is not { } name)
            {
                await WriteAsync($"%Error parsing filename ({destination})\n", ct);
                return;
            }
            if (await AskAsync($"Destination filename [{name}]? ", ct) is not { } answer)
            {
                return;
            }
            name = answer.Trim().Length > 0 ? FlashName(answer.Trim()) ?? answer.Trim() : name;
            var bytes = store.Update(s =>
            {
                var text = from == "running" ? RunningConfigText(s, false) : s.StartupConfig;
                s.Files[name] = text;
                return text.Length;
            });
            await WriteAsync($"{bytes} bytes copied in 0.052 secs ({bytes * 1000 / 52} bytes/sec)\n", ct);
        }

        private string ShowVersion()
        {
            var (device, hostname) = (session.Device, Hostname());
            var uptime = store.Read(s => session.Clock.Time.GetUtcNow() - s.BootedAt);
            if (capabilities.IsLegacyImage)
            {
                return ShowVersion124(device, hostname, uptime);
            }
            return $"""
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
        }

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

        private async Task ConfigAsync(string line, int column, CancellationToken ct)
        {
            var current = mode!;
            var tokens = CliToken.Split(line);
            if (line is "\u001a" or "\u0003")
            {
                mode = null;
                return;
            }
            var match = current.Grammar.Match(line, tokens, true);
            var grammar = current.Grammar;
            var header = current.Header;
            var global = image.Global;
            if (match.Status is CliStatus.Invalid or CliStatus.Ambiguous or CliStatus.Incomplete && current.Grammar != global
                && global.Match(line, tokens, true) is { Status: CliStatus.Ok } atTop)
            {
                // A global command in a sub-mode applies at the top and leaves the sub-mode, as on IOS.
                (match, grammar, header) = (atTop, global, null);
            }
            if (match.Status == CliStatus.Empty || await ReportAsync(match, tokens, line, column, ct))
            {
                return;
            }
            switch (match.Command)
            {
                case "end":
                    mode = null;
                    return;
                case "exit":
                    mode = current.Header is null ? null : image.Top;
                    return;
                case "do LINE":
                    await ExecAsync(match.Args[0], column + tokens[1].Offset, ct);
                    return;
            }
            if (RejectRules.Find(session.Device.Faults, line) is { } at)
            {
                await CaretAsync(column + tokens[RejectRules.TokenAt(tokens, at)].Offset, ct);
                return;
            }
            var negated = match.Command == "no LINE";
            if (negated)
            {
                match = grammar.Match(line, tokens, true, first: 1, partial: true);
                if (match.Status != CliStatus.Ok && grammar != global && global.Match(line, tokens, true, 1, true) is { Status: CliStatus.Ok } globalNo)
                {
                    (match, grammar, header) = (globalNo, global, null);
                }
                if (await ReportAsync(match, tokens, line, column, ct))
                {
                    return;
                }
            }
            if (Canonical(match) is not { } canonical)
            {
                await CaretAsync(column + tokens[negated ? 2 : 1].Offset, ct);
                return;
            }
            var opens = !negated && grammar == global ? SubMode(canonical) : null;
            var edit = negated ? ConfigEdit.Negate : opens is not null ? ConfigEdit.OpenSection : ConfigEdit.Set;
            store.Update(s =>
            {
                s.RunningConfig = IndentedConfig.Apply(s.RunningConfig, 1, header, canonical, edit, KeptNegations);
                Changed(s);
            });
            mode = opens ?? (grammar == global ? image.Top : current);
        }

        private void Changed(DeviceState state)
        {
            state.LastChangeAt = session.Clock.Time.GetUtcNow();
            state.LastChangeBy = session.Username;
        }

        // Interface and line names are stored spelled out; null when the name is not a valid one.
        private static string? Canonical(CliMatch match)
        {
            var words = match.Words;
            if (words.Count >= 2 && words[0] == "interface")
            {
                var name = InterfaceNames.Ios.Expand(words[1], words.Count > 2 ? words[2] : null);
                return name is null ? null : "interface " + name;
            }
            if (words.Count >= 2 && words[0] == "line")
            {
                var type = new[] { "console", "vty", "aux" }.FirstOrDefault(t => t.StartsWith(words[1], StringComparison.OrdinalIgnoreCase));
                return type is null ? null : string.Join(' ', ["line", type == "console" ? "con" : type, .. words.Skip(2)]);
            }
            return match.Canonical;
        }

        private static Mode? SubMode(string line)
        {
            var words = line.Split(' ');
            return words[0] switch
            {
                "interface" => new Mode(line.Contains('.', StringComparison.Ordinal) ? "config-subif" : "config-if", line, InterfaceMode),
                "line" => new Mode("config-line", line, LineMode),
                "router" => new Mode("config-router", line, RouterMode),
                "archive" => new Mode("config-archive", line, ArchiveMode),
                "vlan" => new Mode("config-vlan", line, FreeMode),
                "control-plane" => new Mode("config-cp", line, FreeMode),
                "redundancy" => new Mode("config-red", line, FreeMode),
                "route-map" => new Mode("config-route-map", line, FreeMode),
                "ip" when words.Length > 2 && words[1] == "access-list" =>
                    new Mode(words[2] == "standard" ? "config-std-nacl" : "config-ext-nacl", line, FreeMode),
                _ => null,
            };
        }
    }

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

    private static string? FlashName(string url)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !url[..colon].StartsWith("flash", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var name = url[(colon + 1)..].TrimStart('/');
        return name.Length == 0 ? null : name;
    }

    private static string Clock(DateTimeOffset now) =>
        "*" + now.UtcDateTime.ToString("HH:mm:ss.fff 'UTC' ddd MMM d yyyy", CultureInfo.InvariantCulture) + "\n";

    private static string Uptime(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }
        var parts = new List<string>();
        void Add(int n, string unit)
        {
            if (n > 0)
            {
                parts.Add($"{n} {unit}{(n == 1 ? "" : "s")}");
            }
        }
        Add(span.Days / 7, "week");
        Add(span.Days % 7, "day");
        Add(span.Hours, "hour");
        parts.Add($"{span.Minutes} minute{(span.Minutes == 1 ? "" : "s")}");
        return string.Join(", ", parts);
    }

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

    private static string ShowArchive(DeviceState state)
    {
        var (path, maximum) = ArchiveSettings(state);
        if (path is null)
        {
            return "Archive feature not enabled\n";
        }
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"The maximum archive configurations allowed is {maximum}.\n")
            .Append(CultureInfo.InvariantCulture, $"The next archive file will be named {path}-{state.ArchiveCounter + 1}\n")
            .Append(" Archive #  Name\n");
        for (var i = 0; i < maximum; i++)
        {
            var name = i < state.Archive.Count ? "flash:" + state.Archive[i] : "";
            var recent = i == state.Archive.Count - 1 ? " <- Most Recent" : "";
            text.Append(CultureInfo.InvariantCulture, $"   {i + 1,-9}{name}{recent}\n");
        }
        return text.ToString();
    }

    private static (string? Path, int Maximum) ArchiveSettings(DeviceState state)
    {
        var archive = IndentedConfig.Parse(state.RunningConfig).Find("archive");
        var path = archive?.Children.FirstOrDefault(c => c.Text.StartsWith("path ", StringComparison.Ordinal))?.Text[5..];
        var maximum = archive?.Children.FirstOrDefault(c => c.Text.StartsWith("maximum ", StringComparison.Ordinal))?.Text[8..];
        return (path, maximum is null ? 10 : int.Parse(maximum, CultureInfo.InvariantCulture));
    }

    private static string ArchiveConfig(DeviceState state)
    {
        var (path, maximum) = ArchiveSettings(state);
        if (path is null)
        {
            return "% Archive feature not enabled\n";
        }
        if (FlashName(path) is not { } baseName)
        {
            return "%Archive path not specified\n";
        }
        state.ArchiveCounter++;
        var name = $"{baseName}-{state.ArchiveCounter}";
        state.Files[name] = RunningConfigText(state, false);
        state.Archive.Add(name);
        while (state.Archive.Count > maximum)
        {
            state.Files.Remove(state.Archive[0]);
            state.Archive.RemoveAt(0);
        }
        return "";
    }
}

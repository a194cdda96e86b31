using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
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
/// <c>redundancy</c>, <c>no ipv6 cef</c>). This file is the CLI's table; CiscoIos.Outputs.cs what it prints.
/// </summary>
public sealed partial class CiscoIos : LabPlatform
{
    private const string Invalid = "% Invalid input detected at '^' marker.\n\n";
    private const string Delimiter = "^C";
    private const string MotdBanner = "banner motd " + Delimiter;

    public override string Name => "cisco_ios";
    public override string ShortName => "ios";

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

    /// <summary>The sub-mode a global line opens, by its first words.</summary>
    private static ConfigMode? SubMode(string line)
    {
        var words = line.Split(' ');
        return words[0] switch
        {
            "interface" => Sub(line.Contains('.', StringComparison.Ordinal) ? "config-subif" : "config-if", line, InterfaceMode),
            "line" => Sub("config-line", line, LineMode),
            "router" => Sub("config-router", line, RouterMode),
            "archive" => Sub("config-archive", line, ArchiveMode),
            "vlan" => Sub("config-vlan", line, FreeMode),
            "control-plane" => Sub("config-cp", line, FreeMode),
            "redundancy" => Sub("config-red", line, FreeMode),
            "route-map" => Sub("config-route-map", line, FreeMode),
            "ip" when words.Length > 2 && words[1] == "access-list" =>
                Sub(words[2] == "standard" ? "config-std-nacl" : "config-ext-nacl", line, FreeMode),
            _ => null,
        };
    }

    private static ConfigMode Sub(string name, string? header, CliGrammar grammar) => new(name, header, grammar, KeptNegations);

    /// <summary>The command set of one kind of image.</summary>
    private sealed record Image(CliGrammar Exec, CliGrammar Global)
    {
        public ConfigMode Top { get; } = Sub("config", null, Global);

        public static Image Of(bool archive, bool replace) => new(ExecGrammar(archive, replace), GlobalGrammar(archive));
    }

    private static readonly Image Full = Image.Of(archive: true, replace: true);
    private static readonly Image WithoutReplace = Image.Of(archive: true, replace: false);
    private static readonly Image WithoutArchive = Image.Of(archive: false, replace: false);

    private static Image ImageOf(IosCapabilities capabilities) =>
        capabilities.ConfigureReplace ? Full : capabilities.HasArchiveFeature ? WithoutReplace : WithoutArchive;

    /// <summary>EXEC commands (of every image: a command its grammar lacks never gets here).</summary>
    private static readonly CommandTable<Cli> ExecCommands = new()
    {
        { "enable", (cli, _, ct) => cli.EnableAsync(ct) },
        { "disable", Cli.Disable },
        { ["exit", "logout", "quit"], Cli.Close },
        { "terminal length <0-512>", Cli.SetScreenLength },
        { ["terminal width <0-512>", "terminal monitor", "terminal no monitor", "show history"], Cli.Ignore },
        { "show version", (cli, call, ct) => cli.OutputAsync(cli.ShowVersion(), call.Filter, ct) },
        { ["show running-config", "write terminal"], (cli, call, ct) => cli.ShowRunningConfigAsync(call, ct) },
        { "show startup-config", Cli.Show(StartupConfigText) },
        { "show ip interface brief", Cli.Show(InterfaceBrief) },
        { "show clock", (cli, call, ct) => cli.OutputAsync(Clock(cli.Session.Clock.Time.GetUtcNow()), call.Filter, ct) },
        { "show archive", Cli.Show(ShowArchive) },
        { "show users", (cli, call, ct) => cli.OutputAsync(ShowUsers(cli.Session.Username), call.Filter, ct) },
        { "configure", (cli, _, ct) => cli.ConfigureAsync(ct) },
        { "configure terminal", (cli, _, ct) => cli.EnterConfigAsync(ct) },
        { "configure confirm", (cli, _, ct) => cli.ConfirmAsync(ct) },
        { "configure replace …", (cli, call, ct) => cli.ReplaceAsync(call.Match, ct) },
        { ["write", "write memory"], Cli.SaveConfig("Building configuration...\n[OK]\n") },
        { "copy <source> <destination>", (cli, call, ct) => cli.CopyAsync(call.Args[0], call.Args[1], ct) },
        { "archive config", (cli, _, ct) => cli.WriteAsync(cli.Store.Update(ArchiveConfig), ct) },
    };

    /// <summary>Configuration-mode commands that are not configuration lines.</summary>
    private static readonly CommandTable<Cli> ConfigCommands = new()
    {
        { "end", Cli.End },
        { "exit", Cli.Exit },
        { "do LINE", Cli.Do },
    };

    /// <summary>A timed <c>configure replace</c> that was not confirmed puts the configuration back, as no one's change.</summary>
    public override void Revert(DeviceState state, PendingRevert pending)
    {
        state.RunningConfig = pending.RestoreConfig;
        state.LastChangeAt = pending.Deadline;
        state.LastChangeBy = "";
    }

    private protected override LabCli CreateCli(DeviceSession session) => new Cli(session, this);

    internal override IEnumerable<(CliGrammar Grammar, IEnumerable<string> Commands)> CommandTables =>
        [(Full.Exec, ExecCommands), (Full.Global, ConfigCommands)];

    private sealed partial class Cli : IndentedCli<Cli>
    {
        private readonly IosCapabilities capabilities;
        private readonly Image image;

        public Cli(DeviceSession session, CiscoIos platform) : base(session, platform)
        {
            capabilities = session.Device.Capabilities;
            image = ImageOf(capabilities);
            Privileged = Store.Read(s => LogsInAtPrivilege15(s.RunningConfig, session.Username));
        }

        public override ConfigMode Top => image.Top;
        protected override CliGrammar ExecGrammar => image.Exec;
        protected override CommandTable<Cli> ExecCommands => CiscoIos.ExecCommands;
        protected override CommandTable<Cli> ConfigCommands => CiscoIos.ConfigCommands;
        protected override int Indent => 1;
        protected override string InvalidFilter => Invalid;

        public override string ModeName => Mode?.Name ?? (Privileged ? "privileged" : "exec");

        public override string Prompt() => Hostname() + (Mode is null ? Privileged ? "#" : ">" : $"({Mode.Name})#");

        private string Hostname() => Store.Read(s => HostnameOf(s.RunningConfig));

        /// <summary>The MOTD; 12.4 leaves a blank line before the banner and before the first prompt.</summary>
        protected override string Greeting()
        {
            var motd = Store.Read(s => MotdOf(s.RunningConfig));
            var gap = capabilities.IsLegacyImage ? "\n" : "";
            return (motd is null ? "" : gap + motd) + gap;
        }

        private Task CaretAsync(int column, CancellationToken ct) => WriteAsync(new string(' ', column) + "^\n" + Invalid, ct);

        protected override Task RefuseAsync(CliCall call, int token, CancellationToken ct) =>
            CaretAsync(call.Column + call.Tokens[token].Offset, ct);

        protected override async Task<bool> ReportAsync(CliCall call, CliMatch match, CancellationToken ct)
        {
            switch (match.Status)
            {
                case CliStatus.Invalid:
                    await CaretAsync(call.Column + call.Tokens[Math.Min(match.Token, call.Tokens.Count - 1)].Offset, ct);
                    return true;
                case CliStatus.Incomplete:
                    await WriteAsync("% Incomplete command.\n\n", ct);
                    return true;
                case CliStatus.Ambiguous:
                    await WriteAsync($"% Ambiguous command:  \"{call.Line.Trim()}\"\n", ct);
                    return true;
                default:
                    return false;
            }
        }

        // Interface and line names are stored spelled out; null when the name is not a valid one.
        protected override string? Canonical(CliMatch match)
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

        protected override ConfigMode? SubMode(string line) => CiscoIos.SubMode(line);

        protected override void Edit(Func<string, string> apply) => Store.Update(s =>
        {
            s.RunningConfig = apply(s.RunningConfig);
            Changed(s);
        });

        private void Changed(DeviceState state)
        {
            state.LastChangeAt = Session.Clock.Time.GetUtcNow();
            state.LastChangeBy = Session.Username;
        }

        public async Task ShowRunningConfigAsync(CliCall call, CancellationToken ct)
        {
            if (capabilities.ShowRunningConfigMs > 0 && call.Command == "show running-config")
            {
                await Task.Delay(capabilities.ShowRunningConfigMs, ct);
            }
            await OutputAsync(Store.Read(s => RunningConfigText(s, true)), call.Filter, ct);
        }

        public string ShowVersion()
        {
            var uptime = Store.Read(s => Session.Clock.Time.GetUtcNow() - s.BootedAt);
            return capabilities.IsLegacyImage
                ? ShowVersion124(Session.Device, Hostname(), uptime)
                : ShowVersion157(Session.Device, Hostname(), uptime);
        }

        public async Task EnableAsync(CancellationToken ct)
        {
            if (Privileged)
            {
                return;
            }
            var running = Store.Read(s => s.RunningConfig);
            if (IndentedConfig.TopLevelValue(running, "enable secret") is null && IndentedConfig.TopLevelValue(running, "enable password") is null)
            {
                // Without an enable secret, vty lines refuse enable unless AAA says no password is needed.
                if (running.Contains("\naaa authentication enable default none\n", StringComparison.Ordinal))
                {
                    Privileged = true;
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
                if (secret == Session.Device.EnableSecret)
                {
                    Privileged = true;
                    return;
                }
            }
            await WriteAsync("% Bad secrets\n\n", ct);
        }

        public async Task ConfigureAsync(CancellationToken ct)
        {
            if (await AskAsync("Configuring from terminal, memory, or network [terminal]? ", ct) is { } how
                && (how.Trim().Length == 0 || "terminal".StartsWith(how.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                await EnterConfigAsync(ct);
            }
        }

        public Task EnterConfigAsync(CancellationToken ct)
        {
            Mode = Top;
            return WriteAsync("Enter configuration commands, one per line.  End with CNTL/Z.\n", ct);
        }
    }
}

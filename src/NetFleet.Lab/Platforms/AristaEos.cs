using System.Globalization;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using static NetFleet.Lab.Config.CliNode;

namespace NetFleet.Lab.Platforms;

/// <summary>
/// Arista EOS (vEOS-lab 4.31): EXEC modes, configuration mode, configuration sessions with their
/// diffs, <c>commit timer</c> and its confirmation. The running configuration is stored as EOS
/// prints it below the comment header, from the first command to <c>end</c>. This file is the
/// CLI's table; AristaEos.Sessions.cs the configuration sessions, AristaEos.Outputs.cs what it prints.
/// </summary>
public sealed partial class AristaEos : LabPlatform
{
    private const string Version = "4.31.2F";

    public override string Name => "arista_eos";
    public override string ShortName => "eos";

    private static readonly CliNode[] Anything = [Rest()];

    private static readonly CliNode[] ShowCommands =
    [
        Key("version"),
        Key("running-config").Priv(),
        Key("startup-config").Priv(),
        Key("ip", Key("interface", Key("brief"))),
        Key("clock"),
        Key("configuration", Key("sessions", Key("detail")).OrEnd()).Priv(),
        Key("session-config", Key("diffs"), Key("named", Arg("WORD", null, Key("diffs")).OrEnd())).OrEnd().Priv(),
        Key("users"),
        Key("hostname"),
    ];

    private static readonly CliGrammar Exec = new(
        Key("enable"),
        Key("disable"),
        Key("exit"),
        Key("logout"),
        Key("quit"),
        Key("terminal", Key("length", Arg("<0-32767>", IsNumber)), Key("width", Arg("<10-32767>", IsNumber)),
            Key("monitor")),
        Key("show", ShowCommands),
        Key("configure",
            Key("terminal"),
            Key("session", Arg("WORD", null, Key("commit"), Key("abort")).OrEnd()).OrEnd()).OrEnd().Priv(),
        Key("write", Key("memory")).OrEnd().Priv(),
        Key("copy", Arg("<source>", null, Arg("<destination>"))).Priv(),
        // Real commands that make the usual abbreviations as ambiguous as on a device.
        Key("clear", Anything).Priv(),
        Key("clock", Anything).Priv(),
        Key("connect", Anything),
        Key("debug", Anything).Priv(),
        Key("dir", Anything).OrEnd(),
        Key("ping", Anything),
        Key("reload", Anything).OrEnd().Priv(),
        Key("ssh", Anything),
        Key("telnet", Anything),
        Key("traceroute", Anything),
        Key("bash", Anything).OrEnd().Priv());

    private static readonly CliNode[] ConfigControl =
    [
        Key("end"), Key("exit"), Key("do", Rest()), Key("no", Rest()), Key("default", Rest()), Key("show", Rest()),
        Key("commit", Key("timer", Arg("hh:mm:ss", IsTimer))).OrEnd(), Key("abort"),
    ];

    private static readonly CliGrammar Global = new([
        .. ConfigControl,
        Key("hostname", Arg("WORD")),
        Key("interface", Id("<type>", null, Arg("<number>")).OrEnd()),
        Key("router", Key("ospf", Id("<id>", IsNumber)), Key("bgp", Id("<asn>", IsNumber)), Key("isis", Id("WORD"))),
        Key("management", Key("api", Key("http-commands")), Key("ssh"), Key("telnet"), Key("console")),
        Key("ip",
            Key("routing").OrEnd(), Key("route", Anything), Key("domain-name", Arg("WORD")), Key("name-server", Anything),
            Key("access-list", Id("NAME")), Key("prefix-list", Anything), Key("host", Anything), Key("virtual-router", Anything)),
        Key("ipv6", Anything), Key("ntp", Anything), Key("logging", Anything), Key("snmp-server", Anything),
        Key("username", Anything), Key("banner", Anything), Key("service", Anything), Key("enable", Anything),
        Key("vlan", Id("<1-4094>", IsNumber)), Key("spanning-tree", Anything), Key("aaa", Anything), Key("clock", Anything),
        Key("transceiver", Anything), Key("vrf", Anything), Key("route-map", Anything), Key("daemon", Id("WORD")),
        Key("dns", Anything), Key("lldp", Anything), Key("mlag", Anything).OrEnd(), Key("queue-monitor", Anything),
        Key("event-handler", Id("WORD")), Key("boot", Anything), Key("alias", Anything)]);

    private static readonly CliGrammar InterfaceMode = new([
        .. ConfigControl,
        Key("description", Anything),
        Key("ip", Key("address", Arg("A.B.C.D/M", IsPrefix, Key("secondary")).OrEnd()), Key("ospf", Anything),
            Key("access-group", Anything), Key("helper-address", Anything), Key("proxy-arp"), Key("virtual-router", Anything)),
        Key("ipv6", Anything), Key("shutdown"), Key("switchport", Anything).OrEnd(), Key("mtu", Arg("<68-9214>", IsNumber)),
        Key("speed", Anything), Key("channel-group", Anything), Key("load-interval", Anything), Key("lacp", Anything),
        Key("spanning-tree", Anything), Key("vrf", Anything), Key("bfd", Anything), Key("mlag", Anything),
        Key("vrrp", Anything), Key("logging", Anything), Key("storm-control", Anything), Key("service-policy", Anything),
        Key("vxlan", Anything), Key("link-debounce", Anything), Key("errdisable", Anything)]);

    private static readonly CliGrammar RouterMode = new([
        .. ConfigControl,
        Key("router-id", Arg("A.B.C.D")), Key("network", Anything), Key("neighbor", Anything), Key("max-lsa", Anything),
        Key("passive-interface", Anything), Key("redistribute", Anything), Key("maximum-paths", Anything),
        Key("bgp", Anything), Key("address-family", Anything), Key("distance", Anything), Key("timers", Anything),
        Key("area", Anything), Key("default-information", Anything), Key("log-adjacency-changes", Anything).OrEnd(),
        Key("shutdown"), Key("vrf", Anything)]);

    // Sub-modes the lab does not model line by line (management, VLANs, ACLs) take any line.
    private static readonly CliGrammar FreeMode = new([.. ConfigControl, Rest()]);

    // Negations EOS shows in the configuration instead of just removing the line.
    private static readonly HashSet<string> KeptNegations = ["switchport", "aaa root", "ip routing", "spanning-tree"];
    private static readonly HashSet<string> ManagementNegations = ["shutdown"];

    private static readonly ConfigMode TopMode = new("", null, Global, KeptNegations);

    /// <summary>The sub-mode a global line opens; its name is the prompt's mode part after <c>config</c>.</summary>
    private static ConfigMode? SubMode(string line)
    {
        var words = line.Split(' ');
        return words switch
        {
            ["interface", var name] => new ConfigMode("-if-" + InterfaceNames.Eos.Short(name), line, InterfaceMode, KeptNegations),
            ["router", var protocol, ..] => new ConfigMode("-router-" + protocol, line, RouterMode, KeptNegations),
            ["management", "api", "http-commands"] => new ConfigMode("-mgmt-api-http-cmds", line, FreeMode, ManagementNegations),
            ["management", var what] => new ConfigMode("-mgmt-" + what, line, FreeMode, ManagementNegations),
            ["vlan", var id] => new ConfigMode("-vlan-" + id, line, FreeMode, KeptNegations),
            ["ip", "access-list", var acl] => new ConfigMode("-acl-" + acl, line, FreeMode, KeptNegations),
            ["daemon", var daemon] => new ConfigMode("-daemon-" + daemon, line, FreeMode, KeptNegations),
            ["event-handler", var handler] => new ConfigMode("-handler-" + handler, line, FreeMode, KeptNegations),
            _ => null,
        };
    }

    /// <summary>EXEC commands.</summary>
    private static readonly CommandTable<Cli> ExecCommands = new()
    {
        { "enable", (cli, _, ct) => cli.EnableAsync(ct) },
        { "disable", Cli.Disable },
        { ["exit", "logout", "quit"], Cli.Close },
        { "terminal length <0-32767>", Cli.SetScreenLength },
        { ["terminal width <10-32767>", "terminal monitor"], Cli.Ignore },
        { "show version", (cli, call, ct) => cli.OutputAsync(cli.ShowVersion(), call.Filter, ct) },
        { "show running-config", Cli.Show(s => ConfigText(s, "running-config", s.RunningConfig)) },
        { "show startup-config", Cli.Show(s => ConfigText(s, "startup-config", s.StartupConfig)) },
        { "show ip interface brief", Cli.Show(s => InterfaceBrief(s.RunningConfig)) },
        { "show clock", (cli, call, ct) => cli.OutputAsync(ShowClock(cli.Session.Clock.Time.GetUtcNow()), call.Filter, ct) },
        { "show hostname", Cli.Show(ShowHostname) },
        { "show users", (cli, call, ct) => cli.OutputAsync(ShowUsers(cli.Session.Username), call.Filter, ct) },
        { ["show configuration sessions", "show configuration sessions detail"],
            (cli, call, ct) => cli.OutputAsync(cli.Store.Read(s => ShowSessions(s, cli.SessionName)), call.Filter, ct) },
        { ["show session-config", "show session-config diffs"], (cli, call, ct) => cli.ShowSessionAsync(cli.SessionName, call, ct) },
        { ["show session-config named WORD", "show session-config named WORD diffs"], (cli, call, ct) => cli.ShowSessionAsync(call.Args[0], call, ct) },
        { ["configure", "configure terminal"], (cli, _) => (cli.Mode, cli.SessionName) = (TopMode, null) },
        { ["configure session", "configure session WORD"], (cli, call) =>
            cli.EnterSession(call.Args.Count > 0 ? call.Args[0] : $"session{cli.Session.Clock.Time.GetTimestamp() % 100000000:D8}") },
        { "configure session WORD commit", (cli, call, ct) => cli.CommitAsync(call.Args[0], null, ct) },
        { "configure session WORD abort", (cli, call) => cli.Abort(call.Args[0]) },
        { ["write", "write memory"], Cli.SaveConfig("Copy completed successfully.\n") },
        { "copy <source> <destination>", (cli, call, ct) => cli.CopyAsync(call.Args[0], call.Args[1], ct) },
    };

    /// <summary>Configuration-mode commands that are not configuration lines; a session's own outside a session are invalid.</summary>
    private static readonly CommandTable<Cli> ConfigCommands = new()
    {
        { "end", Cli.End },
        { "exit", Cli.Exit },
        { "do LINE", Cli.Do },
        { "show LINE", (cli, call, ct) => cli.ExecAsync(call.Line, 0, ct) },
        { "commit", (cli, call, ct) => cli.InSessionAsync(call, name => cli.CommitAsync(name, null, ct), ct) },
        { "commit timer hh:mm:ss", (cli, call, ct) =>
            cli.InSessionAsync(call, name => cli.CommitAsync(name, TimeSpan.Parse(call.Args[0], CultureInfo.InvariantCulture), ct), ct) },
        { "abort", (cli, call, ct) => cli.InSessionAsync(call, name =>
        {
            cli.Abort(name);
            return Task.CompletedTask;
        }, ct) },
    };

    /// <summary>A commit timer that ran out puts the configuration back and aborts its session.</summary>
    public override void Revert(DeviceState state, PendingRevert pending)
    {
        state.RunningConfig = pending.RestoreConfig;
        if (state.Sessions.Find(x => x.Name == pending.Session) is { } session)
        {
            session.State = "aborted";
        }
    }

    private protected override LabCli CreateCli(DeviceSession session) => new Cli(session, this);

    internal override IEnumerable<(CliGrammar Grammar, IEnumerable<string> Commands)> CommandTables =>
        [(Exec, ExecCommands), (Global, ConfigCommands)];

    private static bool IsTimer(string text) =>
        text.Split(':') is [var h, var m, var s] && IsNumber(h) && IsNumber(m) && IsNumber(s);

    private static bool IsPrefix(string text) =>
        text.Split('/') is [var address, var length] && System.Net.IPAddress.TryParse(address, out _) && IsNumber(length);

    private sealed partial class Cli(DeviceSession session, AristaEos platform) : IndentedCli<Cli>(session, platform)
    {
        /// <summary>The configuration session being edited; null on the running configuration.</summary>
        public string? SessionName { get; set; }

        public override ConfigMode Top => TopMode;
        protected override CliGrammar ExecGrammar => Exec;
        protected override CommandTable<Cli> ExecCommands => AristaEos.ExecCommands;
        protected override CommandTable<Cli> ConfigCommands => AristaEos.ConfigCommands;
        protected override int Indent => 3;
        protected override string InvalidFilter => "% Invalid input\n";
        protected override IReadOnlySet<string> Negations { get; } = new HashSet<string> { "no LINE", "default LINE" };
        protected override bool Elevated => Privileged || Mode is not null;

        /// <summary>The mode as the prompt names it: exec, privileged, config, config-s-NAME, config-if-Et1, ….</summary>
        public override string ModeName => Mode is null
            ? Privileged ? "privileged" : "exec"
            : "config" + (SessionName is null ? "" : "-s-" + SessionName) + Mode.Name;

        public override string Prompt()
        {
            var hostname = Store.Read(s => IndentedConfig.TopLevelValue(s.RunningConfig, "hostname")) ?? "localhost";
            if (Mode is null)
            {
                return hostname + (Privileged ? "#" : ">");
            }
            // EOS shows the first five characters of a session's name.
            var sessionPart = SessionName is null ? "" : "-s-" + SessionName[..Math.Min(5, SessionName.Length)];
            return $"{hostname}(config{sessionPart}{Mode.Name})#";
        }

        protected override async Task<bool> ReportAsync(CliCall call, CliMatch match, CancellationToken ct)
        {
            var error = match.Status switch
            {
                CliStatus.Invalid => Invalid(call.Tokens, match.Token),
                CliStatus.Ambiguous => "% Ambiguous command\n",
                CliStatus.Incomplete => "% Incomplete command\n",
                _ => null,
            };
            if (error is not null)
            {
                await WriteAsync(error, ct);
            }
            return error is not null;
        }

        protected override Task RefuseAsync(CliCall call, int token, CancellationToken ct) => WriteAsync(Invalid(call.Tokens, token), ct);

        private static string Invalid(IReadOnlyList<CliToken> tokens, int token) =>
            $"% Invalid input (at token {token}: '{tokens[token].Text}')\n";

        protected override string? Canonical(CliMatch match)
        {
            if (match.Words is ["interface", var typed, ..])
            {
                return InterfaceNames.Eos.Expand(typed, match.Words.Count > 2 ? match.Words[2] : null) is { } expanded ? "interface " + expanded : null;
            }
            return match.Canonical;
        }

        protected override ConfigMode? SubMode(string line) => AristaEos.SubMode(line);

        protected override void Edit(Func<string, string> apply)
        {
            var name = SessionName;
            Store.Update(s =>
            {
                var target = name is null ? null : s.Sessions.Find(x => x.Name == name);
                var config = apply(target?.Config ?? s.RunningConfig);
                if (target is null)
                {
                    s.RunningConfig = config;
                }
                else
                {
                    target.Config = config;
                }
            });
        }

        public string ShowVersion() => ShowVersionText(Session.Device, Store.Read(s => Session.Clock.Time.GetUtcNow() - s.BootedAt));

        /// <summary>A session's own command outside a session is invalid at its first word.</summary>
        public Task InSessionAsync(CliCall call, Func<string, Task> action, CancellationToken ct) =>
            SessionName is { } name ? action(name) : WriteAsync(Invalid(call.Tokens, 0), ct);

        public async Task EnableAsync(CancellationToken ct)
        {
            if (Privileged)
            {
                return;
            }
            if (await AskAsync("Password: ", ct, secret: true) is not { } secret)
            {
                return;
            }
            if (secret == Session.Device.EnableSecret)
            {
                Privileged = true;
                return;
            }
            await WriteAsync("% Access denied\n", ct);
        }

        public async Task CopyAsync(string source, string destination, CancellationToken ct)
        {
            if (source.EndsWith("running-config", StringComparison.OrdinalIgnoreCase)
                && destination.EndsWith("startup-config", StringComparison.OrdinalIgnoreCase))
            {
                Store.Update(s => s.StartupConfig = s.RunningConfig);
                await WriteAsync("Copy completed successfully.\n", ct);
                return;
            }
            await WriteAsync($"% Error copying {source} to {destination} (Not supported by the NetFleet lab)\n", ct);
        }
    }
}

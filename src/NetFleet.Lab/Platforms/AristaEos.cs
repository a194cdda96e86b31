using System.Globalization;
using System.Text;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Terminal;
using static NetFleet.Lab.Config.CliNode;

namespace NetFleet.Lab.Platforms;

/// <summary>
/// Arista EOS (vEOS-lab 4.31): EXEC modes, configuration mode, configuration sessions with their
/// diffs, <c>commit timer</c> and its confirmation. The running configuration is stored as EOS
/// prints it below the comment header, from the first command to <c>end</c>.
/// </summary>
public sealed class AristaEos : ILabPlatform
{
    private const string Version = "4.31.2F";

    public string Name => "arista_eos";
    public string ShortName => "eos";

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

    public DeviceState CreateFactoryState(LabDevice device)
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
        if (state.Sessions.Find(x => x.Name == pending.Session) is { } session)
        {
            session.State = "aborted";
        }
    }

    public Task RunSessionAsync(DeviceSession session, CancellationToken cancellationToken) =>
        new Cli(session).RunAsync(cancellationToken);

    private static bool IsTimer(string text) =>
        text.Split(':') is [var h, var m, var s] && IsNumber(h) && IsNumber(m) && IsNumber(s);

    private static bool IsPrefix(string text) =>
        text.Split('/') is [var address, var length] && System.Net.IPAddress.TryParse(address, out _) && IsNumber(length);

    /// <summary>What committing a session did: an error, a revert to arm, or a revert that was confirmed.</summary>
    private sealed record CommitOutcome(string? Error, PendingRevert? Armed, string? Confirmed);

    /// <param name="Name">The prompt's mode part without <c>config</c>, e.g. <c>-if-Et1</c>.</param>
    private sealed record Mode(string Name, string? Header, CliGrammar Grammar, IReadOnlySet<string> Kept);

    private static readonly Mode TopMode = new("", null, Global, KeptNegations);

    private sealed class Cli(DeviceSession session)
    {
        private readonly ITerminal terminal = session.Terminal;
        private readonly DeviceStateStore store = session.State;
        private bool privileged;
        private int screenLength = 24;
        private Mode? mode;
        private string? configSession;
        private bool closed;

        public async Task RunAsync(CancellationToken ct)
        {
            if (session.ExecCommand is { } command)
            {
                session.Commands.Record(ModeName(), command);
                await ExecAsync(command, ct, execChannel: true);
                return;
            }
            await terminal.WriteAsync(Prompt(), ct);
            while (!closed && await terminal.ReadCommandAsync(ct) is { } line)
            {
                session.Commands.Record(ModeName(), line);
                if (mode is null)
                {
                    await ExecAsync(line, ct);
                }
                else
                {
                    await ConfigAsync(line, ct);
                }
                if (!closed)
                {
                    await terminal.WriteAsync(Prompt(), ct);
                }
            }
        }

        /// <summary>The mode as the prompt names it: exec, privileged, config, config-s-NAME, config-if-Et1, ….</summary>
        private string ModeName() => mode is null
            ? privileged ? "privileged" : "exec"
            : "config" + (configSession is null ? "" : "-s-" + configSession) + mode.Name;

        private string Prompt()
        {
            var hostname = store.Read(s => IndentedConfig.TopLevelValue(s.RunningConfig, "hostname")) ?? "localhost";
            if (mode is null)
            {
                return hostname + (privileged ? "#" : ">");
            }
            // EOS shows the first five characters of a session's name.
            var sessionPart = configSession is null ? "" : "-s-" + configSession[..Math.Min(5, configSession.Length)];
            return $"{hostname}(config{sessionPart}{mode.Name})#";
        }

        private async Task OutputAsync(string text, string? filter, CancellationToken ct)
        {
            if (filter is not null)
            {
                if (OutputFilter.Apply(text, filter) is not { } filtered)
                {
                    await terminal.WriteAsync("% Invalid input\n", ct);
                    return;
                }
                text = filtered;
            }
            closed |= !await Pager.Cisco.WriteAsync(terminal, text, screenLength, ct);
        }

        /// <summary>Writes EOS's answer to a line that did not match; false when it matched.</summary>
        private async Task<bool> ReportAsync(CliMatch match, IReadOnlyList<CliToken> tokens, CancellationToken ct)
        {
            var error = match.Status switch
            {
                CliStatus.Invalid => Invalid(tokens, match.Token),
                CliStatus.Ambiguous => "% Ambiguous command\n",
                CliStatus.Incomplete => "% Incomplete command\n",
                _ => null,
            };
            if (error is not null)
            {
                await terminal.WriteAsync(error, ct);
            }
            return error is not null;
        }

        private static string Invalid(IReadOnlyList<CliToken> tokens, int token) =>
            $"% Invalid input (at token {token}: '{tokens[token].Text}')\n";

        private async Task ExecAsync(string line, CancellationToken ct, bool execChannel = false)
        {
            var (command, filter) = OutputFilter.Split(line);
            var tokens = CliToken.Split(command);
            // EOS runs an ssh exec command at the user's level; the lab lets every show through.
            var elevated = privileged || mode is not null
                || (execChannel && tokens.Count > 0 && "show".StartsWith(tokens[0].Text, StringComparison.OrdinalIgnoreCase));
            var match = Exec.Match(command, tokens, elevated);
            if (match.Status == CliStatus.Empty || await ReportAsync(match, tokens, ct))
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
                case "terminal length <0-32767>":
                    screenLength = int.Parse(match.Args[0], CultureInfo.InvariantCulture);
                    break;
                case "terminal width <10-32767>" or "terminal monitor":
                    break;
                case "show version":
                    await OutputAsync(ShowVersion(), filter, ct);
                    break;
                case "show running-config":
                    await OutputAsync(store.Read(s => ConfigText(s, "running-config", s.RunningConfig)), filter, ct);
                    break;
                case "show startup-config":
                    await OutputAsync(store.Read(s => ConfigText(s, "startup-config", s.StartupConfig)), filter, ct);
                    break;
                case "show ip interface brief":
                    await OutputAsync(store.Read(s => InterfaceBrief(s.RunningConfig)), filter, ct);
                    break;
                case "show clock":
                    await OutputAsync(session.Clock.Time.GetUtcNow().UtcDateTime.ToString("ddd MMM d HH:mm:ss yyyy'\nTimezone: UTC\nClock source: local\n'", CultureInfo.InvariantCulture), filter, ct);
                    break;
                case "show hostname":
                    var hostname = store.Read(s => IndentedConfig.TopLevelValue(s.RunningConfig, "hostname"));
                    await OutputAsync($"Hostname: {hostname}\nFQDN:     {hostname}.lab.netfleet\n", filter, ct);
                    break;
                case "show users":
                    await OutputAsync($"   Line      User        Host(s)       Idle        Location\n*  2 vty 5   {session.Username,-11} idle          00:00:00    127.0.0.1\n", filter, ct);
                    break;
                case "show configuration sessions" or "show configuration sessions detail":
                    await OutputAsync(store.Read(ShowSessions), filter, ct);
                    break;
                case "show session-config" or "show session-config diffs":
                    await ShowSessionAsync(configSession, match.Command.EndsWith("diffs", StringComparison.Ordinal), filter, ct);
                    break;
                case "show session-config named WORD" or "show session-config named WORD diffs":
                    await ShowSessionAsync(match.Args[0], match.Command.EndsWith("diffs", StringComparison.Ordinal), filter, ct);
                    break;
                case "configure" or "configure terminal":
                    mode = TopMode;
                    configSession = null;
                    break;
                case "configure session" or "configure session WORD":
                    EnterSession(match.Args.Count > 0 ? match.Args[0] : $"session{session.Clock.Time.GetTimestamp() % 100000000:D8}");
                    break;
                case "configure session WORD commit":
                    await CommitAsync(match.Args[0], null, ct);
                    break;
                case "configure session WORD abort":
                    Abort(match.Args[0]);
                    break;
                case "write" or "write memory":
                    store.Update(s => s.StartupConfig = s.RunningConfig);
                    await terminal.WriteAsync("Copy completed successfully.\n", ct);
                    break;
                case "copy <source> <destination>":
                    await CopyAsync(match.Args[0], match.Args[1], ct);
                    break;
                default:
                    await terminal.WriteAsync("% This command is not supported by the NetFleet lab.\n", ct);
                    break;
            }
        }

        private async Task EnableAsync(CancellationToken ct)
        {
            if (privileged)
            {
                return;
            }
            await terminal.WriteAsync("Password: ", ct);
            if (await terminal.ReadSecretAsync(ct) is not { } secret)
            {
                closed = true;
                return;
            }
            if (secret == session.Device.EnableSecret)
            {
                privileged = true;
                return;
            }
            await terminal.WriteAsync("% Access denied\n", ct);
        }

        private async Task CopyAsync(string source, string destination, CancellationToken ct)
        {
            if (source.EndsWith("running-config", StringComparison.OrdinalIgnoreCase)
                && destination.EndsWith("startup-config", StringComparison.OrdinalIgnoreCase))
            {
                store.Update(s => s.StartupConfig = s.RunningConfig);
                await terminal.WriteAsync("Copy completed successfully.\n", ct);
                return;
            }
            await terminal.WriteAsync($"% Error copying {source} to {destination} (Not supported by the NetFleet lab)\n", ct);
        }

        private void EnterSession(string name)
        {
            store.Update(s =>
            {
                var existing = s.Sessions.Find(x => x.Name == name);
                if (existing is null || existing.State != "pending")
                {
                    s.Sessions.RemoveAll(x => x.Name == name);
                    s.Sessions.Add(new ConfigSession { Name = name, Config = s.RunningConfig, User = session.Username });
                }
            });
            configSession = name;
            mode = TopMode;
        }

        private void Abort(string name)
        {
            store.Update(s => s.Sessions.RemoveAll(x => x.Name == name && x.State == "pending"));
            if (configSession == name)
            {
                (configSession, mode) = (null, null);
            }
        }

        /// <summary>Commits a session, or confirms one whose commit timer runs
        /// (<c>configure session NAME commit</c>). With <paramref name="timer"/> the commit reverts
        /// by itself unless confirmed in time.</summary>
        private async Task CommitAsync(string name, TimeSpan? timer, CancellationToken ct)
        {
            var clock = session.Clock;
            var (error, pending, confirmed) = store.Update(CommitOutcome (s) =>
            {
                var target = s.Sessions.Find(x => x.Name == name);
                if (target is null || target.State is "completed" or "aborted")
                {
                    return new($"% Cannot commit session {name}: session does not exist\n", null, null);
                }
                if (target.State == "pendingCommitTimer")
                {
                    var id = s.PendingRevert?.Session == name ? s.PendingRevert.Id : null;
                    s.PendingRevert = id is null ? s.PendingRevert : null;
                    target.State = "completed";
                    return new(null, null, id);
                }
                var previous = s.RunningConfig;
                s.RunningConfig = target.Config;
                target.State = timer is null ? "completed" : "pendingCommitTimer";
                // EOS keeps one completed session for reference.
                s.Sessions.RemoveAll(x => x.State is "completed" or "aborted" && x != target);
                if (timer is { } t)
                {
                    s.PendingRevert = RevertTimers.Create(clock, t / TimeSpan.FromMinutes(1), previous, name);
                }
                return new(null, timer is null ? null : s.PendingRevert, null);
            });
            if (error is not null)
            {
                await terminal.WriteAsync(error, ct);
                return;
            }
            if (pending is not null)
            {
                RevertTimers.Arm(store, clock, pending, Revert);
            }
            if (confirmed is not null)
            {
                RevertTimers.Disarm(confirmed);
            }
            if (configSession == name)
            {
                (configSession, mode) = (null, null);
            }
        }

        private async Task ShowSessionAsync(string? name, bool diffs, string? filter, CancellationToken ct)
        {
            var text = store.Read(s =>
            {
                var target = name is null ? null : s.Sessions.Find(x => x.Name == name);
                if (target is null)
                {
                    return name is null ? "% Not in a configuration session\n" : $"% Session {name} does not exist\n";
                }
                return diffs
                    ? UnifiedDiff.Create("system:/running-config", $"session:/{name}-session-config", s.RunningConfig, target.Config)
                    : ConfigText(s, "session-config", target.Config);
            });
            await OutputAsync(text, filter, ct);
        }

        private string ShowSessions(DeviceState state)
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

        private string ShowVersion()
        {
            var device = session.Device;
            var uptime = store.Read(s => session.Clock.Time.GetUtcNow() - s.BootedAt);
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

        private async Task ConfigAsync(string line, CancellationToken ct)
        {
            var current = mode!;
            if (line is "\u001a" or "\u0003")
            {
                mode = null;
                return;
            }
            var tokens = CliToken.Split(line);
            var (grammar, header, kept) = (current.Grammar, current.Header, current.Kept);
            var match = grammar.Match(line, tokens, true);
            if (match.Status is not (CliStatus.Ok or CliStatus.Empty) && grammar != Global
                && Global.Match(line, tokens, true) is { Status: CliStatus.Ok } global)
            {
                // A global command in a sub-mode applies at the top and leaves the sub-mode, as on EOS.
                (match, grammar, header, kept) = (global, Global, null, KeptNegations);
            }
            if (match.Status == CliStatus.Empty || await ReportAsync(match, tokens, ct))
            {
                return;
            }
            switch (match.Command)
            {
                case "end":
                    mode = null;
                    return;
                case "exit":
                    mode = current.Header is null ? null : TopMode;
                    return;
                case "do LINE":
                    await ExecAsync(match.Args[0], ct);
                    return;
                case "show LINE":
                    await ExecAsync(line, ct);
                    return;
                case "commit" or "commit timer hh:mm:ss" or "abort" when configSession is null:
                    await terminal.WriteAsync(Invalid(tokens, 0), ct);
                    return;
                case "commit":
                    await CommitAsync(configSession!, null, ct);
                    return;
                case "commit timer hh:mm:ss":
                    await CommitAsync(configSession!, TimeSpan.Parse(match.Args[0], CultureInfo.InvariantCulture), ct);
                    return;
                case "abort":
                    Abort(configSession!);
                    return;
            }
            if (RejectRules.Find(session.Device.Faults, line) is { } at)
            {
                var token = RejectRules.TokenAt(tokens, at);
                await terminal.WriteAsync(Invalid(tokens, token), ct);
                return;
            }
            var negated = match.Command is "no LINE" or "default LINE";
            if (negated)
            {
                match = grammar.Match(line, tokens, true, first: 1, partial: true);
                if (match.Status != CliStatus.Ok && grammar != Global && Global.Match(line, tokens, true, 1, true) is { Status: CliStatus.Ok } top)
                {
                    (match, grammar, header, kept) = (top, Global, null, KeptNegations);
                }
                if (await ReportAsync(match, tokens, ct))
                {
                    return;
                }
            }
            var canonical = match.Canonical;
            if (match.Words is ["interface", var typed, ..])
            {
                if (InterfaceNames.Eos.Expand(typed, match.Words.Count > 2 ? match.Words[2] : null) is not { } expanded)
                {
                    var bad = negated ? 2 : 1;
                    await terminal.WriteAsync(Invalid(tokens, bad), ct);
                    return;
                }
                canonical = "interface " + expanded;
            }
            var opens = !negated && grammar == Global ? SubMode(canonical) : null;
            var name = configSession;
            var edit = negated ? ConfigEdit.Negate : opens is not null ? ConfigEdit.OpenSection : ConfigEdit.Set;
            store.Update(s =>
            {
                var target = name is null ? null : s.Sessions.Find(x => x.Name == name);
                var config = IndentedConfig.Apply(target?.Config ?? s.RunningConfig, 3, header, canonical, edit, kept);
                if (target is null)
                {
                    s.RunningConfig = config;
                }
                else
                {
                    target.Config = config;
                }
            });
            mode = opens ?? (grammar == Global ? TopMode : current);
        }

        private static Mode? SubMode(string line)
        {
            var words = line.Split(' ');
            return words switch
            {
                ["interface", var name] => new Mode("-if-" + InterfaceNames.Eos.Short(name), line, InterfaceMode, KeptNegations),
                ["router", var protocol, ..] => new Mode("-router-" + protocol, line, RouterMode, KeptNegations),
                ["management", "api", "http-commands"] => new Mode("-mgmt-api-http-cmds", line, FreeMode, ManagementNegations),
                ["management", var what] => new Mode("-mgmt-" + what, line, FreeMode, ManagementNegations),
                ["vlan", var id] => new Mode("-vlan-" + id, line, FreeMode, KeptNegations),
                ["ip", "access-list", var acl] => new Mode("-acl-" + acl, line, FreeMode, KeptNegations),
                ["daemon", var daemon] => new Mode("-daemon-" + daemon, line, FreeMode, KeptNegations),
                ["event-handler", var handler] => new Mode("-handler-" + handler, line, FreeMode, KeptNegations),
                _ => null,
            };
        }

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
        if (span.Minutes > 0 || parts.Count == 0)
        {
            parts.Add($"{span.Minutes} minute{(span.Minutes == 1 ? "" : "s")}");
        }
        return parts.Count == 1 ? parts[0] : string.Join(", ", parts[..^1]) + " and " + parts[^1];
    }
}

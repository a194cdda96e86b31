using System.Globalization;
using System.Text;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Terminal;
using static NetFleet.Lab.Config.CliNode;

namespace NetFleet.Lab.Platforms;

/// <summary>
/// Juniper Junos (vMX 23.2): operational mode, configuration mode on a shared, private or exclusive
/// candidate, <c>commit</c> with its variants, the last 50 commits for <c>rollback N</c>. Configurations
/// are stored in the brace format; <see cref="DeviceState.Commits"/>[0] is the active one.
/// </summary>
public sealed class JuniperJunos : ILabPlatform
{
    private const string Release = "23.2R1.13";
    private const int MaxCommits = 50;

    public string Name => "juniper_junos";
    public string ShortName => "junos";

    private static readonly CliNode[] Anything = [Rest()];

    private static readonly CliGrammar Operational = new(
        Key("show",
            Key("version"),
            Key("configuration", Anything).OrEnd(),
            Key("interfaces", Key("terse"), Arg("<interface>", null, Key("terse"))).OrEnd(),
            Key("system", Key("commit"), Key("uptime")),
            Key("cli")),
        Key("set", Key("cli", Key("screen-length", Arg("<0-100000>", IsNumber)), Key("screen-width", Arg("<0-100000>", IsNumber)))),
        Key("configure", Key("private"), Key("exclusive")).OrEnd(),
        Key("exit"),
        Key("quit"),
        // Real commands that make the usual abbreviations as ambiguous as on a device.
        Key("clear", Anything),
        Key("file", Anything),
        Key("help", Anything),
        Key("monitor", Anything),
        Key("ping", Anything),
        Key("request", Anything),
        Key("restart", Anything),
        Key("start", Anything),
        Key("test", Anything),
        Key("traceroute", Anything));

    private static readonly CliGrammar Configuration = new(
        Key("set", Anything),
        Key("delete", Anything),
        Key("edit", Anything),
        Key("up", Arg("<levels>", IsNumber)).OrEnd(),
        Key("top"),
        Key("exit", Key("configuration-mode")).OrEnd(),
        Key("quit", Key("configuration-mode")).OrEnd(),
        Key("show", Anything).OrEnd(),
        Key("commit",
            Key("check"),
            Key("confirmed", Arg("<1-65535>", IsNumber)).OrEnd(),
            Key("and-quit"),
            Key("comment", Anything)).OrEnd(),
        Key("rollback", Arg("<0-49>", IsNumber)).OrEnd(),
        Key("run", Anything),
        Key("status"),
        Key("activate", Anything),
        Key("annotate", Anything),
        Key("copy", Anything),
        Key("deactivate", Anything),
        Key("help", Anything),
        Key("insert", Anything),
        Key("load", Anything),
        Key("rename", Anything),
        Key("replace", Anything),
        Key("save", Anything),
        Key("wildcard", Anything));

    public DeviceState CreateFactoryState(LabDevice device)
    {
        var (high, low) = DeviceIdentity.Octets(device);
        var text = $$"""
            version {{Release}};
            system {
                host-name {{device.Name}};
                root-authentication {
                    encrypted-password "$6$nflab$X2b9Vq0cR7kLm1Np4Qs8Tu3Wx6Yz.Ab5Cd7Ef9Gh1Ij3Kl5Mn7Op9Qr1St3Uv5Wx7Yz9Ab1Cd3Ef5Gh7";
                }
                login {
                    user {{LabDefaults.Username}} {
                        uid 2000;
                        class super-user;
                        authentication {
                            encrypted-password "$6$nflab$Y3c0Wr1dS8lMn2Oq5Rt9Uv4Xy7Za.Bc6De8Fg0Hi2Jk4Lm6No8Pq0Rs2Tu4Vw6Xy8Za0Bc2De4Fg6Hi8";
                        }
                    }
                }
                services {
                    ssh;
                    netconf {
                        ssh;
                    }
                }
                ntp {
                    server 10.255.0.1;
                }
            }
            interfaces {
                ge-0/0/0 {
                    description uplink;
                    unit 0 {
                        family inet {
                            address 10.{{high}}.{{low}}.0/31;
                        }
                    }
                }
                ge-0/0/1 {
                    unit 0 {
                        family inet {
                            address 10.{{high}}.{{low}}.2/31;
                        }
                    }
                }
                ge-0/0/2 {
                    disable;
                }
                ge-0/0/3 {
                    disable;
                }
                fxp0 {
                    unit 0 {
                        family inet {
                            address {{DeviceIdentity.ManagementAddress(device)}}/8;
                        }
                    }
                }
                lo0 {
                    unit 0 {
                        family inet {
                            address 10.255.{{high}}.{{low}}/32;
                        }
                    }
                }
            }
            routing-options {
                router-id 10.255.{{high}}.{{low}};
            }
            protocols {
                ospf {
                    area 0.0.0.0 {
                        interface ge-0/0/0.0;
                        interface ge-0/0/1.0;
                        interface lo0.0 {
                            passive;
                        }
                    }
                }
                lldp {
                    interface all;
                }
            }

            """.ReplaceLineEndings("\n");
        var config = JunosConfig.Parse(text).Render();
        var now = TimeProvider.System.GetUtcNow();
        return new DeviceState
        {
            RunningConfig = config,
            StartupConfig = config,
            BootedAt = now,
            LastChangeAt = now,
            LastChangeBy = "root",
            Commits = [new CommitRecord { At = now, User = "root", Client = "other", Config = config }],
        };
    }

    public void OnLoaded(LabDevice device, DeviceStateStore state, LabClock clock)
    {
        if (state.Read(s => s.PendingRevert) is { } pending)
        {
            RevertTimers.Arm(state, clock, pending, Revert);
        }
    }

    /// <summary>An unconfirmed commit rolls back as a commit of its own, as Junos records it.</summary>
    private static void Revert(DeviceState state, PendingRevert pending)
    {
        Commit(state, pending.RestoreConfig, "root", "other", "", pending.Deadline);
        state.Candidate = null;
    }

    private static void Commit(DeviceState state, string config, string user, string client, string comment, DateTimeOffset at)
    {
        state.RunningConfig = config;
        state.StartupConfig = config;
        state.LastChangeAt = at;
        state.LastChangeBy = user;
        state.Commits.Insert(0, new CommitRecord { At = at, User = user, Client = client, Comment = comment, Config = config });
        if (state.Commits.Count > MaxCommits)
        {
            state.Commits.RemoveRange(MaxCommits, state.Commits.Count - MaxCommits);
        }
    }

    public Task RunSessionAsync(DeviceSession session, CancellationToken cancellationToken) =>
        new Cli(session).RunAsync(cancellationToken);

    private enum Database { Shared, Private, Exclusive }

    private sealed class Cli(DeviceSession session)
    {
        private readonly ITerminal terminal = session.Terminal;
        private readonly DeviceStateStore store = session.State;
        private int screenLength = 24;
        private bool configuring;
        private Database database;
        private string? privateCandidate;
        private List<string> path = [];
        private bool closed;

        public async Task RunAsync(CancellationToken ct)
        {
            if (session.ExecCommand is { } command)
            {
                session.Commands.Record("operational", command);
                await OperationalAsync(command, 0, ct);
                return;
            }
            await terminal.WriteAsync($"--- JUNOS {Release} Kernel 64-bit  JNPR-15.0-20230613.2e5f2d6_buil\n", ct);
            await terminal.WriteAsync(Prompt(), ct);
            while (!closed && await terminal.ReadCommandAsync(ct) is { } line)
            {
                session.Commands.Record(configuring ? "configuration" : "operational", line);
                var column = Prompt().Length - (configuring ? Banner().Length + 1 : 0);
                if (line == "\u0003")
                {
                    await terminal.WriteAsync(Prompt(), ct);
                    continue;
                }
                if (configuring)
                {
                    await ConfigureAsync(line, column, ct);
                }
                else
                {
                    await OperationalAsync(line, column, ct);
                }
                if (!closed)
                {
                    // Junos leaves a blank line between a command's output and the next prompt.
                    await terminal.WriteAsync((line.Trim().Length > 0 ? "\n" : "") + Prompt(), ct);
                }
            }
        }

        private string Hostname() => store.Read(s => HostnameOf(s.RunningConfig));

        private string Banner() => path.Count == 0 ? "[edit]" : $"[edit {string.Join(' ', path)}]";

        private string Prompt() => configuring
            ? $"{Banner()}\n{session.Username}@{Hostname()}# "
            : $"{session.Username}@{Hostname()}> ";

        private async Task OutputAsync(string text, CancellationToken ct, int? length = null) =>
            closed |= !await Pager.Junos.WriteAsync(terminal, text, length ?? screenLength, ct);

        private ValueTask ErrorAsync(int column, string message, CancellationToken ct) =>
            terminal.WriteAsync(new string(' ', column) + "^\n" + message + "\n", ct);

        private async Task<bool> MatchErrorAsync(CliMatch match, IReadOnlyList<CliToken> tokens, string line, int column, CancellationToken ct)
        {
            switch (match.Status)
            {
                case CliStatus.Invalid:
                    await ErrorAsync(column + tokens[match.Token].Offset, match.Token == 0 ? "unknown command." : "syntax error, expecting <command>.", ct);
                    return true;
                case CliStatus.Ambiguous:
                    await ErrorAsync(column + tokens[match.Token].Offset, $"'{tokens[match.Token].Text}' is ambiguous.", ct);
                    return true;
                case CliStatus.Incomplete:
                    await ErrorAsync(column + line.TrimEnd().Length + 1, "syntax error, expecting <command>.", ct);
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Splits <c>show … | display set | no-more</c>; null pipes when one is not understood.</summary>
        private static (string Command, List<string>? Pipes) SplitPipes(string line)
        {
            var parts = line.Split('|');
            var pipes = parts.Skip(1).Select(p => p.Trim()).ToList();
            var known = pipes.All(p => p is "display set" or "no-more" or "compare" or "count"
                || p.StartsWith("match ", StringComparison.Ordinal) || p.StartsWith("except ", StringComparison.Ordinal)
                || p.StartsWith("compare rollback ", StringComparison.Ordinal));
            return (parts[0].TrimEnd(), known ? pipes : null);
        }

        private async Task ShowAsync(string text, List<string> pipes, CancellationToken ct)
        {
            foreach (var pipe in pipes)
            {
                if (pipe.StartsWith("match ", StringComparison.Ordinal) || pipe.StartsWith("except ", StringComparison.Ordinal))
                {
                    var keep = pipe.StartsWith('m');
                    var filter = (keep ? "include " : "exclude ") + pipe[(pipe.IndexOf(' ', StringComparison.Ordinal) + 1)..];
                    text = OutputFilter.Apply(text, filter) ?? text;
                }
                else if (pipe == "count")
                {
                    text = $"Count: {text.Count(c => c == '\n')} lines\n";
                }
            }
            await OutputAsync(text, ct, pipes.Contains("no-more") ? 0 : null);
        }

        private async Task OperationalAsync(string line, int column, CancellationToken ct)
        {
            var (command, pipes) = SplitPipes(line);
            var tokens = CliToken.Split(command);
            var match = Operational.Match(command, tokens, true);
            if (match.Status == CliStatus.Empty || await MatchErrorAsync(match, tokens, line, column, ct))
            {
                return;
            }
            if (pipes is null)
            {
                await ErrorAsync(column + line.IndexOf('|', StringComparison.Ordinal) + 2, "syntax error, expecting <command>.", ct);
                return;
            }
            switch (match.Command)
            {
                case "show version":
                    await ShowAsync(ShowVersion(), pipes, ct);
                    break;
                case "show configuration" or "show configuration LINE":
                    var within = match.Args.Count > 0 ? CliToken.Split(match.Args[0]).Select(t => t.Text).ToList() : [];
                    await ShowAsync(store.Read(s => ShowConfiguration(s, within, pipes)), pipes, ct);
                    break;
                case "show interfaces" or "show interfaces terse":
                    await ShowAsync(store.Read(s => Terse(s.RunningConfig, null)), pipes, ct);
                    break;
                case "show interfaces <interface> terse" or "show interfaces <interface>":
                    await ShowAsync(store.Read(s => Terse(s.RunningConfig, match.Args[0])), pipes, ct);
                    break;
                case "show system commit":
                    await ShowAsync(store.Read(ShowCommits), pipes, ct);
                    break;
                case "show system uptime":
                    await ShowAsync(ShowUptime(), pipes, ct);
                    break;
                case "show cli":
                    await ShowAsync($"CLI complete-on-space set to on\nCLI idle-timeout disabled\nCLI restart-on-upgrade set to on\nCLI screen-length set to {screenLength}\nCLI screen-width set to 80\nCLI terminal is 'vt100'\n", pipes, ct);
                    break;
                case "set cli screen-length <0-100000>":
                    screenLength = int.Parse(match.Args[0], CultureInfo.InvariantCulture);
                    await terminal.WriteAsync($"Screen length set to {screenLength}\n", ct);
                    break;
                case "set cli screen-width <0-100000>":
                    await terminal.WriteAsync($"Screen width set to {match.Args[0]}\n", ct);
                    break;
                case "configure" or "configure private" or "configure exclusive":
                    await EnterAsync(match.Command.Split(' ') is [_, var kind] ? kind : null, ct);
                    break;
                case "exit" or "quit":
                    closed = true;
                    break;
                default:
                    await terminal.WriteAsync("error: this command is not supported by the NetFleet lab\n", ct);
                    break;
            }
        }

        private async Task EnterAsync(string? kind, CancellationToken ct)
        {
            var modified = store.Read(s => s.Candidate is { } c && c != s.RunningConfig);
            if (kind is not null && modified)
            {
                await terminal.WriteAsync(kind == "private"
                    ? "error: shared configuration database modified\nProblem loading configuration\n"
                    : "error: configuration database modified\n", ct);
                return;
            }
            var text = new StringBuilder();
            if (kind is not null)
            {
                text.Append("warning: uncommitted changes will be discarded on exit\n");
            }
            text.Append("Entering configuration mode\n");
            if (modified)
            {
                text.Append("The configuration has been changed but not committed\n");
            }
            (configuring, path) = (true, []);
            database = kind switch { "private" => Database.Private, "exclusive" => Database.Exclusive, _ => Database.Shared };
            privateCandidate = database == Database.Private ? store.Read(s => s.RunningConfig) : null;
            await terminal.WriteAsync(text.ToString(), ct);
        }

        private string Candidate(DeviceState state) => privateCandidate ?? state.Candidate ?? state.RunningConfig;

        private void SetCandidate(DeviceState state, string config)
        {
            if (database == Database.Private)
            {
                privateCandidate = config;
            }
            else
            {
                state.Candidate = config;
            }
        }

        private bool Uncommitted() => store.Read(s => Candidate(s) != s.RunningConfig);

        private async Task ConfigureAsync(string line, int column, CancellationToken ct)
        {
            var (command, pipes) = SplitPipes(line);
            var tokens = CliToken.Split(command);
            var match = Configuration.Match(command, tokens, true);
            if (match.Status == CliStatus.Empty || await MatchErrorAsync(match, tokens, line, column, ct))
            {
                return;
            }
            if (pipes is null)
            {
                await ErrorAsync(column + line.IndexOf('|', StringComparison.Ordinal) + 2, "syntax error, expecting <command>.", ct);
                return;
            }
            var words = tokens.Skip(1).Select(t => t.Text).ToList();
            switch (match.Command)
            {
                case "set LINE":
                    await SetAsync(line, tokens, column, ct);
                    break;
                case "delete LINE":
                    await DeleteAsync(words, ct);
                    break;
                case "edit LINE":
                    if (await TopKeywordAsync(tokens, 1, column, ct) is { } edited)
                    {
                        path = [.. path, .. store.Read(s => JunosConfig.Parse(Candidate(s)).Statements(path, [edited, .. words.Skip(1)]))];
                    }
                    break;
                case "up" or "up <levels>":
                    var levels = match.Args.Count > 0 ? int.Parse(match.Args[0], CultureInfo.InvariantCulture) : 1;
                    path = path.SkipLast(Math.Min(levels, path.Count)).ToList();
                    break;
                case "top":
                    path = [];
                    break;
                case "exit" or "quit":
                    if (path.Count > 0)
                    {
                        path = path.SkipLast(1).ToList();
                    }
                    else
                    {
                        await LeaveAsync(ct);
                    }
                    break;
                case "exit configuration-mode" or "quit configuration-mode":
                    await LeaveAsync(ct);
                    break;
                case "show" or "show LINE":
                    await ShowCandidateAsync(words, pipes, ct);
                    break;
                case "commit" or "commit and-quit" or "commit comment LINE":
                    await CommitAsync(null, match.Command == "commit comment LINE" ? match.Args[0].Trim('"') : "", ct);
                    if (match.Command == "commit and-quit")
                    {
                        await LeaveAsync(ct, committed: true);
                    }
                    break;
                case "commit check":
                    await terminal.WriteAsync("configuration check succeeds\n", ct);
                    break;
                case "commit confirmed" or "commit confirmed <1-65535>":
                    var minutes = match.Args.Count > 0 ? int.Parse(match.Args[0], CultureInfo.InvariantCulture) : 10;
                    await CommitAsync(minutes, $"commit confirmed, rollback in {minutes}mins", ct);
                    break;
                case "rollback" or "rollback <0-49>":
                    await RollbackAsync(match.Args.Count > 0 ? int.Parse(match.Args[0], CultureInfo.InvariantCulture) : 0, ct);
                    break;
                case "run LINE":
                    await OperationalAsync(match.Args[0], column + tokens[1].Offset, ct);
                    break;
                case "status":
                    await terminal.WriteAsync($"Users currently editing the configuration:\n  {session.Username} terminal p0 (pid 4242) on since {session.Clock.Time.GetUtcNow().UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC\n      {Banner()}\n", ct);
                    break;
                default:
                    await terminal.WriteAsync("error: this command is not supported by the NetFleet lab\n", ct);
                    break;
            }
        }

        /// <summary>At the top of the hierarchy the first word must be a top-level statement
        /// (abbreviations allowed); returns it spelled out, or null after reporting a syntax error.</summary>
        private async Task<string?> TopKeywordAsync(IReadOnlyList<CliToken> tokens, int index, int column, CancellationToken ct)
        {
            var word = tokens[index].Text;
            if (path.Count > 0)
            {
                return word;
            }
            var matches = JunosConfig.TopLevel.Where(k => k.StartsWith(word, StringComparison.Ordinal)).ToList();
            var exact = matches.Contains(word) ? word : matches.Count == 1 ? matches[0] : null;
            if (exact is null)
            {
                await ErrorAsync(column + tokens[index].Offset, "syntax error.", ct);
            }
            return exact;
        }

        private async Task SetAsync(string line, List<CliToken> tokens, int column, CancellationToken ct)
        {
            if (await TopKeywordAsync(tokens, 1, column, ct) is not { } first)
            {
                return;
            }
            if (RejectRules.Find(session.Device.Faults, line) is { } at)
            {
                await ErrorAsync(column + tokens[RejectRules.TokenAt(tokens, at)].Offset, "syntax error.", ct);
                return;
            }
            if (tokens.Count < 3 && path.Count == 0)
            {
                await ErrorAsync(column + line.TrimEnd().Length + 1, "syntax error, expecting <statement> or <identifier>.", ct);
                return;
            }
            List<string> words = [first, .. tokens.Skip(2).Select(t => t.Text)];
            store.Update(s =>
            {
                var candidate = JunosConfig.Parse(Candidate(s));
                candidate.Set(path, words);
                SetCandidate(s, candidate.Render());
            });
        }

        private async Task DeleteAsync(List<string> words, CancellationToken ct)
        {
            var found = store.Update(s =>
            {
                var candidate = JunosConfig.Parse(Candidate(s));
                if (!candidate.Delete(path, words))
                {
                    return false;
                }
                SetCandidate(s, candidate.Render());
                return true;
            });
            if (!found)
            {
                await terminal.WriteAsync("warning: statement not found\n", ct);
            }
        }

        private async Task ShowCandidateAsync(List<string> words, List<string> pipes, CancellationToken ct)
        {
            var text = store.Read(s =>
            {
                var candidate = JunosConfig.Parse(Candidate(s));
                if (pipes.FirstOrDefault(p => p.StartsWith("compare", StringComparison.Ordinal)) is { } compare)
                {
                    var against = compare.Split(' ') is [_, "rollback", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 0;
                    return against < s.Commits.Count
                        ? JunosConfig.Compare(JunosConfig.Parse(s.Commits[against].Config), candidate)
                        : $"error: rollback {against} does not exist\n";
                }
                List<string> at = [.. path, .. candidate.Statements(path, words)];
                return pipes.Contains("display set") ? candidate.DisplaySet(at) : candidate.Render(at);
            });
            await ShowAsync(text, pipes, ct);
        }

        private async Task CommitAsync(int? confirmMinutes, string comment, CancellationToken ct)
        {
            var clock = session.Clock;
            var (pending, confirmed) = store.Update(s =>
            {
                var previous = s.RunningConfig;
                var confirmedId = s.PendingRevert?.Id;
                s.PendingRevert = null;
                Commit(s, Candidate(s), session.Username, "cli", comment, clock.Time.GetUtcNow());
                s.Candidate = null;
                if (database == Database.Private)
                {
                    privateCandidate = s.RunningConfig;
                }
                if (confirmMinutes is { } minutes)
                {
                    s.PendingRevert = RevertTimers.Create(clock, minutes, previous);
                }
                return (s.PendingRevert, confirmedId);
            });
            if (confirmed is not null)
            {
                RevertTimers.Disarm(confirmed);
            }
            var text = new StringBuilder();
            if (pending is not null)
            {
                RevertTimers.Arm(store, clock, pending, Revert);
                text.Append(CultureInfo.InvariantCulture, $"commit confirmed will be automatically rolled back in {confirmMinutes} minutes unless confirmed\n");
            }
            text.Append("commit complete\n");
            if (pending is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n# commit confirmed will be rolled back in {confirmMinutes} minutes\n");
            }
            await terminal.WriteAsync(text.ToString(), ct);
        }

        private async Task RollbackAsync(int index, CancellationToken ct)
        {
            var loaded = store.Update(s =>
            {
                if (index >= s.Commits.Count)
                {
                    return false;
                }
                SetCandidate(s, s.Commits[index].Config);
                return true;
            });
            await terminal.WriteAsync(loaded ? "load complete\n" : $"error: rollback {index} does not exist\n", ct);
        }

        private async Task LeaveAsync(CancellationToken ct, bool committed = false)
        {
            if (!committed && Uncommitted())
            {
                await terminal.WriteAsync("The configuration has been changed but not committed\nExit with uncommitted changes? [yes,no] (yes) ", ct);
                if (await terminal.ReadCommandAsync(ct) is not { } answer)
                {
                    closed = true;
                    return;
                }
                if (answer.Trim().StartsWith('n'))
                {
                    return;
                }
            }
            if (database == Database.Exclusive)
            {
                store.Update(s => s.Candidate = null);
            }
            (configuring, path, privateCandidate) = (false, [], null);
            await terminal.WriteAsync("Exiting configuration mode\n", ct);
        }

        private string ShowVersion()
        {
            var build = "[20230613.2e5f2d6_builder_stable_12_232]";
            return $"""
                Hostname: {Hostname()}
                Model: vmx
                Junos: {Release}
                JUNOS OS Kernel 64-bit  {build}
                JUNOS OS libs {build}
                JUNOS OS runtime {build}
                JUNOS OS time zone information {build}
                JUNOS network stack and utilities [20230613.144505_builder_junos_232_r1]
                JUNOS libs [20230613.144505_builder_junos_232_r1]
                JUNOS runtime [20230613.144505_builder_junos_232_r1]
                JUNOS Packet Forwarding Engine Simulation Package [20230613.144505_builder_junos_232_r1]
                JUNOS Routing Software Suite [20230613.144505_builder_junos_232_r1]

                """.ReplaceLineEndings("\n");
        }

        private string ShowUptime()
        {
            var now = session.Clock.Time.GetUtcNow();
            var (booted, changed, by) = store.Read(s => (s.BootedAt, s.LastChangeAt ?? s.BootedAt, s.LastChangeBy));
            static string Ago(TimeSpan t) => t.Days > 0 ? $"{t.Days}d {t:hh\\:mm}" : $"{t:hh\\:mm}";
            return $"Current time: {Stamp(now)}\nTime Source:  LOCAL CLOCK\nSystem booted: {Stamp(booted)} ({Ago(now - booted)} ago)\nLast configured: {Stamp(changed)} ({Ago(now - changed)} ago) by {by}\n";
        }
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string HostnameOf(string config)
    {
        var at = config.IndexOf("host-name ", StringComparison.Ordinal);
        if (at < 0)
        {
            return "amnesiac";
        }
        var end = config.IndexOf(';', at);
        return config[(at + "host-name ".Length)..end].Trim('"');
    }

    private static string ShowConfiguration(DeviceState state, List<string> within, List<string> pipes)
    {
        var config = JunosConfig.Parse(state.RunningConfig);
        var at = config.Statements([], within);
        if (pipes.Contains("display set"))
        {
            return config.DisplaySet(at);
        }
        var header = within.Count == 0 && state.Commits.Count > 0
            ? $"## Last commit: {Stamp(state.Commits[0].At)} by {state.Commits[0].User}\n"
            : "";
        return header + config.Render(at);
    }

    private static string ShowCommits(DeviceState state)
    {
        var text = new StringBuilder();
        for (var i = 0; i < state.Commits.Count; i++)
        {
            var c = state.Commits[i];
            text.Append(CultureInfo.InvariantCulture, $"{i,-4}{Stamp(c.At)} by {c.User} via {c.Client}");
            text.Append(c.Comment.StartsWith("commit confirmed", StringComparison.Ordinal) ? " " + c.Comment + "\n" : "\n");
            if (c.Comment.Length > 0 && !c.Comment.StartsWith("commit confirmed", StringComparison.Ordinal))
            {
                text.Append("    ").Append(c.Comment).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string Terse(string running, string? only)
    {
        var interfaces = JunosConfig.Parse(running).Find(["interfaces"])?.Children ?? [];
        var text = new StringBuilder("Interface               Admin Link Proto    Local                 Remote\n");
        foreach (var physical in interfaces)
        {
            var name = physical.Statement;
            if (only is not null && name != only && !only.StartsWith(name + ".", StringComparison.Ordinal))
            {
                continue;
            }
            var state = physical.Child("disable") is null ? "up    up   " : "down  down ";
            text.Append(CultureInfo.InvariantCulture, $"{name,-24}{state.TrimEnd()}\n");
            foreach (var unit in physical.Children.Where(c => c.Statement.StartsWith("unit ", StringComparison.Ordinal)))
            {
                var logical = $"{name}.{unit.Statement[5..]}";
                if (only is not null && only != name && only != logical)
                {
                    continue;
                }
                var families = unit.Children.Where(c => c.Statement.StartsWith("family ", StringComparison.Ordinal)).ToList();
                var first = true;
                foreach (var family in families)
                {
                    var addresses = family.Children.Where(c => c.Statement.StartsWith("address ", StringComparison.Ordinal))
                        .Select(c => c.Statement[8..]).DefaultIfEmpty("").ToList();
                    foreach (var address in addresses)
                    {
                        var lead = first ? $"{logical,-24}{state}" : new string(' ', 35);
                        var proto = family.Statement[7..];
                        var local = name.StartsWith("lo", StringComparison.Ordinal) && address.EndsWith("/32", StringComparison.Ordinal)
                            ? $"{address[..^3],-22}--> 0/0" : address;
                        text.Append(CultureInfo.InvariantCulture, $"{lead}{proto,-9}{local}\n");
                        first = false;
                    }
                }
                if (first)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{logical,-24}{state.TrimEnd()}\n");
                }
            }
        }
        return text.ToString();
    }
}

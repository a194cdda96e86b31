using System.Globalization;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Terminal;
using static NetFleet.Lab.Config.CliNode;

namespace NetFleet.Lab.Platforms;

/// <summary>
/// Juniper Junos (vMX 23.2): operational mode, configuration mode on a shared, private or exclusive
/// candidate, <c>commit</c> with its variants, the last 50 commits for <c>rollback N</c>. Configurations
/// are stored in the brace format; <see cref="DeviceState.Commits"/>[0] is the active one. This file is
/// the CLI's table; JuniperJunos.Configuration.cs the candidate and commits, JuniperJunos.Outputs.cs what it prints.
/// </summary>
public sealed partial class JuniperJunos : LabPlatform
{
    private const string Release = "23.2R1.13";
    private const int MaxCommits = 50;
    /// <summary>What Junos answers a command that it has but the lab does not model.</summary>
    private const string Unsupported = "error: this command is not supported by the NetFleet lab\n";

    public override string Name => "juniper_junos";
    public override string ShortName => "junos";

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

    /// <summary>Operational-mode commands.</summary>
    private static readonly CommandTable<Cli> OperationalCommands = new()
    {
        { "show version", (cli, call, ct) => cli.ShowAsync(cli.ShowVersion(), call.Pipes, ct) },
        { ["show configuration", "show configuration LINE"], (cli, call, ct) =>
        {
            var within = call.Args.Count > 0 ? CliToken.Split(call.Args[0]).Select(t => t.Text).ToList() : [];
            return cli.ShowAsync(cli.Store.Read(s => ShowConfiguration(s, within, call.Pipes)), call.Pipes, ct);
        } },
        { ["show interfaces", "show interfaces terse"], (cli, call, ct) => cli.ShowAsync(cli.Store.Read(s => Terse(s.RunningConfig, null)), call.Pipes, ct) },
        { "show interfaces <interface> terse", (cli, call, ct) =>
            cli.ShowAsync(cli.Store.Read(s => Terse(s.RunningConfig, call.Args[0])), call.Pipes, ct) },
        { "show system commit", (cli, call, ct) => cli.ShowAsync(cli.Store.Read(ShowCommits), call.Pipes, ct) },
        { "show system uptime", (cli, call, ct) => cli.ShowAsync(cli.ShowUptime(), call.Pipes, ct) },
        { "show cli", (cli, call, ct) => cli.ShowAsync(ShowCli(cli.ScreenLength), call.Pipes, ct) },
        { "set cli screen-length <0-100000>", (cli, call, ct) =>
        {
            cli.ScreenLength = int.Parse(call.Args[0], CultureInfo.InvariantCulture);
            return cli.WriteAsync($"Screen length set to {cli.ScreenLength}\n", ct);
        } },
        { "set cli screen-width <0-100000>", (cli, call, ct) => cli.WriteAsync($"Screen width set to {call.Args[0]}\n", ct) },
        { ["configure", "configure private", "configure exclusive"], (cli, call, ct) =>
            cli.EnterAsync(call.Command.Split(' ') is [_, var kind] ? kind : null, ct) },
        { ["exit", "quit"], (cli, _) => cli.Closed = true },
    };

    /// <summary>Configuration-mode commands.</summary>
    private static readonly CommandTable<Cli> ConfigurationCommands = new()
    {
        { "set LINE", (cli, call, ct) => cli.SetAsync(call, ct) },
        { "delete LINE", (cli, call, ct) => cli.DeleteAsync(Words(call), ct) },
        { "edit LINE", (cli, call, ct) => cli.EditAsync(call, ct) },
        { ["up", "up <levels>"], (cli, call) =>
        {
            var levels = call.Args.Count > 0 ? int.Parse(call.Args[0], CultureInfo.InvariantCulture) : 1;
            cli.Path = cli.Path.SkipLast(Math.Min(levels, cli.Path.Count)).ToList();
        } },
        { "top", (cli, _) => cli.Path = [] },
        { ["exit", "quit"], (cli, _, ct) =>
        {
            if (cli.Path.Count > 0)
            {
                cli.Path = cli.Path.SkipLast(1).ToList();
                return Task.CompletedTask;
            }
            return cli.LeaveAsync(ct);
        } },
        { ["exit configuration-mode", "quit configuration-mode"], (cli, _, ct) => cli.LeaveAsync(ct) },
        { ["show", "show LINE"], (cli, call, ct) => cli.ShowCandidateAsync(Words(call), call.Pipes, ct) },
        { ["commit", "commit and-quit", "commit comment LINE"], async (cli, call, ct) =>
        {
            await cli.CommitAsync(null, call.Command == "commit comment LINE" ? call.Args[0].Trim('"') : "", ct);
            if (call.Command == "commit and-quit")
            {
                await cli.LeaveAsync(ct, committed: true);
            }
        } },
        { "commit check", (cli, _, ct) => cli.WriteAsync("configuration check succeeds\n", ct) },
        { ["commit confirmed", "commit confirmed <1-65535>"], (cli, call, ct) =>
        {
            var minutes = call.Args.Count > 0 ? int.Parse(call.Args[0], CultureInfo.InvariantCulture) : 10;
            return cli.CommitAsync(minutes, $"commit confirmed, rollback in {minutes}mins", ct);
        } },
        { ["rollback", "rollback <0-49>"], (cli, call, ct) =>
            cli.RollbackAsync(call.Args.Count > 0 ? int.Parse(call.Args[0], CultureInfo.InvariantCulture) : 0, ct) },
        { "run LINE", (cli, call, ct) => cli.AnswerAsync(Operational, OperationalCommands, call.Args[0], call.Column + call.Tokens[1].Offset, ct) },
        { "status", (cli, _, ct) => cli.WriteAsync(cli.Status(), ct) },
    };

    private static List<string> Words(CliCall call) => call.Tokens.Skip(1).Select(t => t.Text).ToList();

    /// <summary>An unconfirmed commit rolls back as a commit of its own, as Junos records it.</summary>
    public override void Revert(DeviceState state, PendingRevert pending)
    {
        Commit(state, pending.RestoreConfig, "root", "other", "", pending.Deadline);
        state.Candidate = null;
    }

    internal static void Commit(DeviceState state, string config, string user, string client, string comment, DateTimeOffset at)
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

    private protected override LabCli CreateCli(DeviceSession session) => new Cli(session, this);

    internal override IEnumerable<(CliGrammar Grammar, IEnumerable<string> Commands)> CommandTables =>
        [(Operational, OperationalCommands), (Configuration, ConfigurationCommands)];

    private enum Database { Shared, Private, Exclusive }

    private sealed partial class Cli(DeviceSession session, JuniperJunos platform) : LabCli(session, platform, Pager.Junos)
    {
        private bool configuring;
        private Database database;
        private string? privateCandidate;

        /// <summary>Where <c>edit</c> went in the hierarchy, as the <c>[edit …]</c> banner shows it.</summary>
        public List<string> Path { get; set; } = [];

        public override string ModeName => configuring ? "configuration" : "operational";

        protected override string Greeting() => $"--- JUNOS {Release} Kernel 64-bit  JNPR-15.0-20230613.2e5f2d6_buil\n";

        protected override Task ExecChannelAsync(string command, CancellationToken ct) =>
            AnswerAsync(Operational, OperationalCommands, command, 0, ct);

        protected override Task LineAsync(string line, int column, CancellationToken ct) =>
            line == "\u0003" ? Task.CompletedTask
            : configuring ? AnswerAsync(Configuration, ConfigurationCommands, line, column, ct)
            : AnswerAsync(Operational, OperationalCommands, line, column, ct);

        // Junos leaves a blank line between a command's output and the next prompt; Ctrl-C only prompts again.
        protected override string NextPrompt(string line) =>
            (line != "\u0003" && line.Trim().Length > 0 ? "\n" : "") + Prompt();

        private string Hostname() => Store.Read(s => HostnameOf(s.RunningConfig));

        private string Banner() => Path.Count == 0 ? "[edit]" : $"[edit {string.Join(' ', Path)}]";

        public override string Prompt() => configuring
            ? $"{Banner()}\n{Session.Username}@{Hostname()}# "
            : $"{Session.Username}@{Hostname()}> ";

        public async Task AnswerAsync(CliGrammar grammar, CommandTable<Cli> commands, string line, int column, CancellationToken ct)
        {
            var (command, pipes) = SplitPipes(line);
            var tokens = CliToken.Split(command);
            var match = grammar.Match(command, tokens, true);
            if (match.Status == CliStatus.Empty || await MatchErrorAsync(match, tokens, line, column, ct))
            {
                return;
            }
            if (pipes is null)
            {
                await ErrorAsync(column + line.IndexOf('|', StringComparison.Ordinal) + 2, "syntax error, expecting <command>.", ct);
                return;
            }
            if (!commands.TryRun(this, new CliCall(match, line, tokens, column) { Pipes = pipes }, ct, out var running))
            {
                running = WriteAsync(Unsupported, ct);
            }
            await running;
        }

        private Task ErrorAsync(int column, string message, CancellationToken ct) =>
            WriteAsync(new string(' ', column) + "^\n" + message + "\n", ct);

        public async Task<bool> MatchErrorAsync(CliMatch match, IReadOnlyList<CliToken> tokens, string line, int column, CancellationToken ct)
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

        public async Task ShowAsync(string text, List<string> pipes, CancellationToken ct)
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
            await PageAsync(text, ct, pipes.Contains("no-more") ? 0 : null);
        }

        public string Status() =>
            $"Users currently editing the configuration:\n  {Session.Username} terminal p0 (pid 4242) on since {Session.Clock.Time.GetUtcNow().UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC\n      {Banner()}\n";

        public string ShowVersion()
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

        public string ShowUptime()
        {
            var now = Session.Clock.Time.GetUtcNow();
            var (booted, changed, by) = Store.Read(s => (s.BootedAt, s.LastChangeAt ?? s.BootedAt, s.LastChangeBy));
            static string Ago(TimeSpan t) => t.Days > 0 ? $"{t.Days}d {t:hh\\:mm}" : $"{t:hh\\:mm}";
            return $"Current time: {Stamp(now)}\nTime Source:  LOCAL CLOCK\nSystem booted: {Stamp(booted)} ({Ago(now - booted)} ago)\nLast configured: {Stamp(changed)} ({Ago(now - changed)} ago) by {by}\n";
        }
    }
}

using System.Globalization;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Terminal;

namespace NetFleet.Lab.Platforms;

/// <summary>A configuration mode: its name in the prompt, the section line it edits (null at the top),
/// its grammar, and the negations that stay in the configuration as <c>no …</c> lines.</summary>
internal sealed record ConfigMode(string Name, string? Header, CliGrammar Grammar, IReadOnlySet<string> Kept);

/// <summary>
/// The CLI that IOS started and EOS (and many others) copied: user EXEC, privileged EXEC after
/// <c>enable</c>, configuration mode whose section lines (<c>interface …</c>) open sub-modes, a
/// configuration kept as indented text, output modifiers (<c>| include x</c>) and the <c>--More--</c>
/// pager. A personality gives its grammars, command tables, sub-modes and error wording.
/// </summary>
internal abstract class IndentedCli<TCli>(DeviceSession session, LabPlatform platform) : LabCli(session, platform, Pager.Cisco)
    where TCli : IndentedCli<TCli>
{
    /// <summary>What the device answers a command that it has but the lab does not model.</summary>
    public const string Unsupported = "% This command is not supported by the NetFleet lab.\n";

    public bool Privileged { get; set; }

    /// <summary>The configuration mode; null in EXEC.</summary>
    public ConfigMode? Mode { get; set; }

    protected abstract CliGrammar ExecGrammar { get; }

    /// <summary>Configuration mode itself; its grammar holds the global commands.</summary>
    public abstract ConfigMode Top { get; }

    protected abstract CommandTable<TCli> ExecCommands { get; }

    /// <summary>Configuration commands that are not configuration lines (<c>end</c>, <c>do …</c>, <c>commit</c>).</summary>
    protected abstract CommandTable<TCli> ConfigCommands { get; }

    /// <summary>How deep a section's lines are indented.</summary>
    protected abstract int Indent { get; }

    /// <summary>The answer to an output modifier the device does not know.</summary>
    protected abstract string InvalidFilter { get; }

    /// <summary>The commands that remove a line (<c>no LINE</c>).</summary>
    protected virtual IReadOnlySet<string> Negations { get; } = new HashSet<string> { "no LINE" };

    /// <summary>Whether privileged EXEC commands are allowed (an exec channel may be let through anyway).</summary>
    protected virtual bool Elevated => Privileged;

    /// <summary>Writes the device's answer to a line that did not match; false when it matched.</summary>
    protected abstract Task<bool> ReportAsync(CliCall call, CliMatch match, CancellationToken ct);

    /// <summary>Writes the device's refusal of the word at <paramref name="token"/>.</summary>
    protected abstract Task RefuseAsync(CliCall call, int token, CancellationToken ct);

    /// <summary>The line as the configuration stores it (names spelled out); null when a name is not valid.</summary>
    protected abstract string? Canonical(CliMatch match);

    /// <summary>The sub-mode a global line opens, if any.</summary>
    protected abstract ConfigMode? SubMode(string line);

    /// <summary>Applies an edit to the configuration being edited (running, or a session's).</summary>
    protected abstract void Edit(Func<string, string> apply);

    protected override Task ExecChannelAsync(string command, CancellationToken ct) => ExecAsync(command, 0, ct, execChannel: true);

    protected override Task LineAsync(string line, int column, CancellationToken ct) =>
        Mode is null ? ExecAsync(line, column, ct) : ConfigAsync(line, column, ct);

    public async Task ExecAsync(string line, int column, CancellationToken ct, bool execChannel = false)
    {
        var (command, filter) = OutputFilter.Split(line);
        var tokens = CliToken.Split(command);
        // The device runs an ssh exec command at the user's level; the lab lets every show through.
        var elevated = Elevated || (execChannel && tokens.Count > 0 && "show".StartsWith(tokens[0].Text, StringComparison.OrdinalIgnoreCase));
        var match = ExecGrammar.Match(command, tokens, elevated);
        var call = new CliCall(match, line, tokens, column) { Filter = filter };
        if (match.Status == CliStatus.Empty || await ReportAsync(call, match, ct))
        {
            return;
        }
        if (!ExecCommands.TryRun((TCli)this, call, ct, out var running))
        {
            running = WriteAsync(Unsupported, ct);
        }
        await running;
    }

    private async Task ConfigAsync(string line, int column, CancellationToken ct)
    {
        var current = Mode!;
        if (line is "\u001a" or "\u0003")
        {
            Mode = null;
            return;
        }
        var tokens = CliToken.Split(line);
        var (grammar, header, kept) = (current.Grammar, current.Header, current.Kept);
        var global = Top.Grammar;
        var match = grammar.Match(line, tokens, true);
        if (match.Status is CliStatus.Invalid or CliStatus.Ambiguous or CliStatus.Incomplete && grammar != global
            && global.Match(line, tokens, true) is { Status: CliStatus.Ok } atTop)
        {
            // A global command in a sub-mode applies at the top and leaves the sub-mode.
            (match, grammar, header, kept) = (atTop, global, null, Top.Kept);
        }
        var call = new CliCall(match, line, tokens, column);
        if (match.Status == CliStatus.Empty || await ReportAsync(call, match, ct))
        {
            return;
        }
        if (ConfigCommands.TryRun((TCli)this, call, ct, out var running))
        {
            await running;
            return;
        }
        if (RejectRules.Find(Session.Device.Faults, line) is { } at)
        {
            await RefuseAsync(call, RejectRules.TokenAt(tokens, at), ct);
            return;
        }
        var negated = Negations.Contains(match.Command);
        if (negated)
        {
            match = grammar.Match(line, tokens, true, first: 1, partial: true);
            if (match.Status != CliStatus.Ok && grammar != global && global.Match(line, tokens, true, 1, true) is { Status: CliStatus.Ok } globalNo)
            {
                (match, grammar, header, kept) = (globalNo, global, null, Top.Kept);
            }
            if (await ReportAsync(call, match, ct))
            {
                return;
            }
        }
        if (Canonical(match) is not { } canonical)
        {
            await RefuseAsync(call, negated ? 2 : 1, ct);
            return;
        }
        var opens = !negated && grammar == global ? SubMode(canonical) : null;
        var edit = negated ? ConfigEdit.Negate : opens is not null ? ConfigEdit.OpenSection : ConfigEdit.Set;
        Edit(config => IndentedConfig.Apply(config, Indent, header, canonical, edit, kept));
        Mode = opens ?? (grammar == global ? Top : current);
    }

    /// <summary>Writes output through the output modifier, if any, and the pager.</summary>
    public async Task OutputAsync(string text, string? filter, CancellationToken ct)
    {
        if (filter is not null)
        {
            if (OutputFilter.Apply(text, filter) is not { } filtered)
            {
                await WriteAsync(InvalidFilter, ct);
                return;
            }
            text = filtered;
        }
        await PageAsync(text, ct);
    }

    // Handlers most IOS-style tables share.

    /// <summary>Prints what <paramref name="render"/> makes of the device's state.</summary>
    public static Func<TCli, CliCall, CancellationToken, Task> Show(Func<DeviceState, string> render) =>
        (cli, call, ct) => cli.OutputAsync(cli.Store.Read(render), call.Filter, ct);

    /// <summary>Copies the running configuration to the startup configuration and says so.</summary>
    public static Func<TCli, CliCall, CancellationToken, Task> SaveConfig(string message) => (cli, _, ct) =>
    {
        cli.Store.Update(s => s.StartupConfig = s.RunningConfig);
        return cli.WriteAsync(message, ct);
    };

    public static void Ignore(TCli cli, CliCall call)
    {
    }

    public static void Disable(TCli cli, CliCall call) => cli.Privileged = false;

    public static void Close(TCli cli, CliCall call) => cli.Closed = true;

    public static void SetScreenLength(TCli cli, CliCall call) => cli.ScreenLength = int.Parse(call.Args[0], CultureInfo.InvariantCulture);

    public static void End(TCli cli, CliCall call) => cli.Mode = null;

    /// <summary>Leaves a sub-mode for configuration mode, or configuration mode for EXEC.</summary>
    public static void Exit(TCli cli, CliCall call) => cli.Mode = cli.Mode!.Header is null ? null : cli.Top;

    /// <summary>An EXEC command from configuration mode (<c>do show ip interface brief</c>).</summary>
    public static Task Do(TCli cli, CliCall call, CancellationToken ct) => cli.ExecAsync(call.Args[0], call.Column + call.Tokens[1].Offset, ct);
}

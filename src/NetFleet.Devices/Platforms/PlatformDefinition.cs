using System.Text.RegularExpressions;

namespace NetFleet.Devices.Platforms;

/// <summary>
/// One privilege level of a CLI and how to move to it from its parent: the levels of a platform form
/// a tree (exec → privileged exec → configuration), walked up with <see cref="Deescalate"/> and down
/// with <see cref="Escalate"/>.
/// </summary>
public sealed record PrivilegeLevel(string Name, string PromptPattern, string? Parent, string? Escalate, string? Deescalate)
{
    /// <summary>True when <see cref="Escalate"/> asks for the enable secret.</summary>
    public bool AsksSecret { get; init; }

    /// <summary>How the device asks for the secret.</summary>
    public string SecretPromptPattern { get; init; } = @"^\s*[Pp]assword:\s*$";

    internal Regex Prompt { get; } = new(PromptPattern, RegexOptions.CultureInvariant);
}

/// <summary>
/// What the generic driver lets a platform do while applying configuration.
/// </summary>
public interface IConfigSession
{
    string Device { get; }
    DeviceConnectionOptions Options { get; }

    /// <summary>The level the last prompt belonged to.</summary>
    string CurrentLevel { get; }

    /// <summary>Sends one line and returns its cleaned output; throws <see cref="CommandRejectedException"/>
    /// when the output carries one of the platform's failure strings and <paramref name="checkFailures"/> is set.</summary>
    Task<string> SendAsync(string line, CancellationToken cancellationToken, bool checkFailures = true);

    /// <summary>Walks the privilege graph to <paramref name="level"/>.</summary>
    Task EnterLevelAsync(string level, CancellationToken cancellationToken);

    Task<string> GetRunningConfigAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A platform: prompts per privilege level, failure strings, on-open commands and how configuration is
/// applied. The driver is generic; adding a platform is one file with a class deriving from this one
/// (found by <see cref="PlatformCatalog"/>).
/// </summary>
public abstract partial class PlatformDefinition
{
    private Regex? anyPrompt;
    private Regex? pager;
    private Regex? preamble;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> secretPrompts = new();

    /// <summary>The inventory's platform name, e.g. <c>cisco_ios</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Other names the inventory may use (<c>ios</c>).</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    /// <summary>The levels; each names its parent, the root has none.</summary>
    public abstract IReadOnlyList<PrivilegeLevel> PrivilegeLevels { get; }

    /// <summary>The level show commands run at.</summary>
    public abstract string CommandLevel { get; }

    /// <summary>Output lines starting with one of these (after indentation) mean the device refused.</summary>
    public abstract IReadOnlyList<string> FailurePrefixes { get; }

    /// <summary>Run once after login: paging off, a wide terminal.</summary>
    public abstract IReadOnlyList<string> OnOpenCommands { get; }

    /// <summary>The pager's prompt, answered with a space when paging is still on.</summary>
    public virtual string PagerPattern => @"(--More--|---\(more( \d+%)?\)---)\s*$";

    /// <summary>A line the device prints just above some prompts (Junos <c>[edit]</c>); not output.</summary>
    public virtual string? PromptPreamblePattern => null;

    public virtual string RunningConfigCommand => "show running-config";

    /// <summary>Shows the running configuration in the same form as the lines the platform applies (Junos:
    /// <c>display set</c>), so check mode can tell which lines are missing.</summary>
    public virtual string LineConfigCommand => RunningConfigCommand;

    /// <summary>Copies running to startup configuration; null where applying already persists (Junos commit).</summary>
    public virtual string? SaveConfigCommand => null;

    /// <summary>The lines of a change that the running configuration (as <see cref="LineConfigCommand"/> prints it)
    /// does not hold yet; empty when the change is there already. Indented IOS/EOS style by default.</summary>
    public virtual IReadOnlyList<string> PendingLines(IReadOnlyList<string> lines, string config) =>
        ConfigText.IndentedPending(lines, config);

    /// <summary>What the device offers for safe changes (see <see cref="DeviceCapabilities"/>); asked once per session,
    /// with show commands only. By default every strategy: the platform's safety net is part of every image.</summary>
    public virtual Task<DeviceCapabilities> ProbeAsync(IConfigSession session, CancellationToken cancellationToken) =>
        Task.FromResult(DeviceCapabilities.All($"{Name}: every image has its safety net"));

    /// <summary>When a device refuses a step of <see cref="ApplyConfirmedAsync"/> because it lacks a capability (and
    /// nothing changed yet), which one in an operator's words; null for any other refusal.</summary>
    public virtual string? MissingCapability(CommandRejectedException rejected) => null;

    /// <summary>Applies configuration lines the plain way (the merge strategy) and returns whether anything changed,
    /// with the device's diff where it has one. On a rejected line the platform discards what it can (a session, a
    /// candidate) and leaves configuration mode before rethrowing.</summary>
    public abstract Task<ConfigResult> ApplyConfigAsync(IConfigSession session, IReadOnlyList<string> lines,
        CancellationToken cancellationToken);

    /// <summary>Applies configuration lines under the device's safety net (see <see cref="ConfigTransaction"/>): the
    /// change is live but reverts by itself unless <see cref="ConfirmAsync"/> follows in time. Nothing is touched
    /// (no commit, no session that commits, no archive) when the lines are already there. On a rejected line the
    /// platform restores the device before rethrowing.</summary>
    public abstract Task<ConfigResult> ApplyConfirmedAsync(IConfigSession session, IReadOnlyList<string> lines,
        ConfigTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Makes a change applied with <see cref="ApplyConfirmedAsync"/> permanent.</summary>
    public abstract Task ConfirmAsync(IConfigSession session, ConfigTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Puts the running configuration back to <paramref name="backup"/> (as <see cref="LineConfigCommand"/>
    /// printed it), cancelling any pending timed revert; <paramref name="restorePoint"/> is what
    /// <see cref="ApplyConfirmedAsync"/> returned as <see cref="ConfigResult.RestorePoint"/>, if anything.</summary>
    public abstract Task RestoreAsync(IConfigSession session, string backup, string? restorePoint, CancellationToken cancellationToken);

    /// <summary>
    /// <c>configure terminal</c> (the <c>configuration</c> level), the lines one by one, and back to <c>privileged_exec</c>,
    /// for CLIs that apply each line as it is entered (IOS, FRR's vtysh). On a refused line the lines before it stay applied
    /// (there is no candidate to discard): configuration mode is left before rethrowing, so the caller can restore or report
    /// from a known prompt. A drop or a timeout leaves no usable session.
    /// </summary>
    protected static async Task EnterLinesAsync(IConfigSession session, IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("configuration", cancellationToken);
        try
        {
            foreach (var line in lines)
            {
                await session.SendAsync(line, cancellationToken);
            }
        }
        catch (CommandRejectedException)
        {
            await session.EnterLevelAsync("privileged_exec", cancellationToken);
            throw;
        }

        await session.EnterLevelAsync("privileged_exec", cancellationToken);
    }

    /// <summary>Device minutes as the <c>hh:mm:ss</c> some platforms take.</summary>
    protected static string Clock(int minutes) => TimeSpan.FromMinutes(minutes).ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture);

    internal Regex AnyPrompt => anyPrompt ??= new Regex(
        string.Join('|', PrivilegeLevels.Select(l => "(?:" + l.PromptPattern + ")")),
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    internal Regex Pager => pager ??= new Regex(PagerPattern, RegexOptions.CultureInvariant);

    internal Regex? PromptPreamble =>
        PromptPreamblePattern is { } p ? preamble ??= new Regex(p, RegexOptions.CultureInvariant) : null;

    /// <summary>Any prompt, or the level's secret prompt: what may follow an escalation command.</summary>
    internal Regex PromptOrSecret(PrivilegeLevel level) => secretPrompts.GetOrAdd(level.Name, _ =>
        new Regex($"(?:{level.SecretPromptPattern})|(?:{AnyPrompt})", RegexOptions.CultureInvariant));

    internal PrivilegeLevel? LevelOf(string prompt)
    {
        foreach (var level in PrivilegeLevels)
        {
            if (level.Prompt.IsMatch(prompt))
            {
                return level;
            }
        }

        return null;
    }

    internal PrivilegeLevel Level(string name) =>
        PrivilegeLevels.FirstOrDefault(l => l.Name == name)
        ?? throw new ArgumentException($"{Name} has no privilege level '{name}'", nameof(name));

    /// <summary>The first failure line and what follows it (the device's own words), or null.</summary>
    protected internal string? FindFailure(string output)
    {
        var lines = output.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart();
            foreach (var prefix in FailurePrefixes)
            {
                if (line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return string.Join(" ", lines.Skip(i).Take(3).Select(l => l.Trim()).Where(l => l.Length > 0));
                }
            }
        }

        return null;
    }
}

/// <summary>Every platform in this assembly, found once by type.</summary>
public static class PlatformCatalog
{
    private static readonly Lazy<IReadOnlyList<PlatformDefinition>> Platforms = new(() =>
        [.. typeof(PlatformDefinition).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(PlatformDefinition)) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (PlatformDefinition)Activator.CreateInstance(t)!)
            .OrderBy(p => p.Name, StringComparer.Ordinal)]);

    public static IReadOnlyList<PlatformDefinition> All => Platforms.Value;

    public static PlatformDefinition? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)
                             || p.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));
}

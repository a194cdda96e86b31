namespace NetFleet.Devices.Platforms;

/// <summary>
/// FRRouting's <c>vtysh</c> (also inside SONiC and Cumulus): the session starts privileged (<c>r1#</c>, no
/// <c>enable</c>); <c>configure terminal</c> gives <c>r1(config)#</c> and sub-modes such as <c>r1(config-router)#</c>,
/// <c>r1(config-router-af)#</c>, <c>r1(config-if)#</c>; <c>end</c> leaves them all. Each line applies as entered and
/// there is no timed revert, so changes are merged: backup, a diff worked out before applying, and on failure the
/// backup restored by the commands <see cref="FrrConfig"/> computes, repeated until the running configuration equals it.
/// </summary>
public sealed class Frr : PlatformDefinition
{
    private const string Host = @"[\w.\-:/]{1,63}";

    /// <summary>How many times a restore reads the configuration back and enters what still differs: the second pass
    /// puts back what FRR removed along with another line, the third is for settings that depend on those.</summary>
    private const int RestorePasses = 3;

    public override string Name => "frr";
    public override IReadOnlyList<string> Aliases => ["frrouting", "vtysh"];

    public override string? SaveConfigCommand => "write memory";

    public override IReadOnlyList<PrivilegeLevel> PrivilegeLevels { get; } =
    [
        new("privileged_exec", $@"^{Host}#\s*$", null, null, null),
        new("configuration", $@"^{Host}\(config[\w.\-@/:+]{{0,48}}\)#\s*$", "privileged_exec", "configure terminal", "end"),
    ];

    public override string CommandLevel => "privileged_exec";

    /// <summary>vtysh's own refusals, then the daemons' (most start with <c>%</c>; a few, such as ospfd's, do not).
    /// Informational <c>%</c> lines (<c>% OSPF: Reference bandwidth is changed.</c>) are not refusals.</summary>
    public override IReadOnlyList<string> FailurePrefixes { get; } =
    [
        "% Unknown command", "% Invalid", "% Command incomplete", "% Ambiguous command", "% Malformed", "% Specify",
        "% Create the", "% Configure the", "% Inconsistent", "% Can't", "% Cannot", "% Failed", "% Error", "% Please",
        "% Must", "% Only", "% Requested", "% There is", "% No such", "% Not ", "% BGP: ", "% Wrong", "% Bad",
        "There is already same network statement", "Can't find specified", "Area does not exist", "BGP is already running",
        "Cannot ", "Please specify", "Please remove",
        // ospfd refuses a second area on an interface with no % (the area must be removed first).
        "Must remove",
    ];

    /// <summary>vtysh knows <c>terminal length</c> (its pager) but not <c>terminal width</c>.</summary>
    public override IReadOnlyList<string> OnOpenCommands { get; } = ["terminal length 0"];

    public override IReadOnlyList<string> PendingLines(IReadOnlyList<string> lines, string config) => FrrConfig.Pending(lines, config);

    /// <summary>Nothing to ask the device: vtysh has no timed revert. FRR's transactional CLI (<c>commit confirmed</c>)
    /// exists only on each daemon's own vty when that daemon runs with <c>--tcli</c>, never through vtysh.</summary>
    public override Task<DeviceCapabilities> ProbeAsync(IConfigSession session, CancellationToken cancellationToken) =>
        Task.FromResult(new DeviceCapabilities(
            new Dictionary<ConfigStrategy, string>
            {
                [ConfigStrategy.Replace] = "a change the router takes back by itself unless confirmed, which FRR's vtysh does not have "
                    + "('commit confirmed' exists only on a single daemon's own vty started with --tcli); NetFleet restores the backup itself with 'transaction: merge'",
            },
            "frr: vtysh applies each line as entered and has no timed revert"));

    /// <summary><c>configure terminal</c> and the lines, after working out from the running configuration what they will
    /// change (the diff). A rejected line leaves the lines before it applied: configuration mode is left so the caller
    /// can restore from a known prompt.</summary>
    public override async Task<ConfigResult> ApplyConfigAsync(IConfigSession session, IReadOnlyList<string> lines,
        CancellationToken cancellationToken)
    {
        var diff = FrrConfig.Preview(lines, await session.GetRunningConfigAsync(cancellationToken));
        await EnterLinesAsync(session, lines, cancellationToken);
        return new ConfigResult(true, diff);
    }

    public override Task<ConfigResult> ApplyConfirmedAsync(IConfigSession session, IReadOnlyList<string> lines,
        ConfigTransaction transaction, CancellationToken cancellationToken) =>
        throw Unsupported(session);

    public override Task ConfirmAsync(IConfigSession session, ConfigTransaction transaction, CancellationToken cancellationToken) =>
        throw Unsupported(session);

    private static TransactionUnsupportedException Unsupported(IConfigSession session) =>
        new(session.Device, ConfigStrategy.Replace, "a timed revert, which FRR's vtysh does not have");

    /// <summary>
    /// Reads the running configuration, enters the commands that turn it into the backup (<see cref="FrrConfig.RestoreCommands"/>),
    /// and repeats until it equals the backup, at most <see cref="RestorePasses"/> times: removing one line can take
    /// others with it, which the next pass puts back. A removal FRR refuses is tried again shorter, a word at a time
    /// (<c>no ip ospf authentication message-digest</c> → <c>no ip ospf authentication</c>), as frr-reload.py does.
    /// Fails with what still differs, and what FRR refused, when the passes run out.
    /// </summary>
    public override async Task RestoreAsync(IConfigSession session, string backup, string? restorePoint, CancellationToken cancellationToken)
    {
        var refused = new List<string>();
        for (var pass = 0; pass < RestorePasses; pass++)
        {
            await session.EnterLevelAsync("privileged_exec", cancellationToken);
            var commands = FrrConfig.RestoreCommands(await session.GetRunningConfigAsync(cancellationToken), backup);
            if (commands.Count == 0) return;
            await session.EnterLevelAsync("configuration", cancellationToken);
            foreach (var command in commands)
            {
                await EnterAsync(session, command, refused, cancellationToken);
            }
        }

        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        var running = await session.GetRunningConfigAsync(cancellationToken);
        if (FrrConfig.RestoreCommands(running, backup).Count == 0) return;
        throw new DeviceStateException(session.Device, $"the running configuration still differs from the backup after {RestorePasses} restore passes:\n"
            + ConfigText.LineDiff(backup, running)
            + (refused.Count > 0 ? "\nFRR refused: " + string.Join("; ", refused.Distinct()) : ""));
    }

    private static async Task EnterAsync(IConfigSession session, string command, List<string> refused, CancellationToken cancellationToken)
    {
        var line = command.Trim();
        while (true)
        {
            try
            {
                await session.SendAsync(line, cancellationToken);
                return;
            }
            catch (CommandRejectedException e)
            {
                var words = line.Split(' ');
                if (!line.StartsWith("no ", StringComparison.Ordinal) || words.Length <= 2)
                {
                    refused.Add($"'{command.Trim()}': {e.DeviceMessage}");
                    return;
                }

                line = string.Join(' ', words[..^1]);
            }
        }
    }
}

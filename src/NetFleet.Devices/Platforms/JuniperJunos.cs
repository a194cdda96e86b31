namespace NetFleet.Devices.Platforms;

/// <summary>Juniper Junos: <c>user@host&gt; </c> and, in configuration mode, <c>user@host# </c> under an
/// <c>[edit …]</c> line. Set commands go into the shared candidate, <c>show | compare</c> is the diff, and
/// a rejected line or a failed commit discards the candidate (<c>rollback 0</c>).</summary>
public sealed class JuniperJunos : PlatformDefinition
{
    private const string UserAtHost = @"[\w.\-]{1,63}@[\w.\-:]{1,63}";

    public override string Name => "juniper_junos";
    public override IReadOnlyList<string> Aliases => ["junos"];

    public override IReadOnlyList<PrivilegeLevel> PrivilegeLevels { get; } =
    [
        new("exec", $@"^({{\w+(:\w+)?}}\s*)?{UserAtHost}>\s*$", null, null, null),
        new("configuration", $@"^{UserAtHost}#\s*$", "exec", "configure", "exit configuration-mode"),
    ];

    public override string CommandLevel => "exec";

    public override IReadOnlyList<string> FailurePrefixes { get; } =
        ["syntax error", "unknown command", "error:", "missing argument", "invalid value", "invalid interface"];

    public override IReadOnlyList<string> OnOpenCommands { get; } = ["set cli screen-length 0", "set cli screen-width 511"];

    public override string? PromptPreamblePattern => @"^\[edit( [^\]]*)?\]\s*$";

    public override string RunningConfigCommand => "show configuration";

    public override string LineConfigCommand => "show configuration | display set";

    /// <summary><c>display set</c> has no header, so who committed last comes from the <c>## Last commit</c> line.</summary>
    public override string? LastChangeCommand => "show configuration | match ##";

    /// <summary><c>## Last commit: 2026-12-03 17:00:00 UTC by admin</c>.</summary>
    protected override ConfigOrigin? OriginOf(string line) =>
        line.StartsWith("## Last commit: ", StringComparison.Ordinal) && line.IndexOf(" by ", StringComparison.Ordinal) is var by and > 0
            ? new ConfigOrigin(line[(by + 4)..].Trim(), UtcTime(line["## Last commit: ".Length..by].Replace(" UTC", "", StringComparison.Ordinal),
                "yyyy-MM-dd HH:mm:ss"), line)
            : null;

    /// <summary>In <c>display set</c> form: a <c>set</c> line is there when the configuration shows it, a
    /// <c>delete</c> holds when nothing under its path is set; any other statement (insert, rename, activate …) is
    /// always sent.</summary>
    public override IReadOnlyList<string> PendingLines(IReadOnlyList<string> lines, string config)
    {
        var present = SetLines(config).Select(ConfigText.Normalise).ToHashSet(StringComparer.Ordinal);
        return [.. lines.Where(line => !Holds(ConfigText.Normalise(line)))];

        bool Holds(string line)
        {
            if (line.StartsWith("set ", StringComparison.Ordinal)) return present.Contains(line);
            if (!line.StartsWith("delete ", StringComparison.Ordinal)) return line.Length == 0;
            var path = "set " + line["delete ".Length..];
            return !present.Any(p => p == path || p.StartsWith(path + " ", StringComparison.Ordinal));
        }
    }

    public override async Task<ConfigResult> ApplyConfigAsync(IConfigSession session, IReadOnlyList<string> lines,
        CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("configuration", cancellationToken);
        string diff;
        try
        {
            foreach (var line in lines)
            {
                await session.SendAsync(line, cancellationToken);
            }

            diff = await session.SendAsync("show | compare", cancellationToken);
            if (diff.Trim().Length > 0)
            {
                await session.SendAsync("commit", cancellationToken);
            }
        }
        catch (CommandRejectedException)
        {
            await DiscardAsync(session, cancellationToken);
            throw;
        }

        await session.EnterLevelAsync("exec", cancellationToken);
        return diff.Trim().Length == 0 ? new ConfigResult(false, null) : new ConfigResult(true, diff);
    }

    /// <summary><c>commit confirmed N</c>: Junos rolls back by itself unless another <c>commit</c> comes in time.</summary>
    public override async Task<ConfigResult> ApplyConfirmedAsync(IConfigSession session, IReadOnlyList<string> lines,
        ConfigTransaction transaction, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("configuration", cancellationToken);
        string diff;
        try
        {
            foreach (var line in lines)
            {
                await session.SendAsync(line, cancellationToken);
            }

            diff = await session.SendAsync("show | compare", cancellationToken);
            if (diff.Trim().Length > 0)
            {
                await session.SendAsync("commit confirmed " + transaction.ConfirmMinutes, cancellationToken);
            }
        }
        catch (CommandRejectedException)
        {
            await DiscardAsync(session, cancellationToken);
            throw;
        }

        // Nothing to commit, but the last commit may be this change's own `commit confirmed` from an attempt whose
        // answer was lost: it still needs its post-checks and confirmation, or the device takes it back.
        var pending = diff.Trim().Length == 0
            && (await session.SendAsync("run show system commit", cancellationToken)).Split('\n')
                .FirstOrDefault(l => l.StartsWith("0 ", StringComparison.Ordinal))?.Contains("commit confirmed", StringComparison.Ordinal) == true;
        await session.EnterLevelAsync("exec", cancellationToken);
        return diff.Trim().Length > 0 ? new ConfigResult(true, diff) : new ConfigResult(pending, null);
    }

    public override async Task ConfirmAsync(IConfigSession session, ConfigTransaction transaction, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("configuration", cancellationToken);
        await session.SendAsync("commit", cancellationToken);
        await session.EnterLevelAsync("exec", cancellationToken);
    }

    /// <summary>Discards whatever the candidate holds, then deletes what the backup lacks and sets what it has, in
    /// <c>display set</c> form, and commits (which also ends a pending <c>commit confirmed</c>).</summary>
    public override async Task RestoreAsync(IConfigSession session, string backup, string? restorePoint, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync(CommandLevel, cancellationToken);
        var current = await session.SendAsync(LineConfigCommand, cancellationToken);
        var now = SetLines(current);
        var goal = SetLines(backup);
        List<string> commands = [.. now.Except(goal).Reverse().Select(l => "delete " + l["set ".Length..]), .. goal.Except(now)];
        await session.EnterLevelAsync("configuration", cancellationToken);
        await session.SendAsync("rollback 0", cancellationToken);
        try
        {
            foreach (var command in commands)
            {
                await session.SendAsync(command, cancellationToken);
            }

            if (commands.Count > 0) await session.SendAsync("commit", cancellationToken);
        }
        catch (CommandRejectedException)
        {
            await DiscardAsync(session, cancellationToken);
            throw;
        }

        await session.EnterLevelAsync("exec", cancellationToken);
    }

    private static List<string> SetLines(string config) =>
        [.. ConfigText.Significant(config).Select(l => l.Trim()).Where(l => l.StartsWith("set ", StringComparison.Ordinal))];

    private static async Task DiscardAsync(IConfigSession session, CancellationToken cancellationToken)
    {
        await session.SendAsync("rollback 0", cancellationToken, checkFailures: false);
        await session.SendAsync("exit configuration-mode", cancellationToken, checkFailures: false);
    }
}

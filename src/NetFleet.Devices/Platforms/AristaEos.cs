using System.Security.Cryptography;

namespace NetFleet.Devices.Platforms;

/// <summary>Arista EOS: IOS-like prompts; configuration goes into a configure session, whose diff is
/// shown before <c>commit</c>, and which is aborted on the first rejected line (nothing applied).</summary>
public sealed partial class AristaEos : PlatformDefinition
{
    private const string Host = @"[\w.\-:/]{1,63}";

    public override string Name => "arista_eos";

    public override string? SaveConfigCommand => "write memory";
    public override IReadOnlyList<string> Aliases => ["eos"];

    public override IReadOnlyList<PrivilegeLevel> PrivilegeLevels { get; } =
    [
        new("exec", $@"^{Host}>\s*$", null, null, null),
        new("privileged_exec", $@"^{Host}#\s*$", "exec", "enable", "disable") { AsksSecret = true },
        new("configuration", $@"^{Host}\(conf[\w.\-@/:+]{{0,48}}\)#\s*$", "privileged_exec", "configure terminal", "end"),
    ];

    public override string CommandLevel => "privileged_exec";

    public override IReadOnlyList<string> FailurePrefixes { get; } =
        ["% Invalid input", "% Incomplete command", "% Ambiguous command", "% Unknown command", "% Access denied",
         "% Cannot commit", "% Error", "% Not in a configuration session", "% Session "];

    public override IReadOnlyList<string> OnOpenCommands { get; } = ["terminal length 0", "terminal width 32767"];

    public override string? StartupConfigCommand => "show startup-config";

    /// <summary>The headers EOS prints above a configuration: the command, the device with its software version, the time,
    /// and when the startup configuration was written. EOS names no user there.</summary>
    protected override bool IsVolatileLine(string line) =>
        ConfigText.IsVolatile(line)
        || line.StartsWith("! Command: ", StringComparison.Ordinal)
        || line.StartsWith("! device: ", StringComparison.Ordinal)
        || line.StartsWith("! Startup-config last modified", StringComparison.Ordinal);

    public override async Task<ConfigResult> ApplyConfigAsync(IConfigSession session, IReadOnlyList<string> lines,
        CancellationToken cancellationToken)
    {
        var name = session.Options.ConfigSessionName ?? "netfleet-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        if (await StageAsync(session, name, lines, cancellationToken) is not { } diff)
        {
            return new ConfigResult(false, null);
        }

        await session.SendAsync("commit", cancellationToken);
        return new ConfigResult(true, diff);
    }

    /// <summary>
    /// Enters the lines in configure session <paramref name="name"/> and returns the session's diff, ready to
    /// commit; a rejected line aborts the session (and throws), an empty diff aborts it and returns null.
    /// </summary>
    private static async Task<string?> StageAsync(IConfigSession session, string name, IReadOnlyList<string> lines,
        CancellationToken cancellationToken)
    {
        await session.SendAsync("configure session " + name, cancellationToken);
        string diff;
        try
        {
            foreach (var line in lines)
            {
                await session.SendAsync(line, cancellationToken);
            }

            diff = await session.SendAsync("show session-config diffs", cancellationToken);
        }
        catch (CommandRejectedException)
        {
            await session.SendAsync("abort", cancellationToken, checkFailures: false);
            throw;
        }

        if (diff.Trim().Length == 0)
        {
            await session.SendAsync("abort", cancellationToken);
            return null;
        }

        return diff;
    }

    /// <summary>A configure session named after the transaction, committed with <c>commit timer</c>: EOS reverts it
    /// by itself unless <c>configure session NAME commit</c> comes in time. An empty session diff is aborted.</summary>
    public override async Task<ConfigResult> ApplyConfirmedAsync(IConfigSession session, IReadOnlyList<string> lines,
        ConfigTransaction transaction, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        // An attempt whose answer was lost may have committed this change already, under its timer: entering the
        // session again would replace it, so it is reported as applied and left for the post-checks and confirmation.
        var sessions = await session.SendAsync("show configuration sessions", cancellationToken);
        if (sessions.Split('\n').Any(l => l.TrimStart('*', ' ').StartsWith(transaction.Name + " ", StringComparison.Ordinal) && PendingTimer().IsMatch(l)))
        {
            return new ConfigResult(true, null) { RestorePoint = transaction.Name };
        }

        if (await StageAsync(session, transaction.Name, lines, cancellationToken) is not { } diff)
        {
            return new ConfigResult(false, null);
        }

        await session.SendAsync("commit timer " + Clock(transaction.ConfirmMinutes), cancellationToken);
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        return new ConfigResult(true, diff) { RestorePoint = transaction.Name };
    }

    public override async Task ConfirmAsync(IConfigSession session, ConfigTransaction transaction, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        await session.SendAsync($"configure session {transaction.Name} commit", cancellationToken);
    }

    /// <summary>Drops the change's session if it never got committed, then commits, in a session of its own, the
    /// commands that turn the running configuration back into the backup. A commit timer still running would only
    /// revert to that same backup.</summary>
    public override async Task RestoreAsync(IConfigSession session, string backup, string? restorePoint, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        if (restorePoint is not null)
        {
            await session.SendAsync($"configure session {restorePoint} abort", cancellationToken, checkFailures: false);
        }

        var commands = ConfigText.IndentedRestore(await session.GetRunningConfigAsync(cancellationToken), backup);
        if (commands.Count == 0) return;
        await session.SendAsync($"configure session {restorePoint ?? "netfleet"}-restore-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}", cancellationToken);
        try
        {
            foreach (var command in commands)
            {
                await session.SendAsync(command, cancellationToken);
            }
        }
        catch (CommandRejectedException)
        {
            await session.SendAsync("abort", cancellationToken, checkFailures: false);
            throw;
        }

        await session.SendAsync("commit", cancellationToken);
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"pending\W?commit\W?timer", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex PendingTimer();
}

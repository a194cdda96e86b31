namespace NetFleet.Devices.Platforms;

/// <summary>Cisco IOS / IOS-XE: <c>r1&gt;</c>, <c>r1#</c> after <c>enable</c>, <c>r1(config…)#</c>;
/// configuration by <c>configure terminal</c> … <c>end</c>, which has no diff of its own.</summary>
public sealed partial class CiscoIos : PlatformDefinition
{
    private const string Host = @"[\w.\-:/]{1,63}";

    public override string Name => "cisco_ios";

    public override string? SaveConfigCommand => "write memory";
    public override IReadOnlyList<string> Aliases => ["ios", "cisco_xe", "ios_xe"];

    public override IReadOnlyList<PrivilegeLevel> PrivilegeLevels { get; } =
    [
        new("exec", $@"^{Host}>\s*$", null, null, null),
        new("privileged_exec", $@"^{Host}#\s*$", "exec", "enable", "disable") { AsksSecret = true },
        new("configuration", $@"^{Host}\(conf[\w.\-@/:+]{{0,32}}\)#\s*$", "privileged_exec", "configure terminal", "end"),
    ];

    public override string CommandLevel => "privileged_exec";

    public override IReadOnlyList<string> FailurePrefixes { get; } =
        ["% Invalid input", "% Incomplete command", "% Ambiguous command", "% Unknown command", "% Bad secrets", "% Error", "%Error"];

    public override IReadOnlyList<string> OnOpenCommands { get; } = ["terminal length 0", "terminal width 511"];

    public override async Task<ConfigResult> ApplyConfigAsync(IConfigSession session, IReadOnlyList<string> lines,
        CancellationToken cancellationToken)
    {
        var before = await session.GetRunningConfigAsync(cancellationToken);
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
            // IOS applies each line as it is entered: the lines before a rejected one stay applied
            // (there is no candidate to discard); leave configuration mode and report.
            await session.EnterLevelAsync("privileged_exec", cancellationToken);
            throw;
        }

        await session.EnterLevelAsync("privileged_exec", cancellationToken);

        var diff = LineDiff(before, await session.GetRunningConfigAsync(cancellationToken));
        return new ConfigResult(diff is not null, diff);
    }

    /// <summary>Archives the running configuration to flash, then replaces the running configuration with that same
    /// archive under <c>time N</c>: nothing changes yet, but the device now reverts to the archive by itself unless
    /// <c>configure confirm</c> comes in time. Only then are the lines entered.</summary>
    public override async Task<ConfigResult> ApplyConfirmedAsync(IConfigSession session, IReadOnlyList<string> lines,
        ConfigTransaction transaction, CancellationToken cancellationToken)
    {
        var before = await session.GetRunningConfigAsync(cancellationToken);
        if (ConfigText.Missing(lines, before).Count == 0)
        {
            // IOS does not show a pending timed revert; if an attempt whose answer was lost left one, it is this
            // change's (the lines are there), and confirming it keeps the device from taking the change back.
            var confirm = await session.SendAsync("configure confirm", cancellationToken, checkFailures: false);
            return new ConfigResult(!confirm.Contains("No Rollback Confirmation pending", StringComparison.OrdinalIgnoreCase), null);
        }

        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        await session.SendAsync("archive config", cancellationToken);
        var archives = await session.SendAsync("show archive", cancellationToken);
        var point = MostRecent().Match(archives) is { Success: true } m ? m.Groups[1].Value
            : throw new DeviceStateException(session.Device, "'archive config' left no archive file; configure 'archive' with a 'path' on the device");
        await session.SendAsync($"configure replace {point} force time {transaction.ConfirmMinutes}", cancellationToken);
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
            await session.SendAsync($"configure replace {point} force", cancellationToken);
            throw;
        }

        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        var diff = ConfigText.LineDiff(before, await session.GetRunningConfigAsync(cancellationToken));
        if (diff is null)
        {
            await session.SendAsync("configure confirm", cancellationToken, checkFailures: false);
        }

        return new ConfigResult(diff is not null, diff) { RestorePoint = point };
    }

    public override async Task ConfirmAsync(IConfigSession session, ConfigTransaction transaction, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        await session.SendAsync("configure confirm", cancellationToken);
    }

    /// <summary>Replaces the running configuration with the archive taken before the change (which also cancels a
    /// pending timed revert); without one, enters the commands that turn the running configuration into the backup.</summary>
    public override async Task RestoreAsync(IConfigSession session, string backup, string? restorePoint, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        if (restorePoint is not null)
        {
            await session.SendAsync($"configure replace {restorePoint} force", cancellationToken);
            return;
        }

        var commands = ConfigText.IndentedRestore(await session.GetRunningConfigAsync(cancellationToken), backup);
        if (commands.Count == 0) return;
        await session.EnterLevelAsync("configuration", cancellationToken);
        foreach (var command in commands)
        {
            await session.SendAsync(command, cancellationToken);
        }

        await session.EnterLevelAsync("privileged_exec", cancellationToken);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(\S+)\s*<- Most Recent")]
    private static partial System.Text.RegularExpressions.Regex MostRecent();
}

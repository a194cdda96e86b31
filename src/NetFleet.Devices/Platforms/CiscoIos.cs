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

    /// <summary><c>configure terminal</c> and the lines. IOS applies each line as it is entered, so there is no diff of
    /// the device's own: the caller compares the running configuration before and after.</summary>
    public override async Task<ConfigResult> ApplyConfigAsync(IConfigSession session, IReadOnlyList<string> lines,
        CancellationToken cancellationToken)
    {
        await EnterLinesAsync(session, lines, cancellationToken);
        return new ConfigResult(true, null);
    }

    /// <summary>
    /// <c>show archive</c> tells both capabilities the replace strategy needs: an image without it has no such command
    /// (the Configuration Replace and Rollback feature is missing), and an image with it says whether an archive
    /// <c>path</c> is configured. An image with an archive but without <c>configure replace</c> is found out when the
    /// device refuses it (<see cref="MissingCapability"/>), before anything changed.
    /// </summary>
    public override async Task<DeviceCapabilities> ProbeAsync(IConfigSession session, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        var archive = await session.SendAsync("show archive", cancellationToken, checkFailures: false);
        var answer = archive.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('^')) ?? "";
        var missing = new Dictionary<ConfigStrategy, string>();
        if (FindFailure(archive) is not null)
        {
            missing[ConfigStrategy.Replace] = $"the Configuration Replace and Rollback feature ('configure replace', 'configure confirm'), "
                + $"which this image lacks ('show archive' answered: {answer})";
        }
        else if (ArchiveDisabled().IsMatch(archive) || !MostRecent().IsMatch(archive) && !archive.Contains("archive file will be named", StringComparison.OrdinalIgnoreCase))
        {
            missing[ConfigStrategy.Replace] = $"a configuration archive: configure 'archive' with a 'path' on the device ('show archive' answered: {answer})";
        }

        return new DeviceCapabilities(missing, "show archive: " + answer);
    }

    public override string? MissingCapability(CommandRejectedException rejected)
    {
        if (ArchiveDisabled().IsMatch(rejected.DeviceMessage))
        {
            return $"a configuration archive: configure 'archive' with a 'path' on the device ('{rejected.Command}' answered: {rejected.DeviceMessage})";
        }

        return rejected.Command.StartsWith("configure replace", StringComparison.Ordinal) || rejected.Command.StartsWith("archive config", StringComparison.Ordinal)
            ? $"'configure replace … time', which this image lacks ('{rejected.Command}' answered: {rejected.DeviceMessage})"
            : null;
    }

    /// <summary>Archives the running configuration to flash, then replaces the running configuration with that same
    /// archive under <c>time N</c>: nothing changes yet, but the device now reverts to the archive by itself unless
    /// <c>configure confirm</c> comes in time. Only then are the lines entered.</summary>
    public override async Task<ConfigResult> ApplyConfirmedAsync(IConfigSession session, IReadOnlyList<string> lines,
        ConfigTransaction transaction, CancellationToken cancellationToken)
    {
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
        await session.SendAsync("archive config", cancellationToken);
        var archives = await session.SendAsync("show archive", cancellationToken);
        var point = MostRecent().Match(archives) is { Success: true } m ? m.Groups[1].Value
            : throw new DeviceStateException(session.Device, "'archive config' left no archive file; configure 'archive' with a 'path' on the device, "
                + "or set 'transaction: merge' on the play or host");
        await session.SendAsync($"configure replace {point} force time {transaction.ConfirmMinutes}", cancellationToken);
        try
        {
            await EnterLinesAsync(session, lines, cancellationToken);
        }
        catch (CommandRejectedException)
        {
            await session.SendAsync($"configure replace {point} force", cancellationToken);
            throw;
        }

        return new ConfigResult(true, null) { RestorePoint = point };
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

    public override string? StartupConfigCommand => "show startup-config";

    /// <summary>The headers <c>show running-config</c> and <c>show startup-config</c> print, and <c>ntp clock-period</c>,
    /// which IOS rewrites as it disciplines its clock.</summary>
    protected override bool IsVolatileLine(string line) =>
        ConfigText.IsVolatile(line)
        || line.StartsWith("! No configuration change since last restart", StringComparison.Ordinal)
        || line.StartsWith("ntp clock-period ", StringComparison.Ordinal)
        || StartupSize().IsMatch(line);

    /// <summary><c>! Last configuration change at 14:05:38 UTC Tue Dec 1 2026 by admin</c>; the time is read only in UTC
    /// (other zones are the device's local names, which say nothing certain).</summary>
    protected override ConfigOrigin? OriginOf(string line) =>
        LastChange().Match(line) is { Success: true } m
            ? new ConfigOrigin(m.Groups["user"].Success ? m.Groups["user"].Value : null,
                m.Groups["zone"].Value == "UTC" ? UtcTime(m.Groups["time"].Value + " " + m.Groups["date"].Value, "HH:mm:ss ddd MMM d yyyy") : null, line)
            : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^! Last configuration change at (?<time>\d{1,2}:\d{2}:\d{2})(\.\d+)? (?<zone>\S+) (?<date>\w{3} \w{3} +\d{1,2} \d{4})( by (?<user>\S+))?")]
    private static partial System.Text.RegularExpressions.Regex LastChange();

    [System.Text.RegularExpressions.GeneratedRegex(@"^Using \d+ out of \d+ bytes")]
    private static partial System.Text.RegularExpressions.Regex StartupSize();

    [System.Text.RegularExpressions.GeneratedRegex(@"(\S+)\s*<- Most Recent")]
    private static partial System.Text.RegularExpressions.Regex MostRecent();

    [System.Text.RegularExpressions.GeneratedRegex(@"archive (feature )?(is )?not (enabled|configured)|archive path (is )?not (specified|configured)",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex ArchiveDisabled();
}

namespace NetFleet.Devices.Platforms;

/// <summary>Cisco IOS / IOS-XE: <c>r1&gt;</c>, <c>r1#</c> after <c>enable</c>, <c>r1(config…)#</c>;
/// configuration by <c>configure terminal</c> … <c>end</c>, which has no diff of its own.</summary>
public sealed class CiscoIos : PlatformDefinition
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
}

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

    private static async Task DiscardAsync(IConfigSession session, CancellationToken cancellationToken)
    {
        await session.SendAsync("rollback 0", cancellationToken, checkFailures: false);
        await session.SendAsync("exit configuration-mode", cancellationToken, checkFailures: false);
    }
}

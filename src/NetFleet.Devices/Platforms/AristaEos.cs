using System.Security.Cryptography;

namespace NetFleet.Devices.Platforms;

/// <summary>Arista EOS: IOS-like prompts; configuration goes into a configure session, whose diff is
/// shown before <c>commit</c>, and which is aborted on the first rejected line (nothing applied).</summary>
public sealed class AristaEos : PlatformDefinition
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

    public override async Task<ConfigResult> ApplyConfigAsync(IConfigSession session, IReadOnlyList<string> lines,
        CancellationToken cancellationToken)
    {
        var name = session.Options.ConfigSessionName ?? "netfleet-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        await session.EnterLevelAsync("privileged_exec", cancellationToken);
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
            return new ConfigResult(false, null);
        }

        await session.SendAsync("commit", cancellationToken);
        return new ConfigResult(true, diff);
    }
}

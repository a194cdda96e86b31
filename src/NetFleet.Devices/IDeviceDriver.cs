using NetFleet.Devices.Platforms;

namespace NetFleet.Devices;

/// <summary>What a command printed, cleaned of echo, prompt and paging, and how long it took.</summary>
public sealed record CommandResult(string Command, string Output, TimeSpan Elapsed);

/// <summary>The outcome of applying configuration: whether the device changed, and its diff where it has one
/// (EOS session diffs, Junos <c>show | compare</c>; a running-config comparison on IOS).</summary>
public sealed record ConfigResult(bool Changed, string? Diff)
{
    public TimeSpan Elapsed { get; init; }

    /// <summary>Where the device keeps the configuration from before the change (IOS: the archive file), if it does.</summary>
    public string? RestorePoint { get; init; }

    /// <summary>How the change was made (see <see cref="ConfigStrategy"/>); null outside a transaction.</summary>
    public ConfigStrategy? Strategy { get; init; }
}

/// <summary>
/// One driver contract for every vendor (after NAPALM): callers never branch on the platform. Failures are
/// <see cref="DeviceException"/>s that say whether a retry can help. A driver drives one session and is
/// used by one caller at a time.
/// </summary>
public interface IDeviceDriver : IAsyncDisposable
{
    /// <summary>The device's name in errors and results.</summary>
    string Device { get; }

    PlatformDefinition Platform { get; }

    /// <summary>The last prompt seen (follows hostname and mode changes).</summary>
    string? Prompt { get; }

    /// <summary>Connects, logs in, learns the prompt and runs the platform's on-open commands.</summary>
    Task OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs a show-style command at the platform's command level (escalating if needed).</summary>
    Task<CommandResult> RunCommandAsync(string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Applies configuration lines the platform's way (configure terminal, a configure session, a
    /// candidate and commit). A rejected line throws <see cref="CommandRejectedException"/> after the
    /// platform discarded what it could.</summary>
    Task<ConfigResult> ApplyConfigAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken = default);

    Task<string> GetRunningConfigAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies the configuration lines the running configuration lacks, under the transaction's strategy (or
    /// the strongest the device supports, probed once per session): with <see cref="ConfigStrategy.Replace"/> the device
    /// reverts the change by itself unless <see cref="ConfirmConfigAsync"/> follows within the transaction's window.
    /// Touches nothing, not even configuration mode, when every line is already there. A strategy the device cannot run
    /// throws <see cref="TransactionUnsupportedException"/>.</summary>
    Task<ConfigResult> ApplyTransactionAsync(IReadOnlyList<string> lines, ConfigTransaction transaction, CancellationToken cancellationToken = default);

    Task ConfirmConfigAsync(ConfigTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>Restores the running configuration to a backup (in <see cref="PlatformDefinition.LineConfigCommand"/>
    /// form) and returns the configuration read back afterwards, for the caller to verify.</summary>
    Task<string> RestoreConfigAsync(string backup, string? restorePoint, CancellationToken cancellationToken = default);

    Task CloseAsync(CancellationToken cancellationToken = default);
}

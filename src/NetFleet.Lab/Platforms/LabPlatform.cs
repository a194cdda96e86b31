using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Platforms;

/// <summary>
/// The shape every lab personality has: names, a factory configuration, what a timed revert does,
/// and the CLI one session runs (a <see cref="LabCli"/> answering lines from its command tables).
/// </summary>
public abstract class LabPlatform : ILabPlatform
{
    public abstract string Name { get; }

    public abstract string ShortName { get; }

    public abstract DeviceState CreateFactoryState(LabDevice device);

    /// <summary>By default the running configuration goes back to what it was before the change.</summary>
    public virtual void Revert(DeviceState state, PendingRevert pending) => state.RunningConfig = pending.RestoreConfig;

    public Task RunSessionAsync(DeviceSession session, CancellationToken cancellationToken) =>
        CreateCli(session).RunAsync(cancellationToken);

    private protected abstract LabCli CreateCli(DeviceSession session);
}

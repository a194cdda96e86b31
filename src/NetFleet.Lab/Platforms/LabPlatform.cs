using NetFleet.Lab.Config;
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

    /// <summary>Each grammar with the commands of the table that answers its lines, so that every row can be held to
    /// a command the grammar has (a row the grammar never produces would leave its command unanswered).</summary>
    internal abstract IEnumerable<(CliGrammar Grammar, IEnumerable<string> Commands)> CommandTables { get; }
}

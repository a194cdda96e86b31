using NetFleet.Actors.Devices;
using NetFleet.Core.Playbooks.Modules;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// What differs between a change of CLI lines and a NETCONF edit inside the one <see cref="ConfigChange"/> transaction: the
/// requests that read, confirm and restore, and how to tell whether a configuration holds the change. Picked once per
/// change from its request; rollbacks of a recorded change pick the same way from the journal's <c>Transport</c>.
/// </summary>
internal abstract record ConfigChangeKind
{
    /// <summary>NETCONF strategies, as results and the journal name them.</summary>
    public const string ConfirmedCommit = "confirmed-commit";
    public const string Candidate = "candidate";
    public const string Running = "running";

    public const string NetconfTransport = "netconf";

    /// <summary>Written into <see cref="JobJournal.ChangeApplied.Transport"/>; null for CLI lines.</summary>
    public abstract string? Transport { get; }

    /// <summary>The result's message when the device held the whole change already and nothing was sent.</summary>
    public abstract string AlreadyThere { get; }

    public abstract DeviceRequest Read();

    public abstract DeviceRequest Confirm(string transaction, string? strategy);

    public abstract DeviceRequest Restore(string backup, string? restorePoint, string transaction, string? strategy);

    /// <summary>True when <paramref name="config"/> (as <see cref="Read"/> returns it) lacks part of the change.</summary>
    public abstract bool Lacks(string config);

    /// <summary>What the change adds to <paramref name="before"/>, for a device that gave no diff of its own.</summary>
    public abstract string PlannedDiff(string before);

    public static ConfigChangeKind For(ConfigChangeRequest request, Func<IReadOnlyList<string>, string, IReadOnlyList<string>> pending) =>
        request switch
        {
            NetconfEditConfig edit => new Netconf(edit),
            ApplyConfig apply => new Lines(apply, pending),
            _ => throw new NotSupportedException($"no configuration change of {request.GetType().Name}"),
        };

    public static DeviceRequest ReadFor(JobJournal.ChangeApplied change) =>
        change.Transport == NetconfTransport ? new NetconfReadConfig() : new ReadConfig();

    public static DeviceRequest RestoreFor(JobJournal.ChangeApplied change) =>
        change.Transport == NetconfTransport
            ? new NetconfRestore(change.Before, change.Transaction, change.Strategy)
            : new RestoreConfig(change.Before, change.RestorePoint, change.Transaction);

    private sealed record Lines(ApplyConfig Apply, Func<IReadOnlyList<string>, string, IReadOnlyList<string>> Pending) : ConfigChangeKind
    {
        public override string? Transport => null;
        public override string AlreadyThere => "already configured: every line is on the device, nothing sent";
        public override DeviceRequest Read() => new ReadConfig();
        public override DeviceRequest Confirm(string transaction, string? strategy) => new ConfirmConfig(transaction, Apply.Save, strategy);
        public override DeviceRequest Restore(string backup, string? restorePoint, string transaction, string? strategy) =>
            new RestoreConfig(backup, restorePoint, transaction);
        public override bool Lacks(string config) => Pending(Apply.Lines, config).Count > 0;
        public override string PlannedDiff(string before) => string.Join('\n', Pending(Apply.Lines, before).Select(l => "+ " + l.TrimEnd()));
    }

    private sealed record Netconf(NetconfEditConfig Edit) : ConfigChangeKind
    {
        public override string? Transport => NetconfTransport;
        public override string AlreadyThere => "already configured: the edit leaves the running datastore as it was, nothing changed";
        public override DeviceRequest Read() => new NetconfReadConfig();
        public override DeviceRequest Confirm(string transaction, string? strategy) => new NetconfConfirm(transaction, strategy);
        public override DeviceRequest Restore(string backup, string? restorePoint, string transaction, string? strategy) =>
            new NetconfRestore(backup, transaction, strategy);
        public override bool Lacks(string config) => !NetconfChanges.Holds(Edit, config);

        // The server's candidate gives the diff; without one the read-back after the change does.
        public override string PlannedDiff(string before) => "";
    }
}

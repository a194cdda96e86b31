using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using NetFleet.Core.Templating;

namespace NetFleet.Actors.Jobs;

/// <summary>What a <see cref="ConfigChange"/> starts from, and the effects it asks its owner to carry out.</summary>
internal sealed partial class ConfigChange
{
    internal abstract record Effect;

    /// <summary>Send this request to the host's device; its reply comes back to <see cref="Completed"/> or <see cref="Failed"/>.</summary>
    internal sealed record Send(DeviceRequest Request) : Effect;

    /// <summary>Run a post-check that needs no device session (TCP, SNMP); its verdict comes back to <see cref="CheckDone"/>.</summary>
    internal sealed record RunCheck(int Index, PostCheck Check) : Effect;

    /// <summary>Journal this event; unless <paramref name="Wait"/> is false, the effects after it wait until it is stored.</summary>
    internal sealed record Record(JobJournal.IEvent Event, bool Wait = true) : Effect;

    /// <summary>Call <see cref="Retry"/> after this delay.</summary>
    internal sealed record RetryAfter(TimeSpan Delay) : Effect;

    /// <summary>The step is over with this result.</summary>
    /// <param name="Reconciled">The result was found on the device after a restart rather than made now.</param>
    internal sealed record Finish(ModuleResult Result, TaskOutcome Outcome, string? Output, string? Diff, bool Reconciled = false) : Effect;

    /// <summary>What the change works from: the rendered request, the play's transaction settings and the host's platform.</summary>
    /// <param name="Pending">The lines a configuration lacks, compared the platform's way (section-aware); for CLI changes.</param>
    /// <param name="Stopping">Whether the job is halting or cancelled: a change cut short is then not tried again.</param>
    internal sealed record Setup(
        string JobId,
        JobJournal.StepKey Key,
        string TaskName,
        string Platform,
        ConfigChangeRequest Request,
        int ConfirmMinutes,
        IReadOnlyList<PostCheck> PostChecks,
        string? RequestedStrategy,
        VariableScope Scope,
        Func<IReadOnlyList<string>, string, IReadOnlyList<string>> Pending,
        Func<bool> Stopping)
    {
        /// <summary>Times wait_for checks; tests give their own.</summary>
        public TimeProvider Clock { get; init; } = TimeProvider.System;
    }
}

using Akka.Actor;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;

namespace NetFleet.Actors.Jobs;

/// <summary>The messages of a <see cref="JobOrchestrator"/>.</summary>
public static class JobProtocol
{
    /// <summary>Everything one job needs; the orchestrator starts on it once it has read its journal.</summary>
    /// <param name="Submission">What the journal records about the job first; on a resume, the recorded one.</param>
    /// <param name="Resume">Continue a job from its journal instead of starting a new one.</param>
    public sealed record JobSpec(
        string JobId,
        Playbook Playbook,
        Inventory Inventory,
        JobOptions Options,
        IActorRef Devices,
        Action<JobEvent> OnEvent,
        TaskCompletionSource<JobSummary> Completion,
        JobJournal.JobSubmitted Submission,
        bool Resume = false);

    /// <summary>Stop starting work; finish as <see cref="JobOutcome.Cancelled"/> once in-flight work has ended.</summary>
    /// <param name="User">Who cancelled, for the journal's <see cref="JobJournal.JobCancelled"/>.</param>
    public sealed record CancelJob(string User = "netfleet");

    /// <summary>A local post-check (TCP, SNMP) ended; <paramref name="Failure"/> says why it failed, if it did.</summary>
    internal sealed record PostCheckDone(long StepId, int Index, string? Failure);

    /// <summary>A step's <see cref="ConfigChange"/> asked to try its restore, or the change, again now.</summary>
    internal sealed record RetryChange(long StepId);

    /// <summary>A gate's settle time after a batch is over: measure now.</summary>
    internal sealed record GateSettled(int Play, int Batch);

    /// <summary>A gate measurement ended (<paramref name="Error"/> says why there is none).</summary>
    internal sealed record GateMeasuredHere(int Play, int Batch, string Phase, GateMeasurement? Measurement, string? Error);

    /// <summary>The pause between batches is over.</summary>
    internal sealed record ResumeBatches;

    /// <summary>Look in the store for an approval of the waiting batch.</summary>
    internal sealed record PollApproval;

    internal sealed record LocalModuleFinished(long StepId, ModuleResult Result);

    internal sealed record StepTimedOut(long StepId);
}

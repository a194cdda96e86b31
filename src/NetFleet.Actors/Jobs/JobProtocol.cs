using Akka.Actor;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;

namespace NetFleet.Actors.Jobs;

/// <summary>The messages of a <see cref="JobOrchestrator"/>.</summary>
public static class JobProtocol
{
    /// <summary>Everything one job needs; the orchestrator starts on it at once.</summary>
    public sealed record JobSpec(
        string JobId,
        string PlaybookPath,
        Playbook Playbook,
        Inventory Inventory,
        JobOptions Options,
        IActorRef Devices,
        Action<JobEvent> OnEvent,
        TaskCompletionSource<JobSummary> Completion);

    /// <summary>Stop starting work; finish as <see cref="JobOutcome.Cancelled"/> once in-flight work has ended.</summary>
    public sealed record CancelJob;

    internal sealed record LocalModuleFinished(long StepId, ModuleResult Result);

    internal sealed record StepTimedOut(long StepId);
}

using Akka.Actor;
using NetFleet.Actors.Jobs;

namespace NetFleet.Node;

/// <summary>Approving a job's gate from outside the job (the CLI, the API): the approval is written to the store by
/// <see cref="JobApprovals.WriterProps"/>, which answers once it is stored.</summary>
public static class Approvals
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<JobApprovals.Approved> ApproveAsync(ActorSystem system, string jobId, string user, CancellationToken cancellationToken)
    {
        // The writer answers the ref it is given; an inbox is Akka's own one-reply receiver, so no actor of ours waits.
        using var inbox = Inbox.Create(system);
        system.ActorOf(JobApprovals.WriterProps(jobId, user, inbox.Receiver));
        return (JobApprovals.Approved)await inbox.ReceiveAsync(Timeout).WaitAsync(cancellationToken);
    }
}

using Akka.Actor;
using Akka.Persistence;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// Approvals of a job's batches, in a journal of their own (persistence id <c>job-approvals-ID</c>) so that any process
/// sharing the store can approve: <c>netfleet jobs approve</c> writes one with <see cref="WriterProps"/>, and a job
/// waiting at an <c>approval: true</c> gate reads them again with <see cref="ReaderProps"/> until one more is there.
/// The n-th approval lets the job's n-th gate through.
/// </summary>
public static class JobApprovals
{
    public static string PersistenceId(string jobId) => "job-approvals-" + jobId;

    /// <summary>The users who approved, oldest first; sent to the reader's parent.</summary>
    public sealed record Approvals(string JobId, IReadOnlyList<string> Users);

    /// <summary>What the writer answers once the approval is stored.</summary>
    public sealed record Approved(string JobId, string User, int Count);

    public sealed record JobApproved(string JobId, DateTimeOffset At, string User) : JobJournal.IEvent;

    internal static Props ReaderProps(string jobId, IActorRef replyTo) => Props.Create(() => new Reader(jobId, replyTo));

    public static Props WriterProps(string jobId, string user, IActorRef replyTo) => Props.Create(() => new Writer(jobId, user, replyTo));

    /// <summary>Recovers the approvals as they are in the store now, reports them and stops.</summary>
    private sealed class Reader : ReceivePersistentActor
    {
        private readonly List<string> users = [];

        public Reader(string jobId, IActorRef replyTo)
        {
            PersistenceId = JobApprovals.PersistenceId(jobId);
            Recover<JobApproved>(a => users.Add(a.User));
            Recover<RecoveryCompleted>(_ =>
            {
                replyTo.Tell(new Approvals(jobId, users));
                Context.Stop(Self);
            });
        }

        public override string PersistenceId { get; }
    }

    private sealed class Writer : ReceivePersistentActor
    {
        private int count;

        public Writer(string jobId, string user, IActorRef replyTo)
        {
            PersistenceId = JobApprovals.PersistenceId(jobId);
            Recover<JobApproved>(_ => count++);
            Recover<RecoveryCompleted>(_ => Persist(new JobApproved(jobId, DateTimeOffset.UtcNow, user), _ =>
            {
                replyTo.Tell(new Approved(jobId, user, ++count));
                Context.Stop(Self);
            }));
        }

        public override string PersistenceId { get; }
    }
}

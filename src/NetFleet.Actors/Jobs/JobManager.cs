using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence;
using NetFleet.Actors.Devices;
using NetFleet.Core.Results;

namespace NetFleet.Actors.Jobs;

/// <summary>The messages of the <see cref="JobManager"/>. A job is submitted as its <see cref="JobJournal.JobSubmitted"/>
/// record itself, so it crosses the cluster under the journal's stable serializer.</summary>
public static class JobManagerProtocol
{
    /// <summary>The distributed pub-sub topic every running job's <see cref="JobEvent"/>s are published to.</summary>
    public const string EventsTopic = "netfleet-job-events";

    public sealed record JobAccepted(string JobId);

    public sealed record JobRejected(string JobId, string Reason);

    /// <summary>Cancel a running job: it starts no new tasks, lets running ones finish and ends as cancelled.
    /// Answered with <see cref="CancelAccepted"/>, or <see cref="JobRejected"/> when the job is not running.</summary>
    public sealed record CancelJob(string JobId, string User);

    public sealed record CancelAccepted(string JobId);

    /// <summary>Does the job still run? Answered with <see cref="JobStatus"/> (not running: finished, or never submitted here).</summary>
    public sealed record GetJobStatus(string JobId);

    public sealed record JobStatus(string JobId, bool Running);

    internal sealed record OrchestratorEnded(string JobId, JobSummary? Summary, string? Error);
}

/// <summary>
/// The cluster singleton of the <c>orchestrator</c> role: accepts jobs (playbook runs and rollbacks), starts one job
/// actor per job through the <see cref="JobLauncher"/> (with a <see cref="DeviceRouter"/> in front of the device shard regions) and records which jobs are open
/// (persistence id <see cref="PersistenceIdValue"/>). When the node holding it dies the singleton starts again on
/// the next-oldest orchestrator node, reads that record and resumes every open job from its own journal: finished
/// tasks are not run again and in-flight configuration is reconciled against the device.
/// </summary>
public sealed class JobManager : ReceivePersistentActor
{
    public const string PersistenceIdValue = "netfleet-job-manager";

    private readonly Dictionary<string, JobJournal.JobSubmitted> open = new(StringComparer.Ordinal);

    /// <summary>Ids of jobs that ended: a submission under one of them (a schedule's slot submitted again after a failover)
    /// is answered as accepted and not run again.</summary>
    private readonly HashSet<string> finished = new(StringComparer.Ordinal);

    /// <summary>Submissions being written to the journal, with whoever is waiting for their answer.</summary>
    private readonly Dictionary<string, List<IActorRef>> persisting = new(StringComparer.Ordinal);
    private readonly Serilog.ILogger log;
    private readonly Configs.ConfigArchive? configs;
    private readonly IActorRef mediator;

    public JobManager(Serilog.ILogger log, Configs.ConfigArchive? configs = null)
    {
        this.configs = configs;
        this.log = log;
        mediator = DistributedPubSub.Get(Context.System).Mediator;

        Recover<JobJournal.JobSubmitted>(submitted => open[submitted.JobId] = submitted);
        Recover<JobJournal.JobFinished>(Finished);
        Recover<RecoveryCompleted>(_ =>
        {
            foreach (var submitted in open.Values.ToList())
            {
                log.Information("Job manager: resuming job {JobId} on this node", submitted.JobId);
                if (Start(submitted) is { } error) log.Error("Job {JobId} cannot be resumed: {Error}", submitted.JobId, error);
            }
        });

        Command<JobJournal.JobSubmitted>(submitted =>
        {
            if (open.ContainsKey(submitted.JobId) || finished.Contains(submitted.JobId))
            {
                Sender.Tell(new JobManagerProtocol.JobAccepted(submitted.JobId));
                return;
            }

            // A repeated submission (a client retrying) waits for the first one's answer.
            if (persisting.TryGetValue(submitted.JobId, out var waiting))
            {
                waiting.Add(Sender);
                return;
            }

            var (loaded, error) = JobLauncher.Load(submitted);
            if (loaded is null)
            {
                Sender.Tell(new JobManagerProtocol.JobRejected(submitted.JobId, error ?? "the job cannot be loaded"));
                return;
            }

            // PersistAsync, not Persist: the next submissions are loaded while this one is written, and the journal
            // batches the writes. With Persist every submission waited for the one before it to reach the database
            // (the cluster load benchmark: 50 jobs at once took up to 8 s to be accepted).
            persisting[submitted.JobId] = [Sender];
            PersistAsync(submitted, s =>
            {
                persisting.Remove(s.JobId, out var senders);
                open[s.JobId] = s;
                object answer = Start(s, loaded) is { } startError
                    ? new JobManagerProtocol.JobRejected(s.JobId, startError)
                    : new JobManagerProtocol.JobAccepted(s.JobId);
                foreach (var sender in senders ?? []) sender.Tell(answer);
            });
        });
        Command<JobManagerProtocol.CancelJob>(cancel =>
        {
            if (!open.ContainsKey(cancel.JobId) || Context.Child("job-" + cancel.JobId) is not { } job || job.IsNobody())
            {
                Sender.Tell(new JobManagerProtocol.JobRejected(cancel.JobId, $"job {cancel.JobId} is not running"));
                return;
            }

            job.Tell(new JobProtocol.CancelJob(cancel.User));
            Sender.Tell(new JobManagerProtocol.CancelAccepted(cancel.JobId));
        });
        Command<JobManagerProtocol.OrchestratorEnded>(ended =>
        {
            foreach (var child in new[] { "job-" + ended.JobId, "devices-" + ended.JobId })
            {
                if (Context.Child(child) is { } actor && !actor.IsNobody()) Context.Stop(actor);
            }

            if (ended.Error is { } error)
            {
                // The orchestrator stopped without finishing (its journal could not be written): the job stays open and
                // is taken up again when the singleton next starts.
                log.Error("Job {JobId} stopped before it finished: {Error}", ended.JobId, error);
                return;
            }

            var summary = ended.Summary!;
            var recap = summary.Recap;
            Persist(new JobJournal.JobFinished(ended.JobId, DateTimeOffset.UtcNow, summary.Outcome.ToString().ToLowerInvariant(), summary.HaltReason,
                recap.Sum(r => r.Ok), recap.Sum(r => r.Changed), recap.Sum(r => r.Failed), recap.Sum(r => r.Unreachable), recap.Sum(r => r.Skipped)),
                Finished);
        });
        Command<JobManagerProtocol.GetJobStatus>(get =>
            Sender.Tell(new JobManagerProtocol.JobStatus(get.JobId, open.ContainsKey(get.JobId) || persisting.ContainsKey(get.JobId))));
    }

    public override string PersistenceId => PersistenceIdValue;

    private void Finished(JobJournal.JobFinished ended)
    {
        open.Remove(ended.JobId);
        finished.Add(ended.JobId);
    }

    /// <param name="configs">Where jobs commit the configurations they back up or write; null commits nothing.</param>
    public static Props Props(Serilog.ILogger log, Configs.ConfigArchive? configs = null) => Akka.Actor.Props.Create(() => new JobManager(log, configs));

    /// <summary>Starts the job's router and actor (loading its files unless given them loaded); an error when they no
    /// longer load.</summary>
    private string? Start(JobJournal.JobSubmitted submitted, PreparedJob? loaded = null)
    {
        var (job, error) = loaded is null ? JobLauncher.Load(submitted) : (loaded, null);
        if (job is null) return error;

        var devices = Context.ActorOf(DeviceRouter.Props(job.Inventory, log), "devices-" + submitted.JobId);
        var completion = new TaskCompletionSource<JobSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        var mediatorRef = mediator;
        void Publish(JobEvent e) => mediatorRef.Tell(new Publish(JobManagerProtocol.EventsTopic, e));

        // Resume is left off: the job resumes by itself when its journal already holds it, and starts it otherwise (a
        // singleton that died between recording the job here and the job's first event). Default supervision (restart):
        // a crashed job actor reads its journal again and continues.
        JobLauncher.Start(Context, job, JobOptions.Resuming(submitted, submitted.User) with { Configs = configs }, devices, Publish, completion, log);
        var jobId = submitted.JobId;
        completion.Task.PipeTo(Self,
            success: summary => new JobManagerProtocol.OrchestratorEnded(jobId, summary, null),
            failure: e => new JobManagerProtocol.OrchestratorEnded(jobId, null, e.Message));
        return null;
    }
}

using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Results;

namespace NetFleet.Api;

/// <summary>
/// Every job's events as this node hears them on the cluster's job-events topic, kept per job (so a follower that
/// connects after the job started, or reconnects, gets it from the start) and handed to live followers. A job's
/// events are dropped a while after it finished.
/// </summary>
public sealed class JobEventHub
{
    private static readonly TimeSpan KeepFinished = TimeSpan.FromMinutes(10);

    private sealed class Job
    {
        public List<JobEvent> Events { get; } = [];
        public List<Channel<JobEvent>> Followers { get; } = [];
        public DateTimeOffset? FinishedAt { get; set; }
    }

    private readonly Dictionary<string, Job> jobs = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public JobEventHub(ActorSystem system)
    {
        var listener = system.ActorOf(Props.Create(() => new Listener(this)), "api-job-events");
        DistributedPubSub.Get(system).Mediator.Tell(new Subscribe(JobManagerProtocol.EventsTopic, listener));
    }

    /// <summary>The job's events so far, then the live ones, until the job finishes.</summary>
    public ChannelReader<JobEvent> Follow(string jobId)
    {
        var channel = Channel.CreateUnbounded<JobEvent>();
        lock (gate)
        {
            var job = JobOf(jobId);
            foreach (var e in job.Events) channel.Writer.TryWrite(e);
            if (job.FinishedAt is null) job.Followers.Add(channel);
            else channel.Writer.TryComplete();
        }

        return channel.Reader;
    }

    public void Unfollow(string jobId, ChannelReader<JobEvent> reader)
    {
        lock (gate)
        {
            if (jobs.TryGetValue(jobId, out var job)) job.Followers.RemoveAll(c => c.Reader == reader);
        }
    }

    private void Add(JobEvent e)
    {
        lock (gate)
        {
            var job = JobOf(e.JobId);
            job.Events.Add(e);
            foreach (var follower in job.Followers) follower.Writer.TryWrite(e);
            if (e is JobFinished)
            {
                job.FinishedAt = DateTimeOffset.UtcNow;
                foreach (var follower in job.Followers) follower.Writer.TryComplete();
                job.Followers.Clear();
            }

            foreach (var old in jobs.Where(j => j.Value.FinishedAt < DateTimeOffset.UtcNow - KeepFinished).Select(j => j.Key).ToList())
            {
                jobs.Remove(old);
            }
        }
    }

    private Job JobOf(string jobId)
    {
        if (!jobs.TryGetValue(jobId, out var job))
        {
            job = new Job();
            jobs[jobId] = job;
        }

        return job;
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(JobEventHub hub)
        {
            Receive<JobEvent>(hub.Add);
            Receive<SubscribeAck>(_ => { });
        }
    }
}

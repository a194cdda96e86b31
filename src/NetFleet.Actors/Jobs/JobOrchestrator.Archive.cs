namespace NetFleet.Actors.Jobs;

/// <summary>
/// The job's commit to the configuration archive, once its steps are over and before it finishes: the backups it took and
/// the configurations it wrote, as one commit (<see cref="JobArchive"/>), with the drift it found journaled first. The git
/// work runs on the thread pool and pipes back; <see cref="JobJournal.ConfigsArchived"/> makes a resumed job skip it.
/// </summary>
public sealed partial class JobOrchestrator
{
    private bool archiving;

    private void ArchiveCommands() => Command<JobArchive.Done>(done =>
    {
        if (done.Outcome.Error is { } error) log.Error("Job {JobId}: configurations not archived: {Error}", spec.JobId, error);
        var events = JobArchive.Events(done.Outcome, journal, HostsByName(), spec.JobId).ToList();
        foreach (var e in events.SkipLast(1))
        {
            var drift = (JobJournal.ConfigDrifted)e;
            log.Warning("Job {JobId}: {Device} drifted from {Expected} (changed by {User})", spec.JobId, drift.Device, drift.Expected, drift.ChangedBy ?? "unknown");
            Record(e);
        }

        Record(events[^1], () =>
        {
            archiving = false;
            FinishIfIdle();
        });
    });

    /// <summary>True while the commit is being made: the job finishes once it is journaled.</summary>
    private bool ArchiveStillOpen() =>
        archiving = archiving || JobArchive.Start(spec.Options.Configs, spec.Options.Check, journal, HostsByName(), spec.JobId,
            journal.Submitted?.User ?? spec.Options.User, Self);

    private Dictionary<string, Core.Inventory.Host> HostsByName() =>
        playHosts.SelectMany(h => h).DistinctBy(h => h.Name).ToDictionary(h => h.Name, StringComparer.Ordinal);
}

using Akka.Actor;
using NetFleet.Core.Results;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// The job's commit to the configuration archive, once its steps are over and before it finishes: the backups it took and
/// the configurations it wrote, as one commit, with the drift it found journaled first. The git work runs on the thread
/// pool and pipes back; <see cref="JobJournal.ConfigsArchived"/> makes a resumed job skip it.
/// </summary>
public sealed partial class JobOrchestrator
{
    private sealed record ArchiveDone(JobArchive.Outcome Outcome);

    private bool archiving;

    private void ArchiveCommands() => Command<ArchiveDone>(done =>
    {
        var outcome = done.Outcome;
        foreach (var drift in outcome.Drifts)
        {
            log.Warning("Job {JobId}: {Device} drifted from {Expected} (changed by {User})", spec.JobId, drift.Device, drift.Expected, drift.ChangedBy ?? "unknown");
            Record(drift);
        }

        if (outcome.Error is { } error) log.Error("Job {JobId}: configurations not archived: {Error}", spec.JobId, error);
        Record(new JobJournal.ConfigsArchived(spec.JobId, DateTimeOffset.UtcNow, outcome.Commit?.Commit?.Id,
            [.. JobArchive.Collect(journal, HostsByName()).Select(s => s.Device).Distinct()], outcome.Commit?.ChangedDevices ?? [],
            [.. outcome.Drifts.Select(d => d.Device).Distinct()], outcome.Error), () =>
        {
            archiving = false;
            FinishIfIdle();
        });
    });

    /// <summary>True while the commit is being made: the job finishes once it is journaled.</summary>
    private bool ArchiveStillOpen()
    {
        if (archiving) return true;
        if (spec.Options.Configs is not { } archive || spec.Options.Check || journal.Archived is not null) return false;
        var seen = JobArchive.Collect(journal, HostsByName());
        if (seen.Count == 0) return false;
        archiving = true;
        var (jobId, user, at) = (spec.JobId, journal.Submitted?.User ?? spec.Options.User, DateTimeOffset.UtcNow);
        System.Threading.Tasks.Task.Run(() => JobArchive.Commit(archive, jobId, user, seen, at)).PipeTo(Self,
            success: outcome => new ArchiveDone(outcome),
            failure: e => new ArchiveDone(new JobArchive.Outcome(null, [], e.Message)));
        return true;
    }

    private Dictionary<string, Core.Inventory.Host> HostsByName() =>
        playHosts.SelectMany(h => h).DistinctBy(h => h.Name).ToDictionary(h => h.Name, StringComparer.Ordinal);

    private ArchiveSummary? ArchiveSummary() =>
        journal.Archived is { } a ? new ArchiveSummary(a.Commit, a.Changed, a.Drifted, a.Error) : null;
}

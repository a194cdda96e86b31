using System.Globalization;
using System.Text.Json;
using NetFleet.Configs;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices.Platforms;

namespace NetFleet.Actors.Jobs;

/// <summary>
/// A job's one commit to the configuration archive, worked out from its journal: per device, the backups it took and the
/// configurations it wrote (a change's read-back), in the order they happened; the last of them is the device's file.
/// Each backup, and each change's pre-change read, is compared with what NetFleet last wrote or saw of the device (the
/// archive's version, or this job's own earlier change): a difference is drift. Pure apart from the archive's I/O, which
/// the caller runs off the actor's thread.
/// </summary>
internal static class JobArchive
{
    /// <summary>One configuration of a device the job saw, in the archive's form.</summary>
    /// <param name="Before">For a change: the configuration read just before it (null for a backup).</param>
    internal sealed record Seen(string Device, DateTimeOffset At, string Running, string? Startup, string? Before, string? ChangedBy,
        DateTimeOffset? ChangedAt);

    internal sealed record Outcome(CommitOutcome? Commit, IReadOnlyList<JobJournal.ConfigDrifted> Drifts, string? Error);

    /// <summary>The commit's outcome, piped back to the job actor that started it.</summary>
    internal sealed record Done(Outcome Outcome);

    /// <summary>Starts the job's commit on the thread pool (its outcome comes to <paramref name="self"/> as <see cref="Done"/>);
    /// false when there is nothing to commit: no archive, check mode, committed already, or nothing seen.</summary>
    public static bool Start(ConfigArchive? archive, bool check, JobJournal.State journal, IReadOnlyDictionary<string, Host> hosts, string jobId,
        string user, Akka.Actor.IActorRef self)
    {
        if (archive is null || check || journal.Archived is not null) return false;
        var seen = Collect(journal, hosts);
        if (seen.Count == 0) return false;
        var at = DateTimeOffset.UtcNow;
        Akka.Actor.PipeToSupport.PipeTo(Task.Run(() => Commit(archive, jobId, user, seen, at)), self,
            success: outcome => new Done(outcome), failure: e => new Done(new Outcome(null, [], e.Message)));
        return true;
    }

    /// <summary>What the job journals for its commit: the drift it found, then <see cref="JobJournal.ConfigsArchived"/> (last,
    /// so a resumed job that finds it journaled knows the drift is too).</summary>
    public static IEnumerable<JobJournal.IEvent> Events(Outcome outcome, JobJournal.State journal, IReadOnlyDictionary<string, Host> hosts, string jobId)
    {
        foreach (var drift in outcome.Drifts) yield return drift;
        yield return new JobJournal.ConfigsArchived(jobId, DateTimeOffset.UtcNow, outcome.Commit?.Commit?.Id,
            [.. Collect(journal, hosts).Select(s => s.Device).Distinct()], outcome.Commit?.ChangedDevices ?? [],
            [.. outcome.Drifts.Select(d => d.Device).Distinct()], outcome.Error);
    }

    public static Core.Results.ArchiveSummary? Summary(JobJournal.State journal) =>
        journal.Archived is { } a ? new Core.Results.ArchiveSummary(a.Commit, a.Changed, a.Drifted, a.Error) : null;

    /// <summary>What the journal says the job saw and wrote. A change is taken only when it went the way the device's backups
    /// go (CLI lines on a CLI host, a NETCONF edit on a NETCONF-only host): the other form does not compare with the archive.</summary>
    public static IReadOnlyList<Seen> Collect(JobJournal.State journal, IReadOnlyDictionary<string, Host> hosts)
    {
        var seen = new List<Seen>();
        foreach (var backup in journal.Finished.Values.Where(f => f.Module == BackupModule.ModuleName && !f.Failed && f.Data is { ValueKind: JsonValueKind.Object }))
        {
            var data = backup.Data!.Value;
            if (Text(data, BackupModule.RunningKey) is not { } running) continue;
            seen.Add(new Seen(backup.Device, backup.At, running, Text(data, BackupModule.StartupKey), null, Text(data, BackupModule.ChangedByKey),
                Text(data, BackupModule.ChangedAtKey) is { } at ? DateTimeOffset.Parse(at, CultureInfo.InvariantCulture) : null));
        }

        foreach (var change in journal.Written)
        {
            if (!hosts.TryGetValue(change.Device, out var host) || change.After.Length == 0) continue;
            var module = journal.Finished.TryGetValue(new JobJournal.StepKey(change.Device, change.PlayIndex, change.TaskIndex, change.ItemIndex), out var step)
                ? step.Module : null;
            // A rollback reads back the way the change it takes back went: the host's own way unless that was a NETCONF edit
            // of a CLI host, which is rare enough to leave to the next backup.
            var netconf = module == NetconfConfigModule.ModuleName || (module != ConfigModule.ModuleName && host.NetconfOnly);
            if (netconf != host.NetconfOnly) continue;
            var platform = PlatformCatalog.Find(host.Platform ?? "");
            if (!host.NetconfOnly && platform is null) continue;
            string Form(string text) => platform?.Normalise(text).Text ?? text;
            seen.Add(new Seen(change.Device, change.At, Form(change.After), null, Form(change.Before), null, null));
        }

        return [.. seen.OrderBy(s => s.At)];
    }

    /// <summary>Compares and commits; a job already in the archive (a resume after the commit) is not compared again.</summary>
    public static Outcome Commit(ConfigArchive archive, string jobId, string user, IReadOnlyList<Seen> seen, DateTimeOffset at)
    {
        try
        {
            if (archive.ExistingCommit(jobId) is { } existing) return new Outcome(existing, [], null);

            var drifts = new List<JobJournal.ConfigDrifted>();
            var files = new List<ConfigFile>();
            var (head, latest) = archive.LatestOf(seen.Select(s => s.Device).Distinct());
            foreach (var device in seen.GroupBy(s => s.Device, StringComparer.Ordinal))
            {
                var expected = latest.GetValueOrDefault(device.Key);
                var expectedFrom = expected is null ? null : "archive " + head![..10];
                string? startup = null;
                foreach (var s in device)
                {
                    var found = s.Before ?? s.Running;
                    if (expected is not null && expectedFrom is not null && found != expected)
                    {
                        drifts.Add(new JobJournal.ConfigDrifted(jobId, at, device.Key,
                            UnifiedDiff.Create(expected, found, $"expected ({expectedFrom})", s.Before is null ? "backup" : "before the change"),
                            s.ChangedBy, s.ChangedAt, expectedFrom, s.Before is null ? "backup" : "pre-change"));
                    }

                    expected = s.Running;
                    expectedFrom = s.Before is null ? $"backup in job {jobId}" : $"written by job {jobId}";
                    startup = s.Startup ?? startup;
                }

                files.Add(new ConfigFile(device.Key, ConfigKind.Running, expected!));
                if (startup is not null) files.Add(new ConfigFile(device.Key, ConfigKind.Startup, startup));
            }

            var backups = seen.Where(s => s.Before is null).Select(s => s.Device).Distinct().Count();
            var written = seen.Where(s => s.Before is not null).Select(s => s.Device).Distinct().Count();
            var summary = string.Join(", ", new[]
            {
                backups > 0 ? $"backup of {backups} device(s)" : null, written > 0 ? $"{written} device(s) changed by NetFleet" : null,
                drifts.Count > 0 ? $"drift on {drifts.Select(d => d.Device).Distinct().Count()}" : null,
            }.Where(p => p is not null)) + $" (job {jobId}, {user})";
            return new Outcome(archive.Commit(jobId, user, at, files, summary), drifts, null);
        }
        catch (Exception e) when (e is LibGit2Sharp.LibGit2SharpException or IOException or UnauthorizedAccessException)
        {
            return new Outcome(null, [], $"configuration archive {archive.Path}: {e.Message}");
        }
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

using System.Globalization;
using LibGit2Sharp;

namespace NetFleet.Configs;

/// <summary>Where the archive lives and where it is pushed: <c>--configs PATH</c> over <c>NETFLEET_CONFIGS</c> over
/// <see cref="DefaultPath"/> (beside the default SQLite store); <c>--configs-remote URL|PATH</c> over
/// <c>NETFLEET_CONFIGS_REMOTE</c>, none by default.</summary>
public sealed record ConfigArchiveSettings(string Path, string? Remote)
{
    public const string DefaultPath = ".netfleet/configs";
    public const string PathVariable = "NETFLEET_CONFIGS";
    public const string RemoteVariable = "NETFLEET_CONFIGS_REMOTE";

    public static ConfigArchiveSettings Resolve(string? path, string? remote) => new(
        System.IO.Path.GetFullPath(Pick(path, PathVariable) ?? DefaultPath), Pick(remote, RemoteVariable));

    private static string? Pick(string? given, string variable) =>
        !string.IsNullOrWhiteSpace(given) ? given : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } env ? env : null;
}

/// <summary>One file of a device in the archive: its running configuration, or its startup one.</summary>
public sealed record ConfigFile(string Device, ConfigKind Kind, string Text)
{
    public string FileName => ArchiveFiles.Name(Device, Kind);
}

public enum ConfigKind
{
    Running,
    Startup,
}

/// <summary>A commit of the archive: which job made it, for whom and when.</summary>
public sealed record ArchiveCommit(string Id, string? JobId, string User, DateTimeOffset At, string Message);

/// <summary>What a job's commit did: the commit (null when nothing differed from the archive) and the devices whose files
/// changed. <paramref name="Existing"/> is true when the job had been committed already (a resumed job).</summary>
public sealed record CommitOutcome(ArchiveCommit? Commit, IReadOnlyList<string> ChangedDevices, bool Existing);

internal static class ArchiveFiles
{
    public static string Name(string device, ConfigKind kind) => Safe(device) + (kind == ConfigKind.Startup ? ".startup.cfg" : ".cfg");

    /// <summary>The inventory allows any text as a host's name, so a name is percent-encoded outside letters, digits, '-',
    /// '_' and a '.' that is not first: no name can leave the repository (<c>../x</c>), reach into <c>.git</c> or hide
    /// as a dotfile, and ordinary names stay as they are.</summary>
    private static string Safe(string device)
    {
        var name = new System.Text.StringBuilder(device.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in device.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '-' or '_' || (rune.Value == '.' && name.Length > 0)))
            {
                name.Append((char)rune.Value);
                continue;
            }

            foreach (var b in bytes[..rune.EncodeToUtf8(bytes)]) name.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return name.ToString();
    }
}

/// <summary>
/// Device configurations in a git repository: one file per device (<c>DEVICE.cfg</c>, and <c>DEVICE.startup.cfg</c> where
/// the platform has a startup configuration), one commit per job whose message names the job and whose author is the
/// job's user. LibGit2Sharp 0.32 (libgit2 through its native binaries) loads on these machines, so git runs in-process
/// and no <c>git</c> executable is needed. The repository is used one operation at a time (libgit2 repositories are not
/// thread-safe); every call is synchronous I/O, for callers to run off their own threads.
/// </summary>
public sealed class ConfigArchive
{
    /// <summary>The trailer that names the job in a commit message: how a resumed job finds its commit.</summary>
    public const string JobTrailer = "NetFleet-Job: ";

    private const string DevicesTrailer = "Devices: ";

    private readonly Lock gate = new();

    public ConfigArchive(ConfigArchiveSettings settings)
    {
        Settings = settings;
    }

    public ConfigArchiveSettings Settings { get; }

    public string Path => Settings.Path;

    /// <summary>Commits <paramref name="files"/> as the job's one commit (files equal to the archive's are left alone), then
    /// pushes when a remote is set. A job committed before is not committed again: its commit is returned.</summary>
    public CommitOutcome Commit(string jobId, string user, DateTimeOffset at, IReadOnlyList<ConfigFile> files, string summary)
    {
        lock (gate)
        {
            using var repo = OpenOrCreate();
            if (Existing(repo, jobId) is { } existing) return existing;

            var changed = new SortedSet<string>(StringComparer.Ordinal);
            var staged = new List<string>();
            foreach (var file in files)
            {
                // Compared with the last commit, not the working tree: a process that died between writing and committing
                // left files that are not in the archive yet.
                if (repo.Head.Tip is { } tip && Content(tip, file.FileName) == file.Text) continue;
                File.WriteAllText(System.IO.Path.Combine(repo.Info.WorkingDirectory, file.FileName), file.Text);
                staged.Add(file.FileName);
                changed.Add(file.Device);
            }

            if (changed.Count == 0) return new CommitOutcome(null, [], Existing: false);
            Commands.Stage(repo, staged);
            var signature = new Signature(user, user + "@netfleet", at);
            var message = $"{summary}\n\n{JobTrailer}{jobId}\nNetFleet-User: {user}\n{DevicesTrailer}{string.Join(' ', changed)}\n";
            var commit = repo.Commit(message, signature, new Signature("netfleet", "netfleet@netfleet", at));
            Push(repo);
            return new CommitOutcome(ToCommit(commit), [.. changed], Existing: false);
        }
    }

    /// <summary>The device's file as the last commit holds it; null when the archive has none.</summary>
    public string? Latest(string device, ConfigKind kind = ConfigKind.Running)
    {
        lock (gate)
        {
            if (!Repository.IsValid(Path)) return null;
            using var repo = new Repository(Path);
            return repo.Head.Tip is { } tip ? Content(tip, ArchiveFiles.Name(device, kind)) : null;
        }
    }

    /// <summary>The last commit's id and the running configuration it holds of each of <paramref name="devices"/> it has, read
    /// with the repository opened once.</summary>
    public (string? Head, IReadOnlyDictionary<string, string> Running) LatestOf(IEnumerable<string> devices)
    {
        lock (gate)
        {
            if (!Repository.IsValid(Path)) return (null, new Dictionary<string, string>());
            using var repo = new Repository(Path);
            if (repo.Head.Tip is not { } tip) return (null, new Dictionary<string, string>());
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var device in devices)
            {
                if (Content(tip, ArchiveFiles.Name(device, ConfigKind.Running)) is { } text) files[device] = text;
            }

            return (tip.Sha, files);
        }
    }

    /// <summary>The commits that changed the device's running configuration, newest first.</summary>
    public IReadOnlyList<ArchiveCommit> Log(string device)
    {
        lock (gate)
        {
            if (!Repository.IsValid(Path)) return [];
            using var repo = new Repository(Path);
            if (repo.Head.Tip is null) return [];
            return [.. repo.Commits.QueryBy(ArchiveFiles.Name(device, ConfigKind.Running)).Select(e => ToCommit(e.Commit))];
        }
    }

    /// <summary>The device's file at <paramref name="revision"/>: a job id, a commit id (or its prefix), or a date/time (the
    /// last version at or before it); the latest version when null. Throws <see cref="ArchiveLookupException"/> saying what is
    /// missing.</summary>
    public (ArchiveCommit Commit, string Text) Show(string device, string? revision, ConfigKind kind = ConfigKind.Running)
    {
        lock (gate)
        {
            using var repo = OpenExisting();
            var name = ArchiveFiles.Name(device, kind);
            var commit = revision is null ? LatestTouching(repo, name, DateTimeOffset.MaxValue) : Resolve(repo, device, name, revision);
            if (commit is null)
            {
                throw new ArchiveLookupException($"{device}: no configuration in the archive {Path}"
                    + (revision is null ? "; back it up first (netfleet backup --limit " + device + ")" : $" at {revision}"));
            }

            // A job or commit that did not touch the device shows the device's configuration as it stood then.
            var text = Content(commit, name) ?? (LatestTouching(repo, name, commit.Author.When) is { } before ? Content(before, name) : null)
                ?? throw new ArchiveLookupException($"{device}: the archive holds no configuration of it at or before {revision} ({commit.Sha[..10]})");
            return (ToCommit(commit), text);
        }
    }

    /// <summary>A unified diff of the device's file between two revisions (as <see cref="Show"/> takes them); empty when equal.</summary>
    public string Diff(string device, string from, string? to, ConfigKind kind = ConfigKind.Running)
    {
        var (a, before) = Show(device, from, kind);
        var (b, after) = Show(device, to, kind);
        var name = ArchiveFiles.Name(device, kind);
        return UnifiedDiff.Create(before, after, $"a/{name} ({a.Id[..10]}{(a.JobId is { } ja ? ", job " + ja : "")})",
            $"b/{name} ({b.Id[..10]}{(b.JobId is { } jb ? ", job " + jb : "")})");
    }

    /// <summary>Whether a job's commit is in the archive.</summary>
    public ArchiveCommit? CommitOfJob(string jobId) => ExistingCommit(jobId)?.Commit;

    /// <summary>What <see cref="Commit"/> returns for a job committed before (<see cref="CommitOutcome.Existing"/>), or null
    /// when the archive has no commit of the job.</summary>
    public CommitOutcome? ExistingCommit(string jobId)
    {
        lock (gate)
        {
            if (!Repository.IsValid(Path)) return null;
            using var repo = new Repository(Path);
            return Existing(repo, jobId);
        }
    }

    private static CommitOutcome? Existing(Repository repo, string jobId)
    {
        if (FindJob(repo, jobId) is not { } commit) return null;
        var devices = commit.Message.Split('\n').FirstOrDefault(l => l.StartsWith(DevicesTrailer, StringComparison.Ordinal))?[DevicesTrailer.Length..];
        return new CommitOutcome(ToCommit(commit), devices?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [], Existing: true);
    }

    private Repository OpenOrCreate()
    {
        if (!Repository.IsValid(Path))
        {
            Directory.CreateDirectory(Path);
            Repository.Init(Path);
        }

        return new Repository(Path);
    }

    private Repository OpenExisting() =>
        Repository.IsValid(Path) ? new Repository(Path)
            : throw new ArchiveLookupException($"no configuration archive at {Path}: run 'netfleet backup' first, or point --configs at it");

    private void Push(Repository repo)
    {
        if (Settings.Remote is not { } url) return;
        var remote = repo.Network.Remotes["origin"];
        if (remote is null) remote = repo.Network.Remotes.Add("origin", url);
        else if (remote.Url != url) repo.Network.Remotes.Update("origin", r => r.Url = url);
        repo.Network.Push(repo.Network.Remotes["origin"], repo.Head.CanonicalName + ":" + repo.Head.CanonicalName, new PushOptions());
    }

    private static Commit? FindJob(Repository repo, string jobId)
    {
        if (repo.Head.Tip is null) return null;
        var trailer = JobTrailer + jobId + "\n";
        return repo.Commits.FirstOrDefault(c => c.Message.Contains(trailer, StringComparison.Ordinal));
    }

    private static Commit? Resolve(Repository repo, string device, string name, string revision)
    {
        if (FindJob(repo, revision) is { } byJob) return byJob;
        if (revision.Length >= 4 && revision.All(Uri.IsHexDigit) && repo.Lookup<Commit>(revision) is { } byId) return byId;
        if (DateTimeOffset.TryParse(revision, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return LatestTouching(repo, name, at.Date == at.DateTime && at.TimeOfDay == TimeSpan.Zero && !revision.Contains(':', StringComparison.Ordinal)
                ? at.AddDays(1).AddTicks(-1) : at);
        }

        throw new ArchiveLookupException($"{device}: '{revision}' is not a job id, a commit or a date in the archive {repo.Info.WorkingDirectory}"
            + " (see netfleet configs log " + device + ")");
    }

    private static Commit? LatestTouching(Repository repo, string name, DateTimeOffset notAfter) =>
        repo.Head.Tip is null ? null
            : repo.Commits.QueryBy(name).Select(e => e.Commit).FirstOrDefault(c => c.Author.When <= notAfter);

    private static string? Content(Commit commit, string name) => commit[name]?.Target is Blob blob ? blob.GetContentText() : null;

    private static ArchiveCommit ToCommit(Commit c)
    {
        var job = c.Message.Split('\n').FirstOrDefault(l => l.StartsWith(JobTrailer, StringComparison.Ordinal))?[JobTrailer.Length..].Trim();
        return new ArchiveCommit(c.Sha, job, c.Author.Name, c.Author.When, c.MessageShort);
    }
}

/// <summary>A device, job, commit or date the archive does not hold; the message says which and what to do.</summary>
public sealed class ArchiveLookupException(string message) : Exception(message);

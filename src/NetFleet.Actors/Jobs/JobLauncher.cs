using Akka.Actor;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;

namespace NetFleet.Actors.Jobs;

/// <summary>What a user asks to run: a playbook (read from <paramref name="PlaybookPath"/> unless its text came with the
/// request, as from the API) against the inventory folder in <see cref="JobOptions.InventoryPath"/>.</summary>
public sealed record JobRequest(string PlaybookPath, JobOptions Options)
{
    public string? PlaybookText { get; init; }
}

/// <summary>A job ready to start: the submission the journal records first (with the playbook's text and hash), and the
/// playbook and inventory it runs on. A rollback has no playbook.</summary>
public sealed record PreparedJob(JobJournal.JobSubmitted Submission, Playbook? Playbook, Inventory Inventory)
{
    public string JobId => Submission.JobId;
}

/// <summary>
/// The one way a job starts, whoever asks: <c>run</c>, <c>jobs resume</c>, <c>rollback</c> (CLI and API), the API's
/// submit and the <see cref="JobManager"/>. It reads the playbook once, hashes it once, checks it with its inventory
/// (diagnostics at file:line:col), and starts the job's actor with everything it needs.
/// </summary>
public static class JobLauncher
{
    public static string NewJobId() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>Reads and checks a new job's playbook and inventory; the job, or the check that refused it.</summary>
    public static async Task<(PreparedJob? Job, PlaybookCheck Check)> PrepareAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var options = request.Options;
        var inventoryPath = options.InventoryPath ?? throw new ArgumentException("a job needs an inventory folder", nameof(request));
        var text = request.PlaybookText ?? await File.ReadAllTextAsync(request.PlaybookPath, cancellationToken).ConfigureAwait(false);
        // Problems name the files as the user would (relative to where the command runs); the job records full paths.
        var check = PlaybookValidator.Check(Shown(request.PlaybookPath), text, Shown(inventoryPath));
        if (check.HasErrors) return (null, check);

        var submitted = await SubmissionAsync(request.PlaybookPath, text, options, cancellationToken).ConfigureAwait(false);
        return (new PreparedJob(submitted, check.Playbook, check.Inventory!), check);
    }

    private static string Shown(string path) => Path.IsPathRooted(path) ? Path.GetRelativePath(Environment.CurrentDirectory, path) : path;

    /// <summary>A recorded submission taken up again (a resume, a failover, the job manager accepting it): the playbook from
    /// the text the journal holds, so the node need not have the file; the inventory from its folder.</summary>
    public static (PreparedJob? Job, string? Error) Load(JobJournal.JobSubmitted submitted)
    {
        if (submitted.InventoryPath is not { } inventoryPath) return (null, "the job names no inventory");
        if (submitted.RollbackOf is not null)
        {
            var inventory = InventoryLoader.Load(inventoryPath);
            return inventory.Inventory is { } loaded
                ? (new PreparedJob(submitted, null, loaded), null)
                : (null, $"its inventory ({inventoryPath}) cannot be loaded:\n" + Core.Diagnostics.DiagnosticFormatter.FormatAll(inventory.Diagnostics));
        }

        // Jobs recorded before the journal kept the playbook's text are read from its file.
        var check = PlaybookValidator.Check(submitted.PlaybookPath, submitted.PlaybookText is { Length: > 0 } text ? text : null, inventoryPath);
        return check.HasErrors ? (null, check.Report) : (new PreparedJob(submitted, check.Playbook, check.Inventory!), null);
    }

    /// <summary>The rollback of the finished job <paramref name="of"/> recorded, as a job of its own on the same inventory.</summary>
    public static (PreparedJob? Job, string? Error) Rollback(JobJournal.JobSubmitted of, JobOptions options)
    {
        var submitted = new JobJournal.JobSubmitted(options.JobId ?? NewJobId(), DateTimeOffset.UtcNow, options.User, $"rollback of job {of.JobId}",
            "", "", of.InventoryPath, of.InventoryHash, new Dictionary<string, string>(), [], 0, null, false, null, of.TrustNewHostKeys,
            of.KnownHostsPath) { RollbackOf = of.JobId };
        return Load(submitted);
    }

    /// <summary>In-process callers that loaded the playbook themselves (tests, the benchmark): the submission is made from
    /// the playbook's file as it is.</summary>
    public static async Task<PreparedJob> FromLoadedAsync(string playbookPath, Playbook playbook, Inventory inventory, JobOptions options,
        CancellationToken cancellationToken)
    {
        var text = File.Exists(playbookPath) ? await File.ReadAllTextAsync(playbookPath, cancellationToken).ConfigureAwait(false) : "";
        return new PreparedJob(await SubmissionAsync(playbookPath, text, options, cancellationToken).ConfigureAwait(false), playbook, inventory);
    }

    /// <summary>What the journal records first: the playbook's text and hash, the inventory's file names with each file's hash.</summary>
    private static async Task<JobJournal.JobSubmitted> SubmissionAsync(string playbookPath, string text, JobOptions options,
        CancellationToken cancellationToken)
    {
        var files = options.InventoryPath is { } dir ? await JobSubmission.InventoryFilesAsync(dir, cancellationToken).ConfigureAwait(false)
            : new Dictionary<string, string>();
        return new JobJournal.JobSubmitted(options.JobId ?? NewJobId(), DateTimeOffset.UtcNow, options.User, playbookPath,
            JobSubmission.Hash(text), text, options.InventoryPath, options.InventoryPath is null ? null : JobSubmission.Hash(files),
            files.ToDictionary(f => f.Key, f => JobSubmission.Hash(f.Value), StringComparer.Ordinal), [], 0, options.Limit, options.Check,
            options.Forks, options.TrustNewHostKeys, options.KnownHostsPath);
    }

    /// <summary>Starts the job's actor (a <see cref="JobOrchestrator"/>, or a <see cref="JobRollback"/>) as
    /// <c>job-ID</c> under <paramref name="parent"/>, whose supervision restarts it after a crash: it reads its journal
    /// again and goes on. A job already in the journal resumes by itself; <paramref name="resume"/> insists on it.</summary>
    /// <param name="options">How it runs; for a recorded job, <see cref="JobOptions.Resuming"/> of its submission.</param>
    /// <param name="devices">Where device requests go: the device registry, or a router to the cluster's shards.</param>
    public static IActorRef Start(IActorRefFactory parent, PreparedJob job, JobOptions options, IActorRef devices, Action<JobEvent> onEvent,
        TaskCompletionSource<JobSummary> completion, Serilog.ILogger log, bool resume = false)
    {
        var props = job.Playbook is { } playbook
            ? JobOrchestrator.Props(new JobProtocol.JobSpec(job.JobId, playbook, job.Inventory, options, devices, onEvent, completion,
                job.Submission, resume), log)
            : JobRollback.Props(new JobRollback.RollbackSpec(job.Submission, job.Inventory, options, devices, onEvent, completion), log);
        return parent.ActorOf(props, "job-" + job.JobId);
    }
}

/// <summary>Where a job actor's device request ids start.</summary>
internal static class DeviceRequestIds
{
    /// <summary>A random multiple of 2^32: two incarnations share ids only if they draw the same one (1 in 2^31).</summary>
    public static long Start() => Random.Shared.NextInt64(1, int.MaxValue) << 32;
}

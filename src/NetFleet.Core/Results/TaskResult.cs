namespace NetFleet.Core.Results;

/// <summary>How one task ended on one device, in Ansible's terms.</summary>
public enum TaskOutcome
{
    Ok,
    Changed,
    Failed,
    Unreachable,
    Skipped,
}

/// <summary>
/// One task's result on one device (one entry per loop item). The same fields go to every export
/// format (JSON, CSV, XML) and, later, to the job history.
/// </summary>
public sealed record TaskResult(
    string JobId,
    string Device,
    int PlayIndex,
    int TaskIndex,
    string Task,
    string Module,
    TaskOutcome Outcome,
    DateTimeOffset StartedAt,
    TimeSpan Duration)
{
    public bool Changed => Outcome == TaskOutcome.Changed;

    /// <summary>What the device printed (command output), or the module's message.</summary>
    public string? Output { get; init; }

    /// <summary>Structured data: parsed records, registered facts (plain JSON-like values).</summary>
    public object? Parsed { get; init; }

    /// <summary>The configuration diff a config task made (or would make, in check mode).</summary>
    public string? Diff { get; init; }

    /// <summary>Why the task failed or was skipped, in the device's or module's own words.</summary>
    public string? Message { get; init; }

    /// <summary>The loop item this result is for, rendered as text; null outside loops.</summary>
    public string? Item { get; init; }

    /// <summary>A failure the task's <c>ignore_errors</c> let pass: the host went on (Ansible's "ignored").</summary>
    public bool Ignored { get; init; }

    /// <summary>How a configuration change was protected (replace, merge, none); null for other tasks and for
    /// changes that turned out to be there already.</summary>
    public string? Transaction { get; init; }
}

/// <summary>Ansible's recap line for one host.</summary>
public sealed record HostRecap(string Device, int Ok, int Changed, int Failed, int Unreachable, int Skipped)
{
    public bool HasFailures => Failed > 0 || Unreachable > 0;

    /// <summary>The transaction strategies the host's configuration changes used, comma-separated in order of first use
    /// (a string, so recaps still compare by value); empty when none changed anything.</summary>
    public string Transactions { get; init; } = "";

    public static IReadOnlyList<HostRecap> From(IEnumerable<TaskResult> results, IEnumerable<string> devices)
    {
        var byDevice = results.GroupBy(r => r.Device).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return devices.Select(d =>
        {
            var rs = byDevice.GetValueOrDefault(d) ?? [];
            int Count(TaskOutcome o) => rs.Count(r => r.Outcome == o && !r.Ignored);
            return new HostRecap(d, Count(TaskOutcome.Ok), Count(TaskOutcome.Changed), Count(TaskOutcome.Failed),
                Count(TaskOutcome.Unreachable), Count(TaskOutcome.Skipped))
            {
                Transactions = string.Join(',', rs.Select(r => r.Transaction).OfType<string>().Distinct(StringComparer.Ordinal)),
            };
        }).ToList();
    }
}

/// <summary>How a whole job ended.</summary>
public enum JobOutcome
{
    Succeeded,
    Failed,
    /// <summary>Stopped early: max_fail_percentage exceeded or any_errors_fatal.</summary>
    Halted,
    Cancelled,
}

/// <summary>Everything a finished job produced.</summary>
public sealed record JobSummary(
    string JobId,
    JobOutcome Outcome,
    IReadOnlyList<TaskResult> Results,
    IReadOnlyList<HostRecap> Recap,
    DateTimeOffset StartedAt,
    TimeSpan Duration)
{
    public string? HaltReason { get; init; }

    /// <summary>What the job wrote to the configuration archive, when it backed up or changed configurations.</summary>
    public ArchiveSummary? Archive { get; init; }
}

/// <summary>A job's commit to the configuration archive: the commit (null when nothing differed), the devices whose files
/// changed, the devices that drifted, or why the commit failed.</summary>
public sealed record ArchiveSummary(string? Commit, IReadOnlyList<string> Changed, IReadOnlyList<string> Drifted, string? Error);

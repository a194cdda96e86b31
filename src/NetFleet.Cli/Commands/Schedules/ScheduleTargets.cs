namespace NetFleet.Cli.Commands;

/// <summary>What a schedule runs, from the TARGET of <c>schedule add</c>: the one place that turns it into a playbook.</summary>
internal static class ScheduleTargets
{
    /// <summary>The words that name a built-in job rather than a playbook file.</summary>
    public static readonly IReadOnlyList<string> BuiltIns = ["backup", "compliance"];

    /// <summary>The playbook's label (its full path) and text, or why the target cannot be scheduled.</summary>
    public static async Task<(string? Label, string? Text, string? Error)> ResolveAsync(string target, CancellationToken ct)
    {
        if (BuiltIns.Contains(target, StringComparer.Ordinal))
        {
            return (null, null, $"{target}: scheduling the built-in {target} job is not available in this build yet; " +
                "schedule a playbook file that runs it instead");
        }

        var file = new FileInfo(target);
        if (!file.Exists) return (null, null, $"{file.FullName}: no such playbook file (TARGET is a playbook path, or one of: {string.Join(", ", BuiltIns)})");
        return (file.FullName, await File.ReadAllTextAsync(file.FullName, ct), null);
    }
}

using NetFleet.Core.Playbooks;

namespace NetFleet.Cli.Commands;

/// <summary>What a schedule runs, from the TARGET of <c>schedule add</c>: the one place that turns it into a playbook.</summary>
internal static class ScheduleTargets
{
    public const string Backup = "backup";
    public const string Compliance = "compliance";

    /// <summary>The words that name a built-in job rather than a playbook file.</summary>
    public static readonly IReadOnlyList<string> BuiltIns = [Backup, Compliance];

    /// <summary>The playbook's label (its full path, or the built-in's name) and text, or why the target cannot be
    /// scheduled. <paramref name="rulesPath"/> is the compliance rules file or folder, as the orchestrator nodes see it.</summary>
    public static async Task<(string? Label, string? Text, string? Error)> ResolveAsync(string target, string rulesPath, CancellationToken ct)
    {
        switch (target)
        {
            case Backup:
                return (BuiltInPlaybooks.PathOf(Backup), BuiltInPlaybooks.Backup, null);
            case Compliance:
                var rules = Path.GetFullPath(rulesPath);
                return File.Exists(rules) || Directory.Exists(rules)
                    ? (BuiltInPlaybooks.PathOf(Compliance), BuiltInPlaybooks.Compliance(rules), null)
                    : (null, null, $"{rules}: no such compliance rules file or folder (--rules)");
        }

        var file = new FileInfo(target);
        if (!file.Exists) return (null, null, $"{file.FullName}: no such playbook file (TARGET is a playbook path, or one of: {string.Join(", ", BuiltIns)})");
        return (file.FullName, await File.ReadAllTextAsync(file.FullName, ct), null);
    }
}

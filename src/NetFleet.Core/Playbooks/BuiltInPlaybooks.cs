namespace NetFleet.Core.Playbooks;

/// <summary>Playbooks NetFleet runs by name (<c>netfleet backup</c>, schedules of <c>backup</c>): their text in one place.</summary>
public static class BuiltInPlaybooks
{
    /// <summary>The path a built-in playbook is recorded under in the journal, in place of a file.</summary>
    public static string PathOf(string name) => $"(built-in {name})";

    /// <summary>Every host's configuration to the archive: one <c>backup</c> task, one commit for the job.</summary>
    public const string Backup = """
        - name: back up configurations
          hosts: all
          tasks:
            - name: backup
              backup:
        """;
}

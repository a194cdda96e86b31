namespace NetFleet.Core.Playbooks;

/// <summary>Playbooks NetFleet runs by name (<c>netfleet backup</c>, <c>netfleet compliance run</c>, and schedules of them): their text in one place.</summary>
public static partial class BuiltInPlaybooks
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

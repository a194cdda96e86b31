using System.CommandLine;
using NetFleet.Cli.Output;
using NetFleet.Configs;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet configs log|show|diff DEVICE</c>: reading the configuration archive. Revisions are job ids, commit
/// ids (or a prefix) or dates; unknown ones are errors that say what the archive holds instead.</summary>
internal static class ConfigsCommands
{
    private const string RevisionHelp = "a job id, a commit id (or its first characters), or a date/time (the last version at or before it; a bare date means that whole day)";

    public static Command Create()
    {
        var command = new Command("configs", """
            Read the configuration archive that 'netfleet backup' and configuration jobs commit to (a git
            repository: one file per device, one commit per job). log lists a device's versions, show prints
            one, diff compares two; any git tool reads the same repository.
            """);
        command.Subcommands.Add(Log());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Diff());
        return command;
    }

    private static Command Log()
    {
        var device = new Argument<string>("device") { Description = "The device's inventory name" };
        var output = JobsCommands.OutputOption("table: commit, time (local), job, user, message");
        var configs = ConfigsOptions.Path();
        var command = new Command("log", "The versions of a device's running configuration in the archive, newest first") { device, output, configs };
        command.SetAction(parse => Guard(() =>
        {
            var name = parse.GetValue(device)!;
            var archive = ConfigsOptions.Archive(parse.GetValue(configs), null);
            var log = archive.Log(name);
            if (log.Count == 0) throw new ArchiveLookupException($"{name}: no configuration in the archive {archive.Path}; back it up first (netfleet backup --limit {name})");
            var format = parse.GetValue(output)!;
            if (JobsCommands.IsTable(format))
            {
                var table = new TextTable(new("commit"), new("at"), new("job"), new("user"), new("message"));
                foreach (var c in log) table.Add([c.Id[..12], Cells.Time(c.At), c.JobId ?? "", c.User, c.Message]);
                table.WriteToOutput();
            }
            else
            {
                RowExport.Write(format, "version", ["commit", "at", "job_id", "user", "message"],
                    log.Select(c => (IReadOnlyList<object?>)[c.Id, c.At, c.JobId, c.User, c.Message]));
            }
        }));
        return command;
    }

    private static Command Show()
    {
        var device = new Argument<string>("device") { Description = "The device's inventory name" };
        var at = new Option<string?>("--at") { Description = "Which version: " + RevisionHelp + "; the latest when left out" };
        var startup = new Option<bool>("--startup") { Description = "The startup configuration instead of the running one" };
        var configs = ConfigsOptions.Path();
        var command = new Command("show", "A device's configuration as the archive holds it, latest or at a job, commit or date") { device, at, startup, configs };
        command.SetAction(parse => Guard(() =>
        {
            var archive = ConfigsOptions.Archive(parse.GetValue(configs), null);
            var (commit, text) = archive.Show(parse.GetValue(device)!, parse.GetValue(at), parse.GetValue(startup) ? ConfigKind.Startup : ConfigKind.Running);
            Console.Error.WriteLine($"# commit {commit.Id[..12]}, job {commit.JobId ?? "-"}, {commit.User}, {commit.At:u}");
            Console.Write(text);
        }));
        return command;
    }

    private static Command Diff()
    {
        var device = new Argument<string>("device") { Description = "The device's inventory name" };
        var from = new Option<string>("--from") { Description = "The older version: " + RevisionHelp, Required = true };
        var to = new Option<string?>("--to") { Description = "The newer version (same forms); the latest when left out" };
        var startup = new Option<bool>("--startup") { Description = "Compare the startup configurations instead of the running ones" };
        var configs = ConfigsOptions.Path();
        var command = new Command("diff", "A unified diff of a device's configuration between two versions in the archive (exit 1 when they differ)")
        {
            device, from, to, startup, configs,
        };
        command.SetAction(parse => Guard(() =>
        {
            var archive = ConfigsOptions.Archive(parse.GetValue(configs), null);
            var diff = archive.Diff(parse.GetValue(device)!, parse.GetValue(from)!, parse.GetValue(to), parse.GetValue(startup) ? ConfigKind.Startup : ConfigKind.Running);
            Console.Write(diff);
            return diff.Length == 0 ? 0 : 1;
        }));
        return command;
    }

    private static int Guard(Action read) => Guard(() =>
    {
        read();
        return 0;
    });

    /// <summary>A lookup the archive cannot answer is the user's error: its message, exit 2, no stack trace.</summary>
    private static int Guard(Func<int> read)
    {
        try
        {
            return read();
        }
        catch (ArchiveLookupException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}

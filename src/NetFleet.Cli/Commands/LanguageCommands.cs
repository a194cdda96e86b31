using System.CommandLine;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet validate</c> and <c>netfleet schema</c>: the playbook language without a device.</summary>
internal static class LanguageCommands
{
    public static Command Validate()
    {
        var playbook = new Argument<FileInfo>("playbook") { Description = "The playbook (YAML) to check" };
        var inventory = new Option<DirectoryInfo?>("--inventory", "-i")
        {
            Description = "Inventory folder (hosts.yaml, groups.yaml, defaults.yaml) to check host selections against",
        };
        var command = new Command("validate", """
            Check a playbook without connecting to anything: YAML syntax, plays, tasks and module
            arguments, templates and `when` expressions, and (with -i) host selections and the
            inventory itself. Every problem is reported at once as FILE:LINE:COLUMN. Exit code 1
            when there is an error.
            """) { playbook, inventory };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(playbook)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"{file.FullName}: no such playbook file");
                return 2;
            }

            var inventoryDir = parse.GetValue(inventory);
            if (inventoryDir is { Exists: false })
            {
                Console.Error.WriteLine($"{inventoryDir.FullName}: no such inventory folder");
                return 2;
            }

            var diagnostics = PlaybookValidator.Validate(Path.GetRelativePath(Environment.CurrentDirectory, file.FullName),
                inventoryDir is null ? null : Path.GetRelativePath(Environment.CurrentDirectory, inventoryDir.FullName));
            if (diagnostics.Count > 0)
            {
                Console.Error.WriteLine(DiagnosticFormatter.FormatAll(diagnostics));
            }

            var summary = DiagnosticFormatter.Summary(diagnostics);
            if (diagnostics.Any(d => d.IsError))
            {
                Console.Error.WriteLine(summary);
                return 1;
            }

            Console.WriteLine($"{file.Name}: valid ({summary})");
            return 0;
        });
        return command;
    }

    public static Command Schema()
    {
        var command = new Command("schema", """
            Print the JSON Schema (draft 2020-12) of the playbook format, for editors to validate and
            complete playbooks, e.g. with the YAML language server:
              # yaml-language-server: $schema=./netfleet-playbook.schema.json
            """);
        command.SetAction(_ =>
        {
            Console.WriteLine(PlaybookSchema.Generate());
            return 0;
        });
        return command;
    }
}

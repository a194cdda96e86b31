using System.CommandLine;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;

namespace NetFleet.Cli.Commands;

internal sealed record ValidateOptions(FileInfo Playbook, DirectoryInfo? Inventory);

/// <summary><c>netfleet validate PLAYBOOK</c>: the playbook checked without a device.</summary>
internal sealed class ValidateHandler
{
    public static Command Command()
    {
        var playbook = new Argument<FileInfo>("playbook") { Description = "The playbook (YAML) to check" };
        var inventory = new Option<DirectoryInfo?>("--inventory", "-i")
        {
            Description = "Inventory folder (hosts.yaml, groups.yaml, defaults.yaml) to check host selections against",
        };
        var command = new Command("validate", """
            Check a playbook without connecting to anything: YAML syntax, plays, tasks and module
            arguments, every template (config lines, template files, vars, loops, messages) and `when`
            expression, and (with -i) host selections and the inventory itself. Every problem is
            reported at once as FILE:LINE:COLUMN. Exit code 1 when there is an error.
            """) { playbook, inventory };
        command.SetAction(parse => new ValidateHandler().Run(new ValidateOptions(parse.GetValue(playbook)!, parse.GetValue(inventory))));
        return command;
    }

    public int Run(ValidateOptions options)
    {
        var file = options.Playbook;
        if (!file.Exists)
        {
            Console.Error.WriteLine($"{file.FullName}: no such playbook file");
            return 2;
        }

        var inventoryDir = options.Inventory;
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
    }
}

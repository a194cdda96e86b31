using System.CommandLine;
using NetFleet.Core.Playbooks;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet schema</c>: the playbook format's JSON Schema, for editors. It takes no options.</summary>
internal sealed class SchemaHandler
{
    public static Command Command()
    {
        var command = new Command("schema", """
            Print the JSON Schema (draft 2020-12) of the playbook format, for editors to validate and
            complete playbooks, e.g. with the YAML language server:
              # yaml-language-server: $schema=./netfleet-playbook.schema.json
            """);
        command.SetAction(_ => new SchemaHandler().Run());
        return command;
    }

    public int Run()
    {
        Console.WriteLine(PlaybookSchema.Generate());
        return 0;
    }
}

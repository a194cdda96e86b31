using System.CommandLine;
using NetFleet.Cli.Commands;

namespace NetFleet.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("""
            NetFleet: network automation that outgrows one box.
            Runs YAML playbooks against an inventory of devices over SSH, and serves a lab of
            simulated devices (Cisco IOS, Arista EOS, Juniper Junos) for tests and demos.
            """);
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(JobsCommands.Jobs());
        root.Subcommands.Add(JobsCommands.History());
        root.Subcommands.Add(RollbackCommand.Create());
        root.Subcommands.Add(LanguageCommands.Validate());
        root.Subcommands.Add(LanguageCommands.Schema());
        root.Subcommands.Add(LabCommands.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(PcapCommands.Create());
        root.Subcommands.Add(PcapCommands.Probe());
        root.Subcommands.Add(NodeHandler.Command());
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(ClusterCommands.Create());
        root.Subcommands.Add(CaptureCommands.Create());
        root.Subcommands.Add(TokenCommands.Create());
        return await root.Parse(args).InvokeAsync();
    }
}

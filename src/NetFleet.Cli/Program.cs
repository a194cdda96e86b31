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
        root.Subcommands.Add(RunHandler.Command());
        root.Subcommands.Add(JobsCommands.Create());
        root.Subcommands.Add(HistoryHandler.Command());
        root.Subcommands.Add(RollbackHandler.Command());
        root.Subcommands.Add(ValidateHandler.Command());
        root.Subcommands.Add(InventoryCommands.Create());
        root.Subcommands.Add(SchemaHandler.Command());
        root.Subcommands.Add(LabCommands.Create());
        root.Subcommands.Add(BenchHandler.Command());
        root.Subcommands.Add(PcapCommands.Create());
        root.Subcommands.Add(PcapCommands.Probe());
        root.Subcommands.Add(NodeHandler.Command());
        root.Subcommands.Add(SubmitHandler.Command());
        root.Subcommands.Add(ClusterCommands.Create());
        root.Subcommands.Add(CaptureCommands.Create());
        root.Subcommands.Add(TokenCommands.Create());
        root.Subcommands.Add(ScheduleCommands.Create());
        root.Subcommands.Add(ComplianceCommands.Create());
        root.Subcommands.Add(BackupHandler.Command());
        root.Subcommands.Add(ConfigsCommands.Create());
        root.Subcommands.Add(DriftHandler.Command());
        return await root.Parse(args).InvokeAsync();
    }
}

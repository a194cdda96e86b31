using System.CommandLine;
using NetFleet.Lab.Hosting;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet lab up|down|status|reset|bench</c>: the device lab as a background daemon. Each subcommand is its own
/// handler.</summary>
internal static class LabCommands
{
    public static Option<string> DirOption() => new("--dir")
    {
        Description = "Folder holding the lab's config, keys, device state, logs and socket",
        DefaultValueFactory = _ => LabPaths.DefaultRoot,
    };

    public static Command Create()
    {
        var lab = new Command("lab", """
            A lab of simulated network devices behind Debian's OpenSSH sshd, on loopback only.
            Each device has its own address (127.0.1.1, 127.0.1.2, …) and port 10022 by default,
            and behaves like a real Cisco IOS, Arista EOS or Juniper Junos CLI. Needs root.
            """);
        lab.Subcommands.Add(LabUpHandler.Command());
        lab.Subcommands.Add(LabDownHandler.Command());
        lab.Subcommands.Add(LabStatusHandler.Command());
        lab.Subcommands.Add(LabResetHandler.Command());
        lab.Subcommands.Add(LabServeHandler.Command());
        lab.Subcommands.Add(LabBenchHandler.Command());
        return lab;
    }
}

using System.CommandLine;
using NetFleet.Core.Inventory;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet inventory generate</c>: a synthetic fleet's inventory, for trying validate, --limit and run --check at
/// a scale no lab reaches.</summary>
internal static class InventoryCommands
{
    public static Command Create()
    {
        var command = new Command("inventory", "Tools for inventory folders (hosts.yaml, groups.yaml, defaults.yaml)");
        command.Subcommands.Add(Generate());
        return command;
    }

    private static Command Generate()
    {
        var hosts = new Option<int>("--hosts", "-n") { Description = "How many hosts", Required = true };
        var sites = new Option<int>("--sites", "-s") { Description = "How many sites they are spread over (site-1, site-2, …)", Required = true };
        var port = new Option<int>("--port") { Description = "The SSH port every host is reached on", DefaultValueFactory = _ => Host.DefaultPort };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "The inventory folder to write (created if missing)", Required = true };
        var command = new Command("generate", """
            Write a synthetic inventory shaped like a real fleet's: sites that inherit from regions, roles
            (core, distribution, access) that inherit from a shared group, ios, eos and junos hosts mixed in
            every site, per-host data (rack, serial), credentials in the defaults (${env:NETFLEET_PASSWORD}).
            Every host has a loopback address (127.64.0.0 up), so a run against it never leaves the machine.
            Select one site with --limit 'data.site == "site-7"'.
            """) { hosts, sites, port, output };
        command.SetAction(parse =>
        {
            var spec = new GeneratedInventorySpec(parse.GetValue(hosts), parse.GetValue(sites), parse.GetValue(port));
            if (spec.Problem() is { } problem)
            {
                Console.Error.WriteLine($"inventory generate: {problem}");
                return 2;
            }

            var folder = parse.GetValue(output)!;
            InventoryGenerator.Write(spec, folder.FullName);
            Console.WriteLine($"{folder.FullName}: {spec.Hosts} hosts in {spec.Sites} sites");
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using NetFleet.Lab.Hosting;

namespace NetFleet.Cli.Commands;

internal sealed record LabStatusOptions(string Dir, bool Json);

/// <summary><c>netfleet lab status</c>: whether a lab is up, its devices and the sessions it served.</summary>
internal sealed class LabStatusHandler
{
    public static Command Command()
    {
        var dir = LabCommands.DirOption();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var command = new Command("status", "Show whether a lab is up, its devices and sessions served") { dir, json };
        command.SetAction((parse, ct) => new LabStatusHandler().RunAsync(new LabStatusOptions(parse.GetValue(dir)!, parse.GetValue(json)), ct));
        return command;
    }

    public async Task<int> RunAsync(LabStatusOptions options, CancellationToken cancellationToken)
    {
        var paths = LabPaths.At(options.Dir);
        var status = await LabClient.StatusAsync(paths, cancellationToken);
        if (status is null)
        {
            Console.WriteLine($"No lab is up in {paths.Root}.");
            return 3;
        }

        if (options.Json)
        {
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(status));
            return 0;
        }

        Console.WriteLine($"Lab up since {status.StartedAt:u} (pid {status.Pid}) in {status.Root}");
        if (status.Devices > 0 || status.Routers.Count == 0)
        {
            Console.WriteLine($"  devices     {status.Devices}: {string.Join(", ", status.Platforms.Select(p => $"{p.Value} {p.Key}"))}");
        }

        if (status.IosVariants.Count > 0)
        {
            Console.WriteLine($"  ios         {string.Join(", ", status.IosVariants.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Value} {v.Key}"))}");
        }

        foreach (var router in status.Routers)
        {
            var stopped = router.Daemons.Except(router.Running).ToList();
            Console.WriteLine($"  router      {router.Name,-10} {router.Management,-12} {router.Namespace,-16} {string.Join(' ', router.Running)}"
                + (stopped.Count == 0 ? "" : $" (not running: {string.Join(' ', stopped)})"));
        }

        foreach (var server in status.NetconfServers)
        {
            Console.WriteLine($"  netconfd    {server.Name,-10} {server.Address,-12} {(server.Running ? "running" : "not running")}");
        }

        Console.WriteLine($"  port        {status.Port} ({status.SshdInstances} sshd instances)");
        Console.WriteLine($"  sessions    {status.SessionsServed} served, {status.SessionsActive} open");
        return 0;
    }
}

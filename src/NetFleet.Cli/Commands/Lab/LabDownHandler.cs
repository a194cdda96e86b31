using System.CommandLine;
using System.Diagnostics;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Topology;

namespace NetFleet.Cli.Commands;

internal sealed record LabDownOptions(string Dir);

/// <summary><c>netfleet lab down</c>: stops the lab daemon and its sshd instances.</summary>
internal sealed class LabDownHandler
{
    public static Command Command()
    {
        var dir = LabCommands.DirOption();
        var command = new Command("down", "Stop the lab daemon and its sshd instances (device state is kept)") { dir };
        command.SetAction((parse, ct) => new LabDownHandler().RunAsync(new LabDownOptions(parse.GetValue(dir)!), ct));
        return command;
    }

    public async Task<int> RunAsync(LabDownOptions options, CancellationToken cancellationToken)
    {
        var paths = LabPaths.At(options.Dir);
        if (!await LabClient.StopAsync(paths, cancellationToken))
        {
            // A lab that crashed leaves its routers' namespaces and daemons, and its netconfd servers, running: remove them now.
            await FrrLab.CleanAsync(paths, cancellationToken: cancellationToken);
            await NetFleet.Lab.Netconfd.NetconfdLab.CleanAsync(paths, cancellationToken: cancellationToken);
            Console.WriteLine($"No lab is up in {paths.Root}.");
            return 0;
        }

        var stopwatch = Stopwatch.StartNew();
        while (File.Exists(paths.DaemonPid) && stopwatch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50, cancellationToken);
        }

        Console.WriteLine($"Lab down ({stopwatch.Elapsed.TotalSeconds:0.0} s).");
        return 0;
    }
}

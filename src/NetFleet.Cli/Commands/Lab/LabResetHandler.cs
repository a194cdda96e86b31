using System.CommandLine;
using NetFleet.Lab.Hosting;

namespace NetFleet.Cli.Commands;

internal sealed record LabResetOptions(string[] Devices, string Dir);

/// <summary><c>netfleet lab reset [DEVICE…]</c>: puts devices back to their factory configuration, and a topology's
/// routers back on their starting configuration.</summary>
internal sealed class LabResetHandler
{
    public static Command Command()
    {
        var devices = new Argument<string[]>("device") { Description = "Devices or routers to reset (all when none is named)", Arity = ArgumentArity.ZeroOrMore };
        var dir = LabCommands.DirOption();
        var command = new Command("reset", "Put devices back to their factory configuration (routers: their topology's configuration)") { devices, dir };
        command.SetAction((parse, ct) => new LabResetHandler().RunAsync(new LabResetOptions(parse.GetValue(devices) ?? [], parse.GetValue(dir)!), ct));
        return command;
    }

    public async Task<int> RunAsync(LabResetOptions options, CancellationToken cancellationToken)
    {
        var paths = LabPaths.At(options.Dir);
        var names = options.Devices;
        var reset = await LabClient.ResetAsync(paths, names, cancellationToken);
        if (reset is null)
        {
            Console.Error.WriteLine($"No lab is up in {paths.Root}.");
            return 3;
        }

        var missing = names.Except(reset, StringComparer.OrdinalIgnoreCase).ToList();
        Console.WriteLine($"Reset {reset.Count} device(s).");
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"No such device: {string.Join(", ", missing)}");
            return 1;
        }

        return 0;
    }
}

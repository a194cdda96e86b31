using System.CommandLine;
using System.Runtime.InteropServices;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Topology;
using Serilog.Events;

namespace NetFleet.Cli.Commands;

internal sealed record LabServeOptions(string Dir);

/// <summary><c>netfleet lab serve</c> (hidden): the lab daemon in the foreground, what <c>lab up</c> starts.</summary>
internal sealed class LabServeHandler
{
    public static Command Command()
    {
        var dir = LabCommands.DirOption();
        var command = new Command("serve", "Run the lab daemon in the foreground (what `lab up` starts)") { dir };
        command.Hidden = true;
        command.SetAction((parse, ct) => new LabServeHandler().RunAsync(new LabServeOptions(parse.GetValue(dir)!), ct));
        return command;
    }

    public Task<int> RunAsync(LabServeOptions options, CancellationToken ct) => ServeAsync(LabPaths.At(options.Dir), ct);

    public static async Task<int> ServeAsync(LabPaths paths, CancellationToken cancellationToken)
    {
        var log = Logging.Create(LogEventLevel.Information);
        LabSpec spec;
        LabTopology? topology;
        try
        {
            topology = File.Exists(paths.Topology) ? LabTopology.LoadSaved(paths.Topology) : null;
            spec = LabSpec.Load(paths.Spec, routersOnly: topology is not null);
        }
        catch (Exception e) when (e is LabSpecException or IOException or System.Text.Json.JsonException)
        {
            log.Error("Cannot read the lab inventory: {Reason}", e.Message);
            return 2;
        }

        await using var host = new LabHost(paths, spec, log: log, topology: topology);
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (LabException e)
        {
            log.Error("The lab cannot start: {Reason}", e.Message);
            await host.StopAsync();
            return 1;
        }

        await File.WriteAllTextAsync(paths.DaemonPid, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _ = host.StopAsync();
        });
        using var cancelled = cancellationToken.Register(() => _ = host.StopAsync());
        await host.Stopped;
        File.Delete(paths.DaemonPid);
        return 0;
    }
}

using System.Globalization;
using System.Text;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Topology;
using Serilog;

namespace NetFleet.Lab.Netconfd;

/// <summary>A netconfd served by the lab: its inventory name, its management address and the server.</summary>
public sealed record LabNetconfServer(string Name, string Address, NetconfdServer Server);

/// <summary>
/// The lab's Debian netconfd servers (<c>lab up --netconfd N</c>): a NETCONF server nobody here wrote, beside the simulated
/// devices. Each gets a management address of its own (127.0.5.x) and an sshd instance of its own, since sshd has one
/// <c>Subsystem netconf</c> line per instance and netconf-subsystem tells servers apart by port only.
/// </summary>
public sealed class NetconfdLab(LabPaths paths, int count, int port, ILogger log)
{
    public const string AddressPrefix = "127.0.5.";

    public IReadOnlyList<LabNetconfServer> Servers { get; } = Enumerable.Range(1, count)
        .Select(i => new LabNetconfServer(NameOf(i), AddressPrefix + i.ToString(CultureInfo.InvariantCulture),
            new NetconfdServer(Path.Combine(FolderOf(paths), NameOf(i)), port))).ToList();

    public static string NameOf(int index) => "netconfd" + index.ToString(CultureInfo.InvariantCulture);

    public static string FolderOf(LabPaths paths) => Path.Combine(paths.Root, "netconfd");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await CleanAsync(paths, log, cancellationToken);
        await Task.WhenAll(Servers.Select(s => s.Server.StartAsync(cancellationToken)));
        log.Information("netconfd: {Count} servers up", Servers.Count);
    }

    public async Task StopAsync() => await Task.WhenAll(Servers.Select(s => s.Server.StopAsync()));

    /// <summary>The sshd instance in front of one server: whatever the session asks for (the <c>netconf</c> subsystem, a
    /// command, a shell) runs netconf-subsystem, as on a box that speaks NETCONF only.</summary>
    public string SshdConfig(LabNetconfServer server, int instance)
    {
        var text = new StringBuilder("# Written by `netfleet lab` for a netconfd server; regenerated on every start.\n");
        text.AppendLine($"ListenAddress {server.Address}:{server.Server.SshdPort}");
        text.Append(Hosting.SshdConfig.Common(paths, instance));
        text.Append(server.Server.SshdLines());
        text.AppendLine($"ForceCommand exec {NetconfdServer.SubsystemProgram} --ncxserver-sockname={server.Server.SshdPort}@{server.Server.Socket}");
        return text.ToString();
    }

    /// <summary>Stops every netconfd a lab in <paramref name="paths"/> started, running or left behind by a crashed lab
    /// daemon (found by the socket path on its command line), and removes their runtime folders.</summary>
    public static async Task CleanAsync(LabPaths paths, ILogger? log = null, CancellationToken cancellationToken = default)
    {
        var folder = FolderOf(paths);
        if (!Directory.Exists(folder)) return;
        var sockets = Directory.GetDirectories(folder).Select(d => new NetconfdServer(d, 0)).ToList();
        var pids = new List<int>();
        foreach (var proc in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), CultureInfo.InvariantCulture, out var pid)) continue;
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.StartsWith(NetconfdServer.ServerProgram + " ", StringComparison.Ordinal)
                && sockets.Any(s => commandLine.Contains("--ncxserver-sockname=" + s.Socket + " ", StringComparison.Ordinal)))
            {
                pids.Add(pid);
            }
        }

        await Signals.StopAllAsync(pids, TimeSpan.FromSeconds(5), cancellationToken);
        foreach (var server in sockets.Where(s => Directory.Exists(s.RuntimeFolder)))
        {
            Directory.Delete(server.RuntimeFolder, recursive: true);
        }

        if (pids.Count > 0) log?.Information("netconfd: {Count} servers left by an earlier lab stopped", pids.Count);
    }
}

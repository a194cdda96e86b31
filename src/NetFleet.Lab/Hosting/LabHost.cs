using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Topology;
using Serilog;

namespace NetFleet.Lab.Hosting;
/// <summary>
/// Runs a lab: Debian's sshd (several instances, each bound to its devices' loopback addresses) in
/// front of the device personalities. sshd runs a tiny relay per session that connects back to this
/// host over a Unix socket and says which address was reached; the host looks up the device and
/// runs its platform's CLI. Device state lives here, so it outlives sessions, and is saved to disk
/// so that it outlives the lab too. This file is the lab's life cycle and what callers ask of it;
/// LabHost.Sshd.cs starts sshd, LabHost.Connections.cs answers the socket, LabHost.States.cs keeps state on disk.
/// </summary>
public sealed partial class LabHost : IAsyncDisposable
{
    private static readonly JsonSerializerOptions StateJson = new() { WriteIndented = true };
    private readonly LabPaths paths;
    private readonly LabSpec spec;
    private readonly LabClock clock;
    private readonly ILogger log;
    private readonly IReadOnlyList<ILabPlatform> platforms;
    private readonly Dictionary<string, DeviceStateStore> states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CommandLog> commandLogs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LabDevice> byAddress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> dirty = new(StringComparer.Ordinal);
    private readonly List<Process> sshds = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FrrLab? routers;
    private readonly Netconfd.NetconfdLab? netconfServers;
    private Snmp.LabSnmpAgents? snmpAgents;
    private Socket? listener;
    private Task? acceptLoop;
    private Task? flushLoop;
    private long sessionsServed;
    private long sessionsActive;
    private DateTimeOffset startedAt;

    /// <param name="topology">FRRouting routers to grow beside the simulated devices (<c>lab up --topology</c>).</param>
    public LabHost(LabPaths paths, LabSpec spec, LabClock? clock = null, ILogger? log = null,
        IReadOnlyList<ILabPlatform>? platforms = null, LabTopology? topology = null)
    {
        this.platforms = platforms ?? LabPlatforms.All;
        this.paths = paths;
        this.spec = spec;
        this.clock = clock ?? new LabClock(TimeProvider.System, spec.DeviceMinute);
        this.log = log ?? Serilog.Core.Logger.None;
        routers = topology is null ? null : new FrrLab(paths, topology, this.log);
        netconfServers = spec.NetconfServers > 0 ? new Netconfd.NetconfdLab(paths, spec.NetconfServers, spec.Port, this.log) : null;
        foreach (var device in spec.Devices)
        {
            byAddress[device.Address] = device;
            commandLogs[device.Name] = new CommandLog();
        }
    }

    public LabPaths Paths => paths;
    public LabSpec Spec => spec;

    /// <summary>The topology's routers, when the lab grows one.</summary>
    public FrrLab? Routers => routers;

    /// <summary>The lab's Debian netconfd servers (<c>lab up --netconfd N</c>), when it serves any.</summary>
    public Netconfd.NetconfdLab? NetconfServers => netconfServers;
    public long SessionsServed => Interlocked.Read(ref sessionsServed);

    /// <summary>Completes when the host was asked to stop (<c>lab down</c>) and has stopped.</summary>
    public Task Stopped => stopped.Task;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (LabLimits.Prepare(LabDemand.Of(spec)) is { Count: > 0 } shortfalls)
        {
            throw new LabException($"this host's limits are too low for {spec.Devices.Count} devices: {string.Join("; ", shortfalls)}");
        }

        try
        {
            await StartWithinLimitsAsync(cancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TooManyOpenSockets)
        {
            throw new LabException(LabLimits.OutOfFiles("starting the lab"));
        }
        catch (IOException e) when (e.HResult == OutOfFilesErrno)
        {
            throw new LabException(LabLimits.OutOfFiles("starting the lab"));
        }
        catch (System.ComponentModel.Win32Exception e) when (e.NativeErrorCode is OutOfFilesErrno or OutOfProcessesErrno)
        {
            throw new LabException(e.NativeErrorCode == OutOfFilesErrno
                ? LabLimits.OutOfFiles("starting sshd")
                : LabLimits.OutOfProcesses("starting sshd"));
        }
    }

    private const int OutOfProcessesErrno = 11;
    private const int OutOfFilesErrno = 24;

    private async Task StartWithinLimitsAsync(CancellationToken cancellationToken)
    {
        var sshd = ProcessRunner.Which("sshd")
            ?? throw new LabException("OpenSSH's sshd is not installed: apt-get install -y openssh-server");
        Directory.CreateDirectory(paths.Root);
        foreach (var dir in new[] { paths.Keys, paths.Run, paths.State, paths.Logs })
        {
            Directory.CreateDirectory(dir);
        }

        await LabAccount.EnsureAsync(cancellationToken);
        var shell = PrepareRuntime();
        await EnsureKeysAsync(cancellationToken);
        await WriteSecretFileAsync(paths.PasswordFile, LabDefaults.Password, cancellationToken);
        await WriteSecretFileAsync(paths.EnableSecretFile, LabDefaults.EnableSecret, cancellationToken);
        await WriteKnownHostsAsync(cancellationToken);
        spec.Save(paths.Spec);
        LoadStates();
        await StopStaleSshdsAsync(cancellationToken);
        RequirePortFree();
        StartListener();
        // Before any sshd answers, so a router's SSH session always finds its vtysh sockets.
        if (routers is null)
        {
            await FrrLab.CleanAsync(paths, log, cancellationToken);
        }
        else
        {
            await routers.StartAsync(cancellationToken);
        }

        if (netconfServers is null)
        {
            await Netconfd.NetconfdLab.CleanAsync(paths, log, cancellationToken);
        }
        else
        {
            await netconfServers.StartAsync(cancellationToken);
        }

        StartSshds(sshd, shell);
        await WaitForSshdsAsync(cancellationToken);
        snmpAgents = Snmp.LabSnmpAgents.Start(spec, log);
        startedAt = DateTimeOffset.UtcNow;
        flushLoop = FlushStatesLoopAsync(stopping.Token);
        log.Information("Lab up: {Devices} devices and {Routers} routers on port {Port}, {Instances} sshd instances, state in {Root}",
            spec.Devices.Count, routers?.Topology.Routers.Count ?? 0, spec.Port, sshds.Count, paths.Root);
    }

    public async Task StopAsync()
    {
        if (stopping.IsCancellationRequested)
        {
            await stopped.Task;
            return;
        }

        await stopping.CancelAsync();
        if (snmpAgents is not null)
        {
            await snmpAgents.DisposeAsync();
        }

        foreach (var process in sshds)
        {
            StopProcess(process);
        }

        listener?.Dispose();
        if (acceptLoop is not null)
        {
            await acceptLoop;
        }

        if (flushLoop is not null)
        {
            await flushLoop;
        }

        FlushStates();
        foreach (var process in sshds)
        {
            await process.WaitForExitAsync();
            process.Dispose();
        }

        if (routers is not null)
        {
            await routers.StopAsync();
        }

        if (netconfServers is not null)
        {
            await netconfServers.StopAsync();
        }

        TryDelete(paths.Socket);
        try
        {
            Directory.Delete(paths.Runtime, recursive: true);
        }
        catch (IOException)
        {
            // A relay still running keeps its file; the next start replaces the folder's contents.
        }

        log.Information("Lab down after {Sessions} sessions", SessionsServed);
        stopped.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stopping.Dispose();
    }

    /// <summary>Puts devices back to their factory state (all devices when none are named).</summary>
    public IReadOnlyList<string> Reset(IReadOnlyCollection<string> deviceNames)
    {
        var chosen = deviceNames.Count == 0
            ? spec.Devices
            : spec.Devices.Where(d => deviceNames.Contains(d.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var device in chosen)
        {
            states[device.Name].Replace(PlatformOf(device).CreateFactoryState(device));
        }

        return chosen.Select(d => d.Name).ToList();
    }

    /// <summary>Puts routers back on their starting configuration and links (all routers when none is named;
    /// names of devices are skipped). Returns the routers reset; one that could not be is logged and left out.</summary>
    public async Task<IReadOnlyList<string>> ResetRoutersAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken = default)
    {
        if (routers is null)
        {
            return [];
        }

        var chosen = routers.Topology.Routers.Select(r => r.Name)
            .Where(n => names.Count == 0 || names.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
        var reset = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(chosen, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (name, ct) =>
            {
                try
                {
                    await routers.ResetAsync([name], ct);
                    reset.Add(name);
                }
                catch (LabException e)
                {
                    log.Error("Router {Router} could not be reset: {Reason}", name, e.Message);
                }
            });
        return chosen.Where(reset.Contains).ToList();
    }

    public DeviceStateStore StateOf(string deviceName) => states[deviceName];

    /// <summary>The last <see cref="Devices.CommandLog.DefaultCapacity"/> lines the device received
    /// in any session, oldest first, with the CLI mode each was entered in.</summary>
    public IReadOnlyList<CommandLogEntry> CommandLog(string deviceName) => commandLogs[deviceName].Entries;

    /// <summary>Forgets what the named devices (all when none is named) received so far.</summary>
    public void ClearCommandLog(params string[] deviceNames)
    {
        foreach (var name in deviceNames.Length == 0 ? [.. commandLogs.Keys] : deviceNames)
        {
            commandLogs[name].Clear();
        }
    }

    public LabStatus Status() => new(
        Environment.ProcessId, spec.Port, spec.Devices.Count, sshds.Count,
        spec.Devices.GroupBy(d => d.Platform).ToDictionary(g => g.Key, g => g.Count()),
        SessionsServed, Interlocked.Read(ref sessionsActive), startedAt, paths.Root,
        sshds.Select(p => p.Id).ToList())
    {
        IosVariants = spec.Devices.Where(d => d.Variant is not null).GroupBy(d => d.Variant!).ToDictionary(g => g.Key, g => g.Count()),
        Routers = routers?.Status() ?? [],
        NetconfServers = netconfServers?.Servers.Select(s => new NetconfServerStatus(s.Name, s.Address, s.Server.ProcessId is not null)).ToList() ?? [],
    };

    private ILabPlatform PlatformOf(LabDevice device) =>
        platforms.FirstOrDefault(p => p.Name == device.Platform) ?? throw new LabException($"device {device.Name}: unknown platform {device.Platform}");
}

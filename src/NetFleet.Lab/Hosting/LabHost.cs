using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Platforms;
using Serilog;

namespace NetFleet.Lab.Hosting;

/// <summary>
/// Runs a lab: Debian's sshd (several instances, each bound to its devices' loopback addresses) in
/// front of the device personalities. sshd runs a tiny relay per session that connects back to this
/// host over a Unix socket and says which address was reached; the host looks up the device and
/// runs its platform's CLI. Device state lives here, so it outlives sessions, and is saved to disk
/// so that it outlives the lab too.
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
    private Snmp.LabSnmpAgents? snmpAgents;
    private Socket? listener;
    private Task? acceptLoop;
    private Task? flushLoop;
    private long sessionsServed;
    private long sessionsActive;
    private DateTimeOffset startedAt;

    public LabHost(LabPaths paths, LabSpec spec, LabClock? clock = null, ILogger? log = null,
        IReadOnlyList<ILabPlatform>? platforms = null)
    {
        this.platforms = platforms ?? LabPlatforms.All;
        this.paths = paths;
        this.spec = spec;
        this.clock = clock ?? new LabClock(TimeProvider.System, spec.DeviceMinute);
        this.log = log ?? Serilog.Core.Logger.None;
        foreach (var device in spec.Devices)
        {
            byAddress[device.Address] = device;
            commandLogs[device.Name] = new CommandLog();
        }
    }

    public LabPaths Paths => paths;
    public LabSpec Spec => spec;
    public long SessionsServed => Interlocked.Read(ref sessionsServed);

    /// <summary>Completes when the host was asked to stop (<c>lab down</c>) and has stopped.</summary>
    public Task Stopped => stopped.Task;

    public async Task StartAsync(CancellationToken cancellationToken = default)
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
        RequirePortFree();
        StartListener();
        StartSshds(sshd, shell);
        await WaitForSshdsAsync(cancellationToken);
        snmpAgents = Snmp.LabSnmpAgents.Start(spec, log);
        startedAt = DateTimeOffset.UtcNow;
        flushLoop = FlushStatesLoopAsync(stopping.Token);
        log.Information("Lab up: {Devices} devices on port {Port}, {Instances} sshd instances, state in {Root}",
            spec.Devices.Count, spec.Port, sshds.Count, paths.Root);
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
    };

    private ILabPlatform PlatformOf(LabDevice device) =>
        platforms.FirstOrDefault(p => p.Name == device.Platform) ?? throw new LabException($"device {device.Name}: unknown platform {device.Platform}");

    private async Task EnsureKeysAsync(CancellationToken cancellationToken)
    {
        var keygen = ProcessRunner.Which("ssh-keygen") ?? throw new LabException("ssh-keygen is missing: apt-get install -y openssh-client");
        if (!File.Exists(paths.HostKey))
        {
            await ProcessRunner.RunCheckedAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "netfleet-lab-host", "-f", paths.HostKey],
                cancellationToken: cancellationToken);
        }

        if (!File.Exists(paths.ClientKey))
        {
            await ProcessRunner.RunCheckedAsync(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "netfleet-lab-client", "-f", paths.ClientKey],
                cancellationToken: cancellationToken);
        }

        await File.WriteAllTextAsync(paths.AuthorizedKeys, await File.ReadAllTextAsync(paths.ClientKey + ".pub", cancellationToken), cancellationToken);
    }

    private async Task WriteKnownHostsAsync(CancellationToken cancellationToken)
    {
        var hostKey = (await File.ReadAllTextAsync(paths.HostKey + ".pub", cancellationToken)).Split(' ');
        var lines = spec.Devices.Select(d => $"[{d.Address}]:{spec.Port} {hostKey[0]} {hostKey[1]}");
        await File.WriteAllLinesAsync(paths.KnownHosts, lines, cancellationToken);
    }

    private static async Task WriteSecretFileAsync(string path, string secret, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path, secret + "\n", cancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// The login account runs the relay and connects to the daemon's socket, so both live in a
    /// runtime folder it can reach (/run/netfleet-lab/…), wherever the repository and the lab folder
    /// are (a checkout under /root is not reachable by other accounts). Returns the relay's path.
    /// </summary>
    private string PrepareRuntime()
    {
        const UnixFileMode Reachable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(LabPaths.RuntimeBase);
        File.SetUnixFileMode(LabPaths.RuntimeBase, Reachable);
        Directory.CreateDirectory(paths.Runtime);
        File.SetUnixFileMode(paths.Runtime, Reachable);
        var relay = Path.Combine(paths.Runtime, LabShell.FileName);
        File.Copy(LabShell.Locate(), relay + ".new", overwrite: true);
        File.SetUnixFileMode(relay + ".new", Reachable & ~(UnixFileMode.UserWrite));
        File.Move(relay + ".new", relay, overwrite: true);
        return relay;
    }

    private void LoadStates()
    {
        foreach (var device in spec.Devices)
        {
            var platform = PlatformOf(device);
            var file = paths.DeviceState(device.Name);
            DeviceState? state = null;
            if (File.Exists(file))
            {
                try
                {
                    state = JsonSerializer.Deserialize<DeviceState>(File.ReadAllText(file), StateJson);
                }
                catch (JsonException e)
                {
                    log.Warning("Device {Device}: saved state {File} is unreadable ({Reason}); starting from factory state",
                        device.Name, file, e.Message);
                }

                if (state is not null && state.Capabilities != device.Capabilities.Mark)
                {
                    // Another variant's configuration (an archive the device should not have) would make it lie.
                    log.Information("Device {Device}: saved state was made for other capabilities; starting from factory state", device.Name);
                    state = null;
                }
            }

            var name = device.Name;
            var store = new DeviceStateStore(state ?? platform.CreateFactoryState(device), _ => dirty[name] = 0);
            states[name] = store;
            if (state is null)
            {
                dirty[name] = 0;
            }

            RevertTimers.Resume(store, clock, platform.Revert);
        }
    }

    private async Task FlushStatesLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                FlushStates();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping; StopAsync flushes once more.
        }
    }

    private void FlushStates()
    {
        foreach (var name in dirty.Keys)
        {
            dirty.TryRemove(name, out _);
            var json = states[name].Read(s => JsonSerializer.Serialize(s, StateJson));
            var file = paths.DeviceState(name);
            File.WriteAllText(file + ".tmp", json);
            File.Move(file + ".tmp", file, overwrite: true);
        }
    }

    private void RequirePortFree()
    {
        foreach (var device in spec.Devices)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Parse(device.Address), spec.Port));
            }
            catch (SocketException)
            {
                throw new LabException($"{device.Address}:{spec.Port} ({device.Name}) is already in use; is another lab up? "
                    + "Stop it with `netfleet lab down` or pick another --port");
            }
        }
    }

    private void StartListener()
    {
        TryDelete(paths.Socket);
        listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(paths.Socket));
        listener.Listen(1024);
        File.SetUnixFileMode(paths.Socket, (UnixFileMode)0b110_110_110);
        acceptLoop = AcceptLoopAsync(listener, stopping.Token);
    }

    private void StartSshds(string sshd, string shell)
    {
        var groups = SshdConfig.Partition(spec.Devices);
        for (var i = 0; i < groups.Count; i++)
        {
            File.WriteAllText(paths.SshdConfig(i), SshdConfig.Render(paths, spec.Port, groups[i], i, shell));
            var start = new ProcessStartInfo(sshd) { UseShellExecute = false };
            foreach (var arg in new[] { "-D", "-f", paths.SshdConfig(i), "-E", paths.SshdLog(i) })
            {
                start.ArgumentList.Add(arg);
            }

            // sshd refuses to start without its privilege separation folder.
            Directory.CreateDirectory("/run/sshd");
            sshds.Add(Process.Start(start) ?? throw new LabException("could not start sshd"));
        }
    }

    private async Task WaitForSshdsAsync(CancellationToken cancellationToken)
    {
        var groups = SshdConfig.Partition(spec.Devices);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        for (var i = 0; i < groups.Count; i++)
        {
            var endpoint = new IPEndPoint(IPAddress.Parse(groups[i][^1].Address), spec.Port);
            while (true)
            {
                if (sshds[i].HasExited)
                {
                    var reason = File.Exists(paths.SshdLog(i)) ? await File.ReadAllTextAsync(paths.SshdLog(i), cancellationToken) : "";
                    throw new LabException($"sshd instance {i} exited with code {sshds[i].ExitCode}: {reason.Trim()}");
                }

                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await probe.ConnectAsync(endpoint, cancellationToken);
                    break;
                }
                catch (SocketException) when (DateTimeOffset.UtcNow < deadline)
                {
                    await Task.Delay(20, cancellationToken);
                }
                catch (SocketException e)
                {
                    throw new LabException($"sshd instance {i} did not start listening on {endpoint}: {e.Message}");
                }
            }
        }
    }

    private async Task AcceptLoopAsync(Socket server, CancellationToken cancellationToken)
    {
        var sessions = new ConcurrentDictionary<Task, byte>();
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await server.AcceptAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }

            var task = HandleConnectionAsync(client, cancellationToken);
            sessions[task] = 0;
            _ = task.ContinueWith(t => sessions.TryRemove(t, out _), TaskScheduler.Default);
        }

        await Task.WhenAll(sessions.Keys);
    }

    private async Task HandleConnectionAsync(Socket client, CancellationToken cancellationToken)
    {
        using var connection = client;
        try
        {
            var (header, rest) = await ReadHeaderAsync(client, cancellationToken);
            var fields = header.Split('\t');
            switch (fields[0])
            {
                case "session" when fields.Length >= 5:
                    await RunSessionAsync(client, fields, rest, cancellationToken);
                    break;
                case "status":
                    await ReplyAsync(client, JsonSerializer.Serialize(Status()), cancellationToken);
                    break;
                case "reset":
                    var names = fields.Length > 1 ? fields[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
                    await ReplyAsync(client, string.Join(',', Reset(names)), cancellationToken);
                    break;
                case "stop":
                    await ReplyAsync(client, "stopping", cancellationToken);
                    _ = Task.Run(StopAsync, CancellationToken.None);
                    break;
                default:
                    log.Warning("Lab socket: unknown request {Header}", header);
                    break;
            }
        }
        catch (Exception e) when (e is SessionEndedException or OperationCanceledException or SocketException or IOException)
        {
            log.Debug("Lab connection ended: {Reason}", e.Message);
        }
        catch (Exception e)
        {
            log.Error(e, "Lab connection failed");
        }
    }

    private async Task RunSessionAsync(Socket client, string[] fields, byte[] rest, CancellationToken cancellationToken)
    {
        // SSH_CONNECTION is "client-ip client-port server-ip server-port": the server address names the device.
        var connection = fields[1].Split(' ');
        var address = connection.Length == 4 ? connection[2] : "";
        if (!byAddress.TryGetValue(address, out var device))
        {
            await ReplyAsync(client, $"netfleet lab: no device at address '{address}'", cancellationToken);
            return;
        }

        var execCommand = Encoding.UTF8.GetString(Convert.FromBase64String(fields[4]));
        var terminal = new SocketTerminal(client, fields[2] == "tty", device.Faults, rest);
        var session = new DeviceSession(device, states[device.Name], terminal, clock, fields[3])
        {
            ExecCommand = execCommand.Length == 0 ? null : execCommand,
            Commands = commandLogs[device.Name],
        };
        Interlocked.Increment(ref sessionsServed);
        Interlocked.Increment(ref sessionsActive);
        try
        {
            await PlatformOf(device).RunSessionAsync(session, cancellationToken);
            client.Shutdown(SocketShutdown.Both);
        }
        finally
        {
            Interlocked.Decrement(ref sessionsActive);
            log.Debug("Session to {Device} from {Client} ended after {Commands} commands", device.Name, connection[0], terminal.Commands);
        }
    }

    private static async Task<(string Header, byte[] Pending)> ReadHeaderAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var filled = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', 0, filled);
            if (newline >= 0)
            {
                return (Encoding.UTF8.GetString(buffer, 0, newline), buffer[(newline + 1)..filled]);
            }

            if (filled == buffer.Length)
            {
                throw new IOException("lab request header too long");
            }

            var read = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                throw new IOException("lab connection closed before its header");
            }

            filled += read;
        }
    }

    private static async Task ReplyAsync(Socket client, string text, CancellationToken cancellationToken)
    {
        await client.SendAsync(Encoding.UTF8.GetBytes(text + "\n"), SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Both);
    }

    private static void StopProcess(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                _ = Kill(process.Id, 15);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next start, which replaces it.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>What <c>lab status</c> shows.</summary>
public sealed record LabStatus(int Pid, int Port, int Devices, int SshdInstances, Dictionary<string, int> Platforms,
    long SessionsServed, long SessionsActive, DateTimeOffset StartedAt, string Root, IReadOnlyList<int> SshdPids)
{
    /// <summary>IOS devices per variant (<c>lab up --ios-variant</c> or <c>variant:</c> in lab.yaml); empty when none is named.</summary>
    public Dictionary<string, int> IosVariants { get; init; } = [];
}

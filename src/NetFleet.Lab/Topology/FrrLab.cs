using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetFleet.Lab.Hosting;
using Serilog;

namespace NetFleet.Lab.Topology;

/// <summary>
/// Grows a topology's FRRouting routers: one network namespace per router, veth pairs for the
/// links, and FRR's daemons per namespace with their own folder (never the system's FRR service).
/// What it makes is recorded in the lab's run folder before it is made, and namespaces carry the
/// lab's own prefix, so <see cref="CleanAsync"/> removes everything even after a crash.
/// </summary>
public sealed class FrrLab
{
    // Routers start a few at a time: each start is a handful of short processes, and the VM has 2 cores.
    private const int Parallelism = 4;
    private readonly LabPaths paths;
    private readonly ILogger log;
    private readonly Dictionary<string, RouterRuntime> runtimes;

    public FrrLab(LabPaths paths, LabTopology topology, ILogger? log = null)
    {
        this.paths = paths;
        this.log = log ?? Serilog.Core.Logger.None;
        Topology = topology;
        runtimes = topology.Routers.ToDictionary(r => r.Name, r => RouterRuntime.For(paths, r.Name), StringComparer.Ordinal);
    }

    public LabTopology Topology { get; }

    public RouterRuntime RuntimeOf(string router) =>
        runtimes.TryGetValue(router, out var runtime) ? runtime : throw new KeyNotFoundException($"no router '{router}' in {Topology.Source}");

    public static string RecordFile(LabPaths paths) => Path.Combine(paths.Run, "routers.json");

    /// <summary>Namespaces, links, addresses and daemons up, each router on its starting configuration.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        await CleanAsync(paths, log, cancellationToken);
        await LabAccount.EnsureVtyGroupAsync(cancellationToken);
        var routers = Topology.Routers.Select(r => (Router: r, Runtime: runtimes[r.Name])).ToList();
        Directory.CreateDirectory(paths.Run);
        await File.WriteAllTextAsync(RecordFile(paths), JsonSerializer.Serialize(new Record(
            routers.Select(r => r.Runtime.Namespace).ToList(), routers.Select(r => r.Runtime.Folder).ToList())), cancellationToken);

        await PrepareFoldersAsync(routers, cancellationToken);
        await ProcessRunner.RunCheckedAsync(Ip, ["-batch", "-"],
            stdin: string.Concat(routers.Select(r => $"netns add {r.Runtime.Namespace}\n")), cancellationToken: cancellationToken);
        await EachAsync(routers, r => SysctlsAsync(r.Runtime, cancellationToken));
        if (Topology.Links.Count > 0)
        {
            // Each end is created inside its namespace under its final name: no veth ever sits in the
            // host's namespace, and deleting a namespace deletes its ends.
            await ProcessRunner.RunCheckedAsync(Ip, ["-batch", "-"], stdin: string.Concat(Topology.Links.Select(l =>
                $"link add {l.InterfaceA} netns {runtimes[l.RouterA].Namespace} type veth peer name {l.InterfaceB} netns {runtimes[l.RouterB].Namespace}\n")),
                cancellationToken: cancellationToken);
        }

        await EachAsync(routers, r => AddressesAsync(r.Router, r.Runtime, cancellationToken));
        await EachAsync(routers, r => StartDaemonsAsync(r.Router, r.Runtime, cancellationToken));
        await EachAsync(routers, r => ApplyStartingConfigAsync(r.Runtime, cancellationToken));
        log.Information("Routers up: {Routers} routers, {Links} links in {Seconds:0.0} s", routers.Count, Topology.Links.Count,
            stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>Stops the daemons and deletes the namespaces (which takes the veths with them).</summary>
    public Task StopAsync() => CleanAsync(paths, log, CancellationToken.None);

    /// <summary>
    /// Removes whatever a lab in <paramref name="paths"/> made, running or crashed: the daemons found
    /// through the record's pid files and in the namespaces, the namespaces with the lab's prefix,
    /// and the routers' folders.
    /// </summary>
    public static async Task CleanAsync(LabPaths paths, ILogger? log = null, CancellationToken cancellationToken = default)
    {
        var record = ReadRecord(paths);
        var prefix = RouterRuntime.NamespacePrefix(paths);
        var namespaces = (await ListNamespacesAsync(cancellationToken)).Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Union(record?.Namespaces ?? []).ToList();
        if (namespaces.Count == 0 && record is null)
        {
            return;
        }

        var pids = new HashSet<int>();
        foreach (var folder in record?.Folders ?? [])
        {
            foreach (var pidFile in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.pid") : [])
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && IsFrrDaemon(pid))
                {
                    pids.Add(pid);
                }
            }
        }

        var existing = await ListNamespacesAsync(cancellationToken);
        foreach (var ns in namespaces.Where(existing.Contains))
        {
            var (_, output) = await ProcessRunner.RunAsync(Ip, ["netns", "pids", ns], cancellationToken: cancellationToken);
            pids.UnionWith(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out var pid) ? pid : 0).Where(p => p > 0));
        }

        await Signals.StopAllAsync(pids, TimeSpan.FromSeconds(5), cancellationToken);
        var toDelete = namespaces.Where(existing.Contains).ToList();
        if (toDelete.Count > 0)
        {
            // -force: carry on past a namespace someone else removed meanwhile.
            await ProcessRunner.RunAsync(Ip, ["-force", "-batch", "-"], stdin: string.Concat(toDelete.Select(n => $"netns del {n}\n")),
                cancellationToken: cancellationToken);
        }

        foreach (var folder in record?.Folders ?? [])
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        File.Delete(RecordFile(paths));
        if (pids.Count > 0 || toDelete.Count > 0)
        {
            log?.Information("Routers removed: {Daemons} daemons stopped, {Namespaces} namespaces deleted", pids.Count, toDelete.Count);
        }
    }

    /// <summary>Each router's daemons that are running now, by the pid files they wrote.</summary>
    public IReadOnlyList<RouterStatus> Status() => Topology.Routers.Select(r =>
    {
        var runtime = runtimes[r.Name];
        var running = r.Daemons.Where(d => File.Exists(runtime.PidFile(d))
            && int.TryParse(File.ReadAllText(runtime.PidFile(d)).Trim(), CultureInfo.InvariantCulture, out var pid) && IsFrrDaemon(pid)).ToList();
        return new RouterStatus(r.Name, r.Management, runtime.Namespace, r.Daemons, running);
    }).ToList();

    /// <summary>
    /// Puts routers back as the topology made them: every link up again, and the starting
    /// configuration restored by FRR's own frr-reload.py, which computes and applies only the
    /// difference, so a router that was not changed is not disturbed.
    /// </summary>
    public async Task ResetAsync(IEnumerable<string>? routers = null, CancellationToken cancellationToken = default)
    {
        var chosen = (routers ?? Topology.Routers.Select(r => r.Name)).Select(RuntimeOf).ToList();
        await EachAsync(chosen, async runtime =>
        {
            var faces = Topology[runtime.Name].Interfaces;
            if (faces.Count > 0)
            {
                await ProcessRunner.RunCheckedAsync(Ip, ["-n", runtime.Namespace, "-batch", "-"],
                    stdin: string.Concat(faces.Select(f => $"link set {f.Name} up\n")), cancellationToken: cancellationToken);
            }

            var (code, output) = await ProcessRunner.RunAsync("/usr/bin/python3",
                [Path.Combine(RouterRuntime.FrrDaemons, "frr-reload.py"), "--reload", "--stdout", "--log-level", "error",
                 "--vty_socket", runtime.Folder, "--bindir", "/usr/bin", "--confdir", runtime.Folder, "--rundir", runtime.Folder,
                 runtime.StartingConfig], cancellationToken: cancellationToken);
            if (code != 0)
            {
                throw new LabException($"router {runtime.Name}: frr-reload.py could not restore the starting configuration (exit {code}): {output}");
            }
        });
    }

    private const string Ip = "/usr/sbin/ip";

    private sealed record Record(List<string> Namespaces, List<string> Folders);

    private static Record? ReadRecord(LabPaths paths)
    {
        try
        {
            return File.Exists(RecordFile(paths)) ? JsonSerializer.Deserialize<Record>(File.ReadAllText(RecordFile(paths))) : null;
        }
        catch (JsonException)
        {
            // A record cut short by a crash: the namespace prefix still finds what it named.
            return null;
        }
    }

    private static async Task<HashSet<string>> ListNamespacesAsync(CancellationToken cancellationToken)
    {
        var (_, output) = await ProcessRunner.RunAsync(Ip, ["netns", "list"], cancellationToken: cancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Guards against a recycled pid: only FRR's own daemons are signalled from pid files.</summary>
    private static bool IsFrrDaemon(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").StartsWith(RouterRuntime.FrrDaemons + "/", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task PrepareFoldersAsync(List<(TopologyRouter Router, RouterRuntime Runtime)> routers, CancellationToken cancellationToken)
    {
        const UnixFileMode Reachable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(RouterRuntime.RoutersFolder(paths));
        File.SetUnixFileMode(RouterRuntime.RoutersFolder(paths), Reachable);
        foreach (var (router, runtime) in routers)
        {
            if (Directory.Exists(runtime.Folder))
            {
                Directory.Delete(runtime.Folder, recursive: true);
            }

            Directory.CreateDirectory(runtime.Folder);
            File.WriteAllText(runtime.StartingConfig, router.StartingConfig);
            File.WriteAllText(runtime.Config, router.StartingConfig);
            // vtysh's prompt comes from its own hostname, not the daemons'.
            File.WriteAllText(runtime.VtyshConfig, $"service integrated-vtysh-config\nhostname {router.Name}\n");
            // The daemons (user frr) write pid files and sockets here; vtysh in an SSH session (the
            // lab's account, group frrvty) reaches the sockets and writes frr.conf on `write memory`.
            File.SetUnixFileMode(runtime.Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.SetGroup);
        }

        var (code, output) = await ProcessRunner.RunAsync("/usr/bin/chown", ["-R", "frr:frrvty", .. routers.Select(r => r.Runtime.Folder)],
            cancellationToken: cancellationToken);
        if (code != 0)
        {
            throw new LabException($"cannot hand the routers' folders to FRR's account (is the frr package installed? apt-get install -y frr): {output}");
        }
    }

    /// <summary>A new namespace neither forwards nor skips duplicate address detection; routers need both.</summary>
    private static Task SysctlsAsync(RouterRuntime runtime, CancellationToken cancellationToken) =>
        ProcessRunner.RunCheckedAsync(Ip, ["netns", "exec", runtime.Namespace, "/usr/sbin/sysctl", "-q", "-w",
            "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
            "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"], cancellationToken: cancellationToken);

    private static Task AddressesAsync(TopologyRouter router, RouterRuntime runtime, CancellationToken cancellationToken)
    {
        var batch = new StringBuilder("link set lo up\n");
        foreach (var loopback in router.Loopbacks)
        {
            batch.Append(CultureInfo.InvariantCulture, $"address add {loopback} dev lo\n");
        }

        foreach (var face in router.Interfaces)
        {
            foreach (var address in new[] { face.Ipv4, face.Ipv6 }.OfType<string>())
            {
                batch.Append(CultureInfo.InvariantCulture, $"address add {address} dev {face.Name}\n");
            }

            batch.Append(CultureInfo.InvariantCulture, $"link set {face.Name} up\n");
        }

        return ProcessRunner.RunCheckedAsync(Ip, ["-n", runtime.Namespace, "-batch", "-"], stdin: batch.ToString(), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// zebra first, then the others, each daemonised (-d returns once the daemon is ready). They run
    /// in the router's namespace and in a UTS namespace of their own named after the router, since
    /// FRR's daemons take their hostname from uname.
    /// </summary>
    private static async Task StartDaemonsAsync(TopologyRouter router, RouterRuntime runtime, CancellationToken cancellationToken)
    {
        var script = new StringBuilder($"hostname {router.Name}");
        foreach (var daemon in router.Daemons)
        {
            // -N keeps FRR away from the system's /etc/frr and /run/frr; -P 0 opens no TCP vty port.
            script.Append(CultureInfo.InvariantCulture,
                $" && {RouterRuntime.FrrDaemons}/{daemon} -d -N {runtime.Namespace} --vty_socket {runtime.Folder} -i {runtime.PidFile(daemon)}"
                + $" -P 0 -u frr -g frr --log file:{runtime.LogFile(daemon)} -z {runtime.ZservSocket}");
        }

        var (code, output) = await ProcessRunner.RunAsync(Ip, ["netns", "exec", runtime.Namespace, "/usr/bin/unshare", "--uts", "/bin/sh", "-c", script.ToString()],
            cancellationToken: cancellationToken);
        if (code != 0)
        {
            throw new LabException($"router {router.Name}: FRR's daemons did not start (exit {code}): {output}; logs in {runtime.Folder}");
        }
    }

    private static async Task ApplyStartingConfigAsync(RouterRuntime runtime, CancellationToken cancellationToken)
    {
        var (code, output) = await ProcessRunner.RunAsync(RouterRuntime.VtyshProgram, [.. runtime.VtyshArguments, "-f", runtime.StartingConfig],
            cancellationToken: cancellationToken);
        if (code != 0)
        {
            throw new LabException($"router {runtime.Name}: its starting configuration was refused (vtysh exit {code}): {output}");
        }
    }

    private static Task EachAsync<T>(IEnumerable<T> items, Func<T, Task> action) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (item, _) => await action(item));
}

/// <summary>What <c>lab status</c> shows of a router.</summary>
public sealed record RouterStatus(string Name, string Management, string Namespace, IReadOnlyList<string> Daemons, IReadOnlyList<string> Running);

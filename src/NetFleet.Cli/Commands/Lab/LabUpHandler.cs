using System.CommandLine;
using System.Diagnostics;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Topology;

namespace NetFleet.Cli.Commands;

/// <param name="Devices">Null when not given: 6 simulated devices, or none beside a topology.</param>
internal sealed record LabUpOptions(int? Devices, string Platforms, int Port, FileInfo? Spec, DirectoryInfo? Inventory, double DeviceMinute,
    string? IosVariant, bool Foreground, string Dir)
{
    public FileInfo? Topology { get; init; }
    public bool Wait { get; init; }
    public double WaitTimeout { get; init; } = 60;

    /// <summary>Debian netconfd servers to serve beside the devices; null when not given.</summary>
    public int? Netconfd { get; init; }
}

/// <summary><c>netfleet lab up</c>: starts the lab as a background daemon and writes its inventory.</summary>
internal sealed class LabUpHandler
{
    public static Command Command()
    {
        var devices = new Option<int>("--devices", "-n")
        {
            Description = "How many devices to serve (spread evenly over the platforms); 6, or none beside --topology",
            DefaultValueFactory = _ => DefaultDevices,
        };
        var platforms = new Option<string>("--platforms", "-p")
        {
            Description = "Comma-separated platforms: ios, eos, junos (or cisco_ios, arista_eos, juniper_junos)",
            DefaultValueFactory = _ => "ios,eos,junos",
        };
        var port = new Option<int>("--port")
        {
            Description = "TCP port every device listens on, at its own loopback address",
            DefaultValueFactory = _ => LabDefaults.Port,
        };
        var spec = new Option<FileInfo?>("--spec")
        {
            Description = "A lab inventory (lab.yaml) to serve instead of generating one; it can inject faults per device",
        };
        var inventory = new Option<DirectoryInfo?>("--inventory", "-i")
        {
            Description = "Also write a matching NetFleet inventory (hosts/groups/defaults.yaml) here (always written to DIR/inventory)",
        };
        var deviceMinute = new Option<double>("--device-minute")
        {
            Description = "Seconds in a device minute, for commit-confirmed style timers (tests shorten it)",
            DefaultValueFactory = _ => 60,
        };
        var iosVariant = new Option<string?>("--ios-variant")
        {
            Description = "Make the IOS devices a variant operators meet: classic (as without the option), no-archive, "
                + "legacy (12.4, no configure replace, no archive, enable without a secret, a MOTD banner), "
                + "privileged-slow (privilege-15 login, slow show running-config), or mixed (cycles through the four)",
        };
        iosVariant.AcceptOnlyFromAmong([.. IosVariants.Names]);
        var topology = new Option<FileInfo?>("--topology", "-t")
        {
            Description = "Also grow FRRouting routers from a topology file (deploy/topologies/line3.yaml): one network namespace "
                + "per router, reached by SSH on its own management address, landing in its vtysh",
        };
        var wait = new Option<bool>("--wait")
        {
            Description = "With --topology: return only once every BGP peer is Established and every OSPF adjacency Full",
        };
        var waitTimeout = new Option<double>("--wait-timeout")
        {
            Description = "Seconds --wait waits for convergence before failing",
            DefaultValueFactory = _ => 60,
        };
        var netconfd = new Option<int?>("--netconfd")
        {
            Description = "Also serve this many Debian netconfd servers (NETCONF only, ietf-interfaces, candidate and confirmed commit), "
                + "named netconfd1… at 127.0.5.x on the lab's port, in inventory group netconfd (platform netconf)",
        };
        var foreground = new Option<bool>("--foreground")
        {
            Description = "Run in this process until Ctrl-C instead of as a background daemon",
        };
        var dir = LabCommands.DirOption();
        var command = new Command("up", "Start the lab (as a background daemon) and write its inventory")
        {
            devices, platforms, port, spec, inventory, deviceMinute, iosVariant, topology, wait, waitTimeout, netconfd, foreground, dir,
        };
        command.SetAction((parse, ct) => new LabUpHandler().RunAsync(new LabUpOptions(
            parse.GetResult(devices) is { Implicit: false } ? parse.GetValue(devices) : null, parse.GetValue(platforms)!,
            parse.GetValue(port), parse.GetValue(spec), parse.GetValue(inventory), parse.GetValue(deviceMinute), parse.GetValue(iosVariant),
            parse.GetValue(foreground), parse.GetValue(dir)!)
        {
            Topology = parse.GetValue(topology),
            Wait = parse.GetValue(wait),
            WaitTimeout = parse.GetValue(waitTimeout),
            Netconfd = parse.GetValue(netconfd),
        }, ct));
        return command;
    }

    public async Task<int> RunAsync(LabUpOptions options, CancellationToken cancellationToken)
    {
        var paths = LabPaths.At(options.Dir);
        if (await LabClient.StatusAsync(paths, cancellationToken) is { } running)
        {
            Console.Error.WriteLine($"A lab is already up in {paths.Root} ({running.Devices} devices, pid {running.Pid}); run `netfleet lab down` first.");
            return 1;
        }

        if (options.Spec is { } given && options.IosVariant is not null)
        {
            Console.Error.WriteLine($"--ios-variant shapes a generated lab; in {given.FullName} give each cisco_ios device a `variant:` instead.");
            return 2;
        }

        if (options.Wait && options.Topology is null)
        {
            Console.Error.WriteLine("--wait waits for a topology's routers to converge; give one with --topology FILE.");
            return 2;
        }

        LabSpec labSpec;
        LabTopology? topology;
        try
        {
            topology = options.Topology is { } topologyFile ? TopologyLoader.Load(topologyFile.FullName) : null;
            labSpec = options.Spec is { } specFile
                ? LabSpec.Load(specFile.FullName, routersOnly: topology is not null)
                : topology is not null && options.Devices is null
                    ? new LabSpec(options.Port, TimeSpan.FromSeconds(options.DeviceMinute), [])
                    : LabSpec.Generate(options.Devices ?? DefaultDevices, ParsePlatforms(options.Platforms),
                        options.Port, TimeSpan.FromSeconds(options.DeviceMinute), options.IosVariant);
            if (options.Netconfd is { } servers)
            {
                if (servers is < 0 or > 32) throw new ArgumentException($"--netconfd {servers}: serve 0 to 32 netconfd servers");
                labSpec = labSpec with { NetconfServers = servers };
            }

            if (topology?.CollisionsWith(labSpec.Devices.Select(d => (d.Name, d.Address))) is { Count: > 0 } collisions)
            {
                throw new TopologyException(collisions);
            }

            if (topology is not null && await TopologyConfigCheck.CheckAsync(topology, cancellationToken) is { Count: > 0 } refused)
            {
                throw new TopologyException(refused);
            }
        }
        catch (Exception e) when (e is LabSpecException or ArgumentException or TopologyException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        Directory.CreateDirectory(paths.Root);
        Directory.CreateDirectory(paths.Logs);
        labSpec.Save(paths.Spec);
        if (topology is null)
        {
            File.Delete(paths.Topology);
        }
        else
        {
            topology.Save(paths.Topology);
        }

        LabInventoryWriter.Write(labSpec, paths, paths.Inventory, topology);
        if (options.Inventory is { } inventoryDir)
        {
            LabInventoryWriter.Write(labSpec, paths, inventoryDir.FullName, topology);
        }

        if (options.Foreground)
        {
            return await LabServeHandler.ServeAsync(paths, cancellationToken);
        }

        var started = await StartDaemonAsync(paths, labSpec, options.Inventory?.FullName ?? paths.Inventory, topology?.Routers.Count ?? 0, cancellationToken);
        return started != 0 || topology is null || !options.Wait
            ? started
            : await WaitForConvergenceAsync(paths, topology, TimeSpan.FromSeconds(options.WaitTimeout), cancellationToken);
    }

    private const int DefaultDevices = 6;

    private static async Task<int> WaitForConvergenceAsync(LabPaths paths, LabTopology topology, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await FrrConvergence.WaitAsync(new FrrLab(paths, topology), timeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine($"The lab is up but {e.Message}. Look with `vtysh {string.Join(' ', RouterRuntime.For(paths, topology.Routers[0].Name).VtyshArguments)}`, "
                + "or stop it with `netfleet lab down`.");
            return 4;
        }

        Console.WriteLine($"  converged   in {stopwatch.Elapsed.TotalSeconds:0.0} s more: every BGP peer Established, every OSPF adjacency Full");
        return 0;
    }

    private static IReadOnlyList<ILabPlatform> ParsePlatforms(string list)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => LabPlatforms.Find(n) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown platform(s) {string.Join(", ", unknown)}; expected "
                + string.Join(", ", LabPlatforms.All.Select(p => $"{p.ShortName} ({p.Name})")));
        }

        return names.Select(n => LabPlatforms.Find(n)!).Distinct().ToList();
    }

    private static async Task<int> StartDaemonAsync(LabPaths paths, LabSpec spec, string inventoryDir, int routers, CancellationToken cancellationToken)
    {
        // Routers start before the lab answers: 100 took 57 s on the busy 2-core VM; so do the sshd instances,
        // one per 16 devices: 5,000 devices took 27-41 s there at loads of 20-50.
        var patience = TimeSpan.FromSeconds(60 + (routers * 2) + (spec.Devices.Count / 100.0));
        var log = Path.Combine(paths.Logs, "lab.log");
        var (program, prefix) = SelfProcess.Invocation();
        // setsid detaches the daemon from this terminal; its output goes to the lab log.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec setsid \"$@\" >>\"$NETFLEET_LAB_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(program);
        foreach (var arg in prefix.Concat(["lab", "serve", "--dir", paths.Root]))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NETFLEET_LAB_LOG"] = log;
        var logStart = File.Exists(log) ? new FileInfo(log).Length : 0;
        using var launcher = Process.Start(start)!;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < patience)
        {
            if (await LabClient.StatusAsync(paths, cancellationToken) is { } status && status.StartedAt != default)
            {
                var served = new List<string>();
                if (status.Routers.Count > 0)
                {
                    served.Add($"{status.Routers.Count} FRR routers");
                }

                if (status.Devices > 0 || status.Routers.Count == 0)
                {
                    served.Add($"{status.Devices} devices ({string.Join(", ", status.Platforms.Select(p => $"{p.Value} {p.Key}"))})");
                }

                Console.WriteLine($"Lab up in {stopwatch.Elapsed.TotalSeconds:0.0} s: {string.Join(" and ", served)} on port {status.Port}, "
                    + $"{status.SshdInstances} sshd, pid {status.Pid}");
                if (spec.Devices.Count > 0)
                {
                    Console.WriteLine($"  addresses   {spec.Devices[0].Address} … {spec.Devices[^1].Address}");
                }

                foreach (var router in status.Routers)
                {
                    Console.WriteLine($"  router      {router.Name} at {router.Management}, namespace {router.Namespace}");
                }

                Console.WriteLine($"  inventory   {inventoryDir}");
                var first = spec.Devices.Count > 0 ? spec.Devices[0].Address : status.Routers[0].Management;
                Console.WriteLine($"  login       ssh -p {status.Port} -i {paths.ClientKey} -o UserKnownHostsFile={paths.KnownHosts} {LabDefaults.Username}@{first}");
                return 0;
            }

            if (launcher.HasExited && launcher.ExitCode != 0)
            {
                break;
            }

            await Task.Delay(100, cancellationToken);
        }

        Console.Error.WriteLine("The lab did not come up. Its log says:");
        if (File.Exists(log))
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(logStart, SeekOrigin.Begin);
            Console.Error.WriteLine(await new StreamReader(stream).ReadToEndAsync(cancellationToken));
        }

        return 1;
    }
}

using System.CommandLine;
using System.Diagnostics;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;

namespace NetFleet.Cli.Commands;

internal sealed record LabUpOptions(int Devices, string Platforms, int Port, FileInfo? Spec, DirectoryInfo? Inventory, double DeviceMinute,
    string? IosVariant, bool Foreground, string Dir);

/// <summary><c>netfleet lab up</c>: starts the lab as a background daemon and writes its inventory.</summary>
internal sealed class LabUpHandler
{
    public static Command Command()
    {
        var devices = new Option<int>("--devices", "-n")
        {
            Description = "How many devices to serve (spread evenly over the platforms)",
            DefaultValueFactory = _ => 6,
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
        var foreground = new Option<bool>("--foreground")
        {
            Description = "Run in this process until Ctrl-C instead of as a background daemon",
        };
        var dir = LabCommands.DirOption();
        var command = new Command("up", "Start the lab (as a background daemon) and write its inventory")
        {
            devices, platforms, port, spec, inventory, deviceMinute, iosVariant, foreground, dir,
        };
        command.SetAction((parse, ct) => new LabUpHandler().RunAsync(new LabUpOptions(parse.GetValue(devices), parse.GetValue(platforms)!,
            parse.GetValue(port), parse.GetValue(spec), parse.GetValue(inventory), parse.GetValue(deviceMinute), parse.GetValue(iosVariant),
            parse.GetValue(foreground), parse.GetValue(dir)!), ct));
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

        LabSpec labSpec;
        try
        {
            labSpec = options.Spec is { } specFile
                ? LabSpec.Load(specFile.FullName)
                : LabSpec.Generate(options.Devices, ParsePlatforms(options.Platforms),
                    options.Port, TimeSpan.FromSeconds(options.DeviceMinute), options.IosVariant);
        }
        catch (Exception e) when (e is LabSpecException or ArgumentException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        Directory.CreateDirectory(paths.Root);
        Directory.CreateDirectory(paths.Logs);
        labSpec.Save(paths.Spec);
        LabInventoryWriter.Write(labSpec, paths, paths.Inventory);
        if (options.Inventory is { } inventoryDir)
        {
            LabInventoryWriter.Write(labSpec, paths, inventoryDir.FullName);
        }

        if (options.Foreground)
        {
            return await LabServeHandler.ServeAsync(paths, cancellationToken);
        }

        return await StartDaemonAsync(paths, labSpec, options.Inventory?.FullName ?? paths.Inventory, cancellationToken);
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

    private static async Task<int> StartDaemonAsync(LabPaths paths, LabSpec spec, string inventoryDir, CancellationToken cancellationToken)
    {
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
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await LabClient.StatusAsync(paths, cancellationToken) is { } status && status.StartedAt != default)
            {
                Console.WriteLine($"Lab up in {stopwatch.Elapsed.TotalSeconds:0.0} s: {status.Devices} devices "
                    + $"({string.Join(", ", status.Platforms.Select(p => $"{p.Value} {p.Key}"))}) on port {status.Port}, "
                    + $"{status.SshdInstances} sshd, pid {status.Pid}");
                Console.WriteLine($"  addresses   {spec.Devices[0].Address} … {spec.Devices[^1].Address}");
                Console.WriteLine($"  inventory   {inventoryDir}");
                Console.WriteLine($"  login       ssh -p {status.Port} -i {paths.ClientKey} -o UserKnownHostsFile={paths.KnownHosts} {LabDefaults.Username}@{spec.Devices[0].Address}");
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

using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using Serilog.Events;

namespace NetFleet.Cli.Commands;

/// <summary><c>netfleet lab up|down|status|reset</c>: the device lab as a background daemon.</summary>
internal static class LabCommands
{
    private static readonly Option<string> DirOption = new("--dir")
    {
        Description = "Folder holding the lab's config, keys, device state, logs and socket",
        DefaultValueFactory = _ => LabPaths.DefaultRoot,
    };

    public static Command Create()
    {
        var lab = new Command("lab", """
            A lab of simulated network devices behind Debian's OpenSSH sshd, on loopback only.
            Each device has its own address (127.0.1.1, 127.0.1.2, …) and port 10022 by default,
            and behaves like a real Cisco IOS, Arista EOS or Juniper Junos CLI. Needs root.
            """);
        lab.Subcommands.Add(Up());
        lab.Subcommands.Add(Down());
        lab.Subcommands.Add(Status());
        lab.Subcommands.Add(Reset());
        lab.Subcommands.Add(Serve());
        lab.Subcommands.Add(LabBench.Create(DirOption));
        return lab;
    }

    private static Command Up()
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
        var command = new Command("up", "Start the lab (as a background daemon) and write its inventory")
        {
            devices, platforms, port, spec, inventory, deviceMinute, iosVariant, foreground, DirOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = LabPaths.At(parse.GetValue(DirOption)!);
            if (await LabClient.StatusAsync(paths, cancellationToken) is { } running)
            {
                Console.Error.WriteLine($"A lab is already up in {paths.Root} ({running.Devices} devices, pid {running.Pid}); run `netfleet lab down` first.");
                return 1;
            }

            if (parse.GetValue(spec) is { } given && parse.GetValue(iosVariant) is not null)
            {
                Console.Error.WriteLine($"--ios-variant shapes a generated lab; in {given.FullName} give each cisco_ios device a `variant:` instead.");
                return 2;
            }

            LabSpec labSpec;
            try
            {
                labSpec = parse.GetValue(spec) is { } specFile
                    ? LabSpec.Load(specFile.FullName)
                    : LabSpec.Generate(parse.GetValue(devices), ParsePlatforms(parse.GetValue(platforms)!),
                        parse.GetValue(port), TimeSpan.FromSeconds(parse.GetValue(deviceMinute)), parse.GetValue(iosVariant));
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
            if (parse.GetValue(inventory) is { } inventoryDir)
            {
                LabInventoryWriter.Write(labSpec, paths, inventoryDir.FullName);
            }

            if (parse.GetValue(foreground))
            {
                return await ServeAsync(paths, cancellationToken);
            }

            return await StartDaemonAsync(paths, labSpec, parse.GetValue(inventory)?.FullName ?? paths.Inventory, cancellationToken);
        });
        return command;
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

    private static Command Serve()
    {
        var command = new Command("serve", "Run the lab daemon in the foreground (what `lab up` starts)") { DirOption };
        command.Hidden = true;
        command.SetAction((parse, cancellationToken) => ServeAsync(LabPaths.At(parse.GetValue(DirOption)!), cancellationToken));
        return command;
    }

    private static async Task<int> ServeAsync(LabPaths paths, CancellationToken cancellationToken)
    {
        var log = Logging.Create(LogEventLevel.Information);
        LabSpec spec;
        try
        {
            spec = LabSpec.Load(paths.Spec);
        }
        catch (Exception e) when (e is LabSpecException or IOException)
        {
            log.Error("Cannot read the lab inventory: {Reason}", e.Message);
            return 2;
        }

        await using var host = new LabHost(paths, spec, log: log);
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

    private static Command Down()
    {
        var command = new Command("down", "Stop the lab daemon and its sshd instances (device state is kept)") { DirOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = LabPaths.At(parse.GetValue(DirOption)!);
            if (!await LabClient.StopAsync(paths, cancellationToken))
            {
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
        });
        return command;
    }

    private static Command Status()
    {
        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var command = new Command("status", "Show whether a lab is up, its devices and sessions served") { DirOption, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = LabPaths.At(parse.GetValue(DirOption)!);
            var status = await LabClient.StatusAsync(paths, cancellationToken);
            if (status is null)
            {
                Console.WriteLine($"No lab is up in {paths.Root}.");
                return 3;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(status));
                return 0;
            }

            Console.WriteLine($"Lab up since {status.StartedAt:u} (pid {status.Pid}) in {status.Root}");
            Console.WriteLine($"  devices     {status.Devices}: {string.Join(", ", status.Platforms.Select(p => $"{p.Value} {p.Key}"))}");
            if (status.IosVariants.Count > 0)
            {
                Console.WriteLine($"  ios         {string.Join(", ", status.IosVariants.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Value} {v.Key}"))}");
            }
            Console.WriteLine($"  port        {status.Port} ({status.SshdInstances} sshd instances)");
            Console.WriteLine($"  sessions    {status.SessionsServed} served, {status.SessionsActive} open");
            return 0;
        });
        return command;
    }

    private static Command Reset()
    {
        var devices = new Argument<string[]>("device") { Description = "Devices to reset (all when none is named)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("reset", "Put devices back to their factory configuration") { devices, DirOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = LabPaths.At(parse.GetValue(DirOption)!);
            var names = parse.GetValue(devices) ?? [];
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
        });
        return command;
    }
}

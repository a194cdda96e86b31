using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NetFleet.Actors;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;
using NetFleet.Lab.Hosting;
using NetFleet.Node;
using Serilog.Events;

namespace NetFleet.Cli.Commands;

internal sealed record BenchOptions(int Devices, int Rounds, FileInfo Playbook, int Forks, double SoakMinutes)
{
    public string Platforms { get; init; } = "ios,eos,junos";
}

/// <summary>
/// <c>netfleet bench</c>: runs playbooks/bench.yaml (connect, enable, show version, two config
/// lines) on a fresh lab of N devices and reports wall time, client CPU per device and peak
/// memory. The lab runs as its own daemon process so that its CPU is not counted as the client's.
/// </summary>
internal sealed class BenchHandler
{
    public static Command Command()
    {
        var devices = new Option<int>("--devices", "-n") { Description = "Lab devices to run on", DefaultValueFactory = _ => 200 };
        var rounds = new Option<int>("--rounds") { Description = "Runs of the playbook (sessions stay open between runs)", DefaultValueFactory = _ => 1 };
        var playbookPath = new Option<FileInfo>("--playbook")
        {
            Description = "The playbook to run",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("playbooks", "bench.yaml")),
        };
        var forks = new Option<int>("--forks", "-f")
        {
            Description = "At most this many devices at once; 0 for no limit (default: as `run`)",
            DefaultValueFactory = _ => RunHandler.DefaultForks,
        };
        var platforms = new Option<string>("--platforms", "-p")
        {
            Description = "The lab's platforms, as `lab up --platforms` takes them (junos alone for a NETCONF playbook)",
            DefaultValueFactory = _ => "ios,eos,junos",
        };
        var soak = new Option<double>("--soak-minutes")
        {
            Description = "Instead of --rounds, repeat the playbook for this long and report whether memory stays flat",
        };
        var command = new Command("bench", "Measure a playbook run over a fresh lab: wall time, client CPU per device, peak memory")
        {
            devices, rounds, playbookPath, forks, platforms, soak,
        };
        command.SetAction((parse, ct) => new BenchHandler().RunAsync(new BenchOptions(parse.GetValue(devices), parse.GetValue(rounds),
            parse.GetValue(playbookPath)!, parse.GetValue(forks), parse.GetValue(soak)) { Platforms = parse.GetValue(platforms)! }, ct));
        return command;
    }

    public async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var count = options.Devices;
        var dir = Directory.CreateTempSubdirectory("netfleet-bench-");
        var paths = LabPaths.At(dir.FullName);
        var port = 20000 + Random.Shared.Next(20000);
        try
        {
            if (await SelfProcess.RunAsync("lab", "up", "--devices", count.ToString(CultureInfo.InvariantCulture), "--platforms", options.Platforms, "--port",
                    port.ToString(CultureInfo.InvariantCulture), "--dir", paths.Root) != 0)
            {
                Console.Error.WriteLine("The benchmark lab did not start.");
                return 1;
            }

            var playbook = PlaybookLoader.Load(options.Playbook.FullName);
            var inventory = InventoryLoader.Load(paths.Inventory);
            if (playbook.Playbook is null || inventory.Inventory is null)
            {
                Console.Error.WriteLine(string.Join(Environment.NewLine, playbook.Diagnostics.Concat(inventory.Diagnostics)));
                return 2;
            }

            await using var log = (Serilog.Core.Logger)Logging.Create(LogEventLevel.Warning);
            // Jobs are journaled as `run` journals them (SQLite here), so the figures include that cost.
            await using var node = await NetFleetNode.StartAsync(JobStore.Resolve("sqlite:" + Path.Combine(paths.Root, "bench.db")), log,
                cancellationToken: cancellationToken);
            var runner = node.Runner;
            var process = Process.GetCurrentProcess();
            var soakFor = TimeSpan.FromMinutes(options.SoakMinutes);
            var soaking = Stopwatch.StartNew();
            long? firstHeap = null;
            long lastHeap = 0;
            for (var round = 1; soakFor > TimeSpan.Zero ? soaking.Elapsed < soakFor : round <= options.Rounds; round++)
            {
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                var jobOptions = new JobOptions(Environment.UserName)
                {
                    KnownHostsPath = paths.KnownHosts,
                    JobId = NetFleet.Actors.Jobs.JobLauncher.NewJobId(),
                    Forks = options.Forks is > 0 and var f ? f : null,
                };
                var summary = await runner.RunAsync(options.Playbook.FullName, playbook.Playbook,
                    inventory.Inventory, jobOptions, _ => { }, cancellationToken);
                wall.Stop();
                process.Refresh();
                var cpu = process.TotalProcessorTime - cpuBefore;
                var failed = summary.Recap.Count(r => r.HasFailures);
                // Live managed memory after a full collection: what a leak would make grow round after round.
                lastHeap = GC.GetTotalMemory(forceFullCollection: true);
                firstHeap ??= lastHeap;
                Console.WriteLine($"round {round}: {count} devices in {wall.Elapsed.TotalSeconds:0.00} s wall, "
                    + $"client CPU {cpu.TotalSeconds:0.00} s = {cpu.TotalMilliseconds / count:0.0} ms per device, "
                    + $"live heap {lastHeap / (1024 * 1024.0):0.0} MiB, working set {process.WorkingSet64 / (1024 * 1024)} MiB, "
                    + $"peak {process.PeakWorkingSet64 / (1024 * 1024)} MiB, {failed} host(s) failed ({summary.Outcome})");
            }

            if (soakFor > TimeSpan.Zero && firstHeap is { } first)
            {
                Console.WriteLine($"soak: {soaking.Elapsed.TotalMinutes:0.0} min; live heap after round 1 {first / (1024 * 1024.0):0.0} MiB, "
                    + $"after the last round {lastHeap / (1024 * 1024.0):0.0} MiB");
            }

            return 0;
        }
        finally
        {
            await SelfProcess.RunAsync("lab", "down", "--dir", paths.Root);
            dir.Delete(recursive: true);
        }
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetFleet.Actors;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;
using NetFleet.Lab.Hosting;
using NetFleet.Node;
using Serilog.Events;

namespace NetFleet.Cli.Commands;

internal sealed record BenchOptions(IReadOnlyList<int> Sizes, int Rounds, FileInfo Playbook, int Forks, double SoakMinutes)
{
    public string Platforms { get; init; } = "ios,eos,junos";

    /// <summary>Where the measurements go as JSON (<c>--report</c>).</summary>
    public FileInfo? Report { get; init; }

    /// <summary>The scale mode's SVG (<c>--plot</c>).</summary>
    public FileInfo? Plot { get; init; }
}

/// <summary>
/// <c>netfleet bench</c>: runs playbooks/bench.yaml (connect, enable, show version, two config
/// lines) on a fresh lab of N devices and reports wall time, client and lab CPU per device, peak
/// memory and when the first and last results came. The lab runs as its own daemon process so that
/// its CPU is not counted as the client's. Several sizes (<c>--devices 500,1000,2000</c>) make the
/// scale mode (<see cref="BenchScale"/>): each size in a process of its own, then a table and a plot.
/// </summary>
internal sealed class BenchHandler
{
    public static Command Command()
    {
        var devices = new Option<string>("--devices", "-n")
        {
            Description = "Lab devices to run on; several sizes (500,1000,2000,5000) run each on a fresh lab in a process of its own "
                + "and print how the cost grows",
            DefaultValueFactory = _ => "200",
        };
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
        var report = new Option<FileInfo?>("--report") { Description = "Also write the measurements to this file as JSON" };
        var plot = new Option<FileInfo?>("--plot")
        {
            Description = "With several sizes: draw wall time and the client's peak memory against devices into this SVG file",
        };
        var fromReports = new Option<FileInfo[]>("--from-report")
        {
            Description = "Instead of measuring, print the table and draw --plot from files an earlier --report wrote (several join)",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("bench", "Measure a playbook run over a fresh lab: wall time, client and lab CPU per device, peak memory, "
            + "time to the first and last result; with several --devices sizes, how they grow")
        {
            devices, rounds, playbookPath, forks, platforms, soak, report, plot, fromReports,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(devices) is { } text && ParseSizes(text) is { Error: { } error })
            {
                result.AddError($"--devices: {error}");
            }
        });
        command.SetAction((parse, ct) =>
        {
            var options = new BenchOptions(ParseSizes(parse.GetValue(devices)!).Sizes, parse.GetValue(rounds), parse.GetValue(playbookPath)!,
                parse.GetValue(forks), parse.GetValue(soak))
            {
                Platforms = parse.GetValue(platforms)!,
                Report = parse.GetValue(report),
                Plot = parse.GetValue(plot),
            };
            if (parse.GetValue(fromReports) is { Length: > 0 } reports) return new BenchScale().FromReportsAsync(reports, options, ct);
            return options.Sizes.Count > 1 || options.Plot is not null
                ? new BenchScale().RunAsync(options, ct)
                : new BenchHandler().RunAsync(options, ct);
        });
        return command;
    }

    /// <summary>"500,1000,2000" into sizes, or what is wrong with it.</summary>
    internal static (IReadOnlyList<int> Sizes, string? Error) ParseSizes(string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                return ([], $"'{part}' is not a number of devices (expected positive whole numbers separated by commas, e.g. 500,1000,2000)");
            }

            sizes.Add(size);
        }

        return (sizes, null);
    }

    public async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var count = options.Sizes[0];
        var dir = Directory.CreateTempSubdirectory("netfleet-bench-");
        var paths = LabPaths.At(dir.FullName);
        // Below the ephemeral range, so no client socket of this run holds the lab's port.
        var port = 20000 + Random.Shared.Next(12000);
        try
        {
            var labUp = Stopwatch.StartNew();
            if (await SelfProcess.RunAsync("lab", "up", "--devices", count.ToString(CultureInfo.InvariantCulture), "--platforms", options.Platforms, "--port",
                    port.ToString(CultureInfo.InvariantCulture), "--dir", paths.Root) != 0)
            {
                Console.Error.WriteLine("The benchmark lab did not start.");
                return 1;
            }

            labUp.Stop();
            var lab = await LabClient.StatusAsync(paths, cancellationToken)
                ?? throw new InvalidOperationException($"the lab in {paths.Root} started but does not answer");
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
            var measured = new List<BenchMeasurement>();
            for (var round = 1; soakFor > TimeSpan.Zero ? soaking.Elapsed < soakFor : round <= options.Rounds; round++)
            {
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var labBefore = LabCpu(lab);
                var jobOptions = new JobOptions(Environment.UserName)
                {
                    KnownHostsPath = paths.KnownHosts,
                    JobId = NetFleet.Actors.Jobs.JobLauncher.NewJobId(),
                    Forks = options.Forks is > 0 and var f ? f : null,
                };
                var results = new ResultTimes();
                var summary = await runner.RunAsync(options.Playbook.FullName, playbook.Playbook,
                    inventory.Inventory, jobOptions, results.Observe, cancellationToken);
                var wall = results.Elapsed;
                process.Refresh();
                var cpu = process.TotalProcessorTime - cpuBefore;
                var labCpu = LabCpu(lab) - labBefore;
                var failed = summary.Recap.Count(r => r.HasFailures);
                // Live managed memory after a full collection: what a leak would make grow round after round.
                lastHeap = GC.GetTotalMemory(forceFullCollection: true);
                firstHeap ??= lastHeap;
                var measurement = new BenchMeasurement(count, round, labUp.Elapsed.TotalSeconds, wall.TotalSeconds, cpu.TotalSeconds,
                    labCpu.Total.TotalSeconds, process.PeakWorkingSet64, results.First?.TotalSeconds, results.Last?.TotalSeconds, failed,
                    summary.Outcome.ToString().ToLowerInvariant());
                measured.Add(measurement);
                Console.WriteLine($"round {round}: {count} devices in {wall.TotalSeconds:0.00} s wall "
                    + $"(first result {measurement.FirstResultSeconds:0.00} s, last {measurement.LastResultSeconds:0.00} s), "
                    + $"client CPU {cpu.TotalSeconds:0.00} s = {measurement.ClientCpuPerDeviceMs:0.0} ms per device, "
                    + $"lab CPU {measurement.LabCpuPerDeviceMs:0.0} ms per device, "
                    + $"live heap {lastHeap / (1024 * 1024.0):0.0} MiB (GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes / (1024 * 1024)} MiB), "
                    + $"{process.Threads.Count} threads, working set {process.WorkingSet64 / (1024 * 1024)} MiB, "
                    + $"peak {process.PeakWorkingSet64 / (1024 * 1024)} MiB, {failed} host(s) failed ({summary.Outcome})");
            }

            if (soakFor > TimeSpan.Zero && firstHeap is { } first)
            {
                Console.WriteLine($"soak: {soaking.Elapsed.TotalMinutes:0.0} min; live heap after round 1 {first / (1024 * 1024.0):0.0} MiB, "
                    + $"after the last round {lastHeap / (1024 * 1024.0):0.0} MiB");
            }

            if (options.Report is { } report)
            {
                await File.WriteAllTextAsync(report.FullName, JsonSerializer.Serialize(measured, BenchMeasurement.Json), cancellationToken);
            }

            return 0;
        }
        finally
        {
            await SelfProcess.RunAsync("lab", "down", "--dir", paths.Root);
            dir.Delete(recursive: true);
        }
    }

    // The daemon and each sshd listener with its live sessions: the sessions stay open in the device actors after a round.
    private static ProcessCpu LabCpu(LabStatus lab) => ProcessCpu.Read(lab.Pid) + ProcessCpu.ReadTrees(lab.SshdPids);

    /// <summary>When the job's first and last task results came, from its start.</summary>
    private sealed class ResultTimes
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public TimeSpan? First { get; private set; }
        public TimeSpan? Last { get; private set; }
        public TimeSpan Elapsed => clock.Elapsed;

        public void Observe(JobEvent e)
        {
            if (e is not TaskFinished) return;
            First ??= clock.Elapsed;
            Last = clock.Elapsed;
        }
    }
}

/// <summary>One round of <c>netfleet bench</c> at one size: what <c>--report</c> writes and the scale mode reads back.</summary>
internal sealed record BenchMeasurement(int Devices, int Round, double LabUpSeconds, double WallSeconds, double ClientCpuSeconds,
    double LabCpuSeconds, long ClientPeakRssBytes, double? FirstResultSeconds, double? LastResultSeconds, int FailedHosts, string Outcome)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public double ClientCpuPerDeviceMs => ClientCpuSeconds * 1000 / Devices;
    public double LabCpuPerDeviceMs => LabCpuSeconds * 1000 / Devices;
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;

namespace NetFleet.Cli.Commands;

internal sealed record LabBenchOptions(int Sessions, int Parallel, string Dir);

/// <summary>
/// <c>netfleet lab bench</c>: what one SSH session costs the lab. Runs many real OpenSSH logins
/// (disable paging, show version, exit) against a running lab and divides the lab side's CPU
/// (the daemon, and every sshd process with the relay it ran) by the number of sessions.
/// </summary>
internal sealed class LabBenchHandler
{
    public static Command Command()
    {
        var dirOption = LabCommands.DirOption();
        var sessions = new Option<int>("--sessions") { Description = "How many SSH sessions to open", DefaultValueFactory = _ => 200 };
        var parallel = new Option<int>("--parallel") { Description = "Sessions at a time", DefaultValueFactory = _ => 4 };
        var command = new Command("bench", "Measure the lab's CPU per SSH session against a running lab") { sessions, parallel, dirOption };
        command.SetAction((parse, ct) =>
            new LabBenchHandler().RunAsync(new LabBenchOptions(parse.GetValue(sessions), parse.GetValue(parallel), parse.GetValue(dirOption)!), ct));
        return command;
    }

    public async Task<int> RunAsync(LabBenchOptions options, CancellationToken cancellationToken)
    {
        var paths = LabPaths.At(options.Dir);
        var status = await LabClient.StatusAsync(paths, cancellationToken);
        if (status is null)
        {
            Console.Error.WriteLine($"No lab is up in {paths.Root}; start one with `netfleet lab up`.");
            return 3;
        }

        var spec = LabSpec.Load(paths.Spec, routersOnly: File.Exists(paths.Topology));
        var devices = spec.Devices.Where(d => d.Faults.IsNone).ToList();
        if (devices.Count == 0)
        {
            Console.Error.WriteLine($"The lab in {paths.Root} has no simulated device without faults to open sessions to.");
            return 2;
        }

        var count = options.Sessions;
        var before = LabCpu(status);
        var wall = Stopwatch.StartNew();
        var failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                if (!await SessionAsync(paths, spec.Port, devices[i % devices.Count], ct))
                {
                    Interlocked.Increment(ref failures);
                }
            });
        wall.Stop();
        // sshd reaps a session's processes a moment after the client sees the channel close.
        await Task.Delay(500, cancellationToken);
        var after = LabCpu(status);
        var sshd = after.Sshd - before.Sshd;
        var daemon = after.Daemon - before.Daemon;
        string PerSession(TimeSpan t) => (t.TotalMilliseconds / count).ToString("0.0", CultureInfo.InvariantCulture);
        Console.WriteLine($"{count} sessions over {devices.Count} devices in {wall.Elapsed.TotalSeconds:0.0} s "
            + $"({options.Parallel} at a time), {failures} failed");
        Console.WriteLine($"lab CPU per session: {PerSession(sshd.Total + daemon.Total)} ms "
            + $"(sshd and relay {PerSession(sshd.Total)} ms, lab daemon {PerSession(daemon.Total)} ms)");
        return failures == 0 ? 0 : 1;
    }

    private static (ProcessCpu Daemon, ProcessCpu Sshd) LabCpu(LabStatus status) =>
        (ProcessCpu.Read(status.Pid), status.SshdPids.Select(ProcessCpu.Read).Aggregate(default(ProcessCpu), (a, b) => a + b));

    private static async Task<bool> SessionAsync(LabPaths paths, int port, LabDevice device, CancellationToken cancellationToken)
    {
        var paging = device.Platform == "juniper_junos" ? "set cli screen-length 0" : "terminal length 0";
        var start = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-tt", "-p", port.ToString(CultureInfo.InvariantCulture), "-i", paths.ClientKey, "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + paths.KnownHosts, "-o", "LogLevel=ERROR",
            $"{LabDefaults.Username}@{device.Address}",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync($"{paging}\rshow version\rexit\r");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 && output.Contains("show version", StringComparison.Ordinal);
    }
}

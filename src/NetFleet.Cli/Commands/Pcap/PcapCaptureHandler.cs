using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using NetFleet.Capture;

namespace NetFleet.Cli.Commands;

internal sealed record PcapCaptureOptions(string Interface, string? Filter, string? Duration, long? Count, string? Bytes, DirectoryInfo? Write,
    string? RotateSize, int? RotateCount, int SnapLength, bool Promiscuous, string Interval, bool Json, int Top);

/// <summary><c>netfleet pcap capture</c>: a capture on this machine with a summary line every interval.</summary>
internal sealed class PcapCaptureHandler
{
    public static Command Command()
    {
        var iface = new Option<string>("--interface", "-i")
        {
            Description = "Interface to capture on (lo, eth0, any, …); NETNS/INTERFACE for one inside a network namespace (nf-r1/eth1)",
            Required = true,
        };
        var filter = new Option<string?>("--filter", "-f") { Description = "BPF filter in tcpdump syntax, e.g. \"tcp port 9999\"" };
        var duration = new Option<string?>("--duration", "-d") { Description = "Stop after this long: 10s, 500ms, 5m, 1h" };
        var count = new Option<long?>("--count", "-c") { Description = "Stop after this many packets" };
        var bytes = new Option<string?>("--bytes") { Description = "Stop before the traffic passes this size (wire bytes): 50MB, 1GiB" };
        var write = new Option<DirectoryInfo?>("--write", "-w") { Description = "Write pcap files into this folder" };
        var rotateSize = new Option<string?>("--rotate-size") { Description = "Begin a new file before one passes this size: 10MB, 512KiB" };
        var rotateCount = new Option<int?>("--rotate-count") { Description = "Keep at most this many files; the oldest is deleted" };
        var snapLength = new Option<int>("--snaplen", "-s")
        {
            Description = "Bytes captured of each packet",
            DefaultValueFactory = _ => CaptureOptions.DefaultSnapLength,
        };
        var promiscuous = new Option<bool>("--promiscuous", "-p") { Description = "Put the interface in promiscuous mode" };
        var json = PcapCommands.JsonOption();
        var top = PcapCommands.TopOption();
        var interval = new Option<string>("--interval") { Description = "How often to print a summary line", DefaultValueFactory = _ => "1s" };
        var command = new Command("capture", """
            Capture on an interface until a limit (whichever first) or Ctrl-C, printing a summary line
            every interval, then the final summary and libpcap's drop counts. Needs root (or the
            cap_net_raw and cap_net_admin capabilities). With --json: one JSON object per line.
            """)
        {
            iface, filter, duration, count, bytes, write, rotateSize, rotateCount, snapLength, promiscuous, interval, json, top,
        };
        command.SetAction((parse, ct) => new PcapCaptureHandler().RunAsync(new PcapCaptureOptions(parse.GetValue(iface)!, parse.GetValue(filter),
            parse.GetValue(duration), parse.GetValue(count), parse.GetValue(bytes), parse.GetValue(write), parse.GetValue(rotateSize),
            parse.GetValue(rotateCount), parse.GetValue(snapLength), parse.GetValue(promiscuous), parse.GetValue(interval)!, parse.GetValue(json),
            parse.GetValue(top)), ct));
        return command;
    }

    public async Task<int> RunAsync(PcapCaptureOptions o, CancellationToken ct)
    {
        CaptureOptions options;
        try
        {
            var (netns, name) = CaptureOptions.ParseQualifiedInterface(o.Interface, out var badInterface)
                ?? throw new FormatException($"--interface: {badInterface}");
            options = new CaptureOptions
            {
                Namespace = netns,
                Interface = name,
                Filter = o.Filter,
                Duration = o.Duration is { } d ? Units.ParseDuration(d, "--duration") : null,
                MaxPackets = o.Count,
                MaxBytes = o.Bytes is { } b ? Units.ParseSize(b, "--bytes") : null,
                OutputDirectory = o.Write?.FullName,
                RotateFileBytes = o.RotateSize is { } r ? Units.ParseSize(r, "--rotate-size") : null,
                RotateFileCount = o.RotateCount,
                SnapLength = o.SnapLength,
                Promiscuous = o.Promiscuous,
                SummaryInterval = Units.ParseDuration(o.Interval, "--interval"),
                Top = Math.Max(0, o.Top),
            };
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        return await CaptureAsync(options, o.Json, ct);
    }

    private static async Task<int> CaptureAsync(CaptureOptions options, bool json, CancellationToken cancellationToken)
    {
        CaptureSession session;
        try
        {
            session = await CaptureSession.StartAsync(options, cancellationToken);
        }
        catch (CaptureException e)
        {
            Console.Error.WriteLine(e.Kind == CaptureErrorKind.UnknownInterface
                ? $"No interface '{options.Interface}'{(options.Namespace is { } ns ? $" in network namespace {ns}" : "")}. Available: {string.Join(", ", e.AvailableInterfaces)}"
                : e.Message);
            return 2;
        }

        await using (session)
        {
            // Ctrl-C (or a kill) stops the capture; what was captured is still summarised and printed.
            using var stopOnCancel = cancellationToken.Register(() => _ = session.StopAsync());
            using var stopOnInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, session));
            using var stopOnTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, session));
            if (!json)
            {
                Console.WriteLine($"Capturing on {options.QualifiedInterface} ({session.LinkType})"
                    + (string.IsNullOrWhiteSpace(options.Filter) ? "" : $", filter \"{options.Filter}\"")
                    + (options.OutputDirectory is null ? "" : $", writing to {options.OutputDirectory}")
                    + "; Ctrl-C to stop");
            }

            await foreach (var progress in session.Progress.ReadAllAsync(CancellationToken.None))
            {
                Console.WriteLine(json ? JsonSerializer.Serialize(new { type = "progress", progress }, PcapFormat.Json) : PcapFormat.Progress(progress));
            }

            var result = await session.Completion;
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { type = "result", result }, PcapFormat.Json));
            }
            else
            {
                Console.WriteLine();
                Console.WriteLine($"Stopped ({PcapFormat.Describe(result.Reason)}) after {result.Elapsed.TotalSeconds:0.0} s");
                Console.WriteLine(PcapFormat.Summary(result.Summary));
                var drops = result.Drops;
                Console.WriteLine($"Drops       kernel {drops.KernelDropped}, interface {drops.InterfaceDropped}, "
                    + $"decoder queue {drops.QueueDropped} (libpcap received {drops.KernelReceived}, processed {result.Summary.Packets})");
                if (result.Files.Count > 0)
                {
                    Console.WriteLine($"Files       {result.Files.Count} kept"
                        + (result.DeletedFiles > 0 ? $", {result.DeletedFiles} oldest deleted by rotation" : ""));
                    foreach (var file in result.Files)
                    {
                        Console.WriteLine($"  {file}  {PcapFormat.Bytes(new FileInfo(file).Length)}");
                    }
                }
            }

            if (result.Error is { } error)
            {
                Console.Error.WriteLine(error);
                return 1;
            }

            return 0;
        }
    }

    private static void Stop(PosixSignalContext signal, CaptureSession session)
    {
        signal.Cancel = true;
        _ = session.StopAsync();
    }
}

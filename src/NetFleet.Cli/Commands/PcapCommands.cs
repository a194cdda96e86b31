using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetFleet.Capture;
using NetFleet.Capture.Probes;

namespace NetFleet.Cli.Commands;

/// <summary>
/// <c>netfleet pcap summarize|capture</c> and <c>netfleet probe tcp|udp|icmp</c>: capture, summaries
/// and probes on this machine (the sensor-pinned captures of a cluster come later).
/// </summary>
internal static class PcapCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON instead of a table" };

    private static readonly Option<int> TopOption = new("--top")
    {
        Description = "How many talkers, conversations and services to rank",
        DefaultValueFactory = _ => 10,
    };

    public static Command Create()
    {
        var pcap = new Command("pcap", """
            Packet capture on this machine with libpcap, and summaries of traffic: rates, protocol
            mix, well-known services, top talkers and conversations, TCP SYN/SYN-ACK/RST counts.
            """);
        pcap.Subcommands.Add(Summarize());
        pcap.Subcommands.Add(Capture());
        return pcap;
    }

    public static Command Probe()
    {
        var probe = new Command("probe", """
            Send probes and report loss and latency (min/avg/max/p95): TCP connects, UDP datagrams
            (optionally expecting them echoed), ICMP echo (needs root or cap_net_raw). Exit code 1
            when nothing answered.
            """);
        foreach (var kind in Enum.GetValues<ProbeKind>())
        {
            probe.Subcommands.Add(ProbeCommand(kind));
        }

        return probe;
    }

    private static Command Summarize()
    {
        var file = new Argument<FileInfo>("file") { Description = "A pcap file (tcpdump -w, netfleet pcap capture --write)" };
        var command = new Command("summarize", "Summarise an existing pcap file, as a live capture would") { file, JsonOption, TopOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            TrafficSummary summary;
            try
            {
                summary = await PcapFileSummariser.SummariseAsync(path, Math.Max(0, parse.GetValue(TopOption)), cancellationToken);
            }
            catch (CaptureException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            Console.WriteLine(parse.GetValue(JsonOption) ? JsonSerializer.Serialize(summary, Json) : FormatSummary(summary));
            return 0;
        });
        return command;
    }

    private static Command Capture()
    {
        var iface = new Option<string>("--interface", "-i") { Description = "Interface to capture on (lo, eth0, any, …)", Required = true };
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
        var interval = new Option<string>("--interval") { Description = "How often to print a summary line", DefaultValueFactory = _ => "1s" };
        var command = new Command("capture", """
            Capture on an interface until a limit (whichever first) or Ctrl-C, printing a summary line
            every interval, then the final summary and libpcap's drop counts. Needs root (or the
            cap_net_raw and cap_net_admin capabilities). With --json: one JSON object per line.
            """)
        {
            iface, filter, duration, count, bytes, write, rotateSize, rotateCount, snapLength, promiscuous, interval, JsonOption, TopOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            CaptureOptions options;
            try
            {
                options = new CaptureOptions
                {
                    Interface = parse.GetValue(iface)!,
                    Filter = parse.GetValue(filter),
                    Duration = parse.GetValue(duration) is { } d ? ParseDuration(d, "--duration") : null,
                    MaxPackets = parse.GetValue(count),
                    MaxBytes = parse.GetValue(bytes) is { } b ? ParseSize(b, "--bytes") : null,
                    OutputDirectory = parse.GetValue(write)?.FullName,
                    RotateFileBytes = parse.GetValue(rotateSize) is { } r ? ParseSize(r, "--rotate-size") : null,
                    RotateFileCount = parse.GetValue(rotateCount),
                    SnapLength = parse.GetValue(snapLength),
                    Promiscuous = parse.GetValue(promiscuous),
                    SummaryInterval = ParseDuration(parse.GetValue(interval)!, "--interval"),
                    Top = Math.Max(0, parse.GetValue(TopOption)),
                };
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            return await CaptureAsync(options, parse.GetValue(JsonOption), cancellationToken);
        });
        return command;
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
                ? $"No interface '{options.Interface}'. Available: {string.Join(", ", e.AvailableInterfaces)}"
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
                Console.WriteLine($"Capturing on {options.Interface} ({session.LinkType})"
                    + (string.IsNullOrWhiteSpace(options.Filter) ? "" : $", filter \"{options.Filter}\"")
                    + (options.OutputDirectory is null ? "" : $", writing to {options.OutputDirectory}")
                    + "; Ctrl-C to stop");
            }

            await foreach (var progress in session.Progress.ReadAllAsync(CancellationToken.None))
            {
                Console.WriteLine(json ? JsonSerializer.Serialize(new { type = "progress", progress }, Json) : FormatProgress(progress));
            }

            var result = await session.Completion;
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { type = "result", result }, Json));
            }
            else
            {
                Console.WriteLine();
                Console.WriteLine($"Stopped ({Describe(result.Reason)}) after {result.Elapsed.TotalSeconds:0.0} s");
                Console.WriteLine(FormatSummary(result.Summary));
                var drops = result.Drops;
                Console.WriteLine($"Drops       kernel {drops.KernelDropped}, interface {drops.InterfaceDropped}, "
                    + $"decoder queue {drops.QueueDropped} (libpcap received {drops.KernelReceived}, processed {result.Summary.Packets})");
                if (result.Files.Count > 0)
                {
                    Console.WriteLine($"Files       {result.Files.Count} kept"
                        + (result.DeletedFiles > 0 ? $", {result.DeletedFiles} oldest deleted by rotation" : ""));
                    foreach (var file in result.Files)
                    {
                        Console.WriteLine($"  {file}  {Bytes(new FileInfo(file).Length)}");
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

    private static Command ProbeCommand(ProbeKind kind)
    {
        var name = kind.ToString().ToLowerInvariant();
        var target = new Argument<string>("target")
        {
            Description = kind == ProbeKind.Icmp ? "Host name or address" : "HOST:PORT (or [IPv6]:PORT)",
        };
        var count = new Option<int>("--count", "-c") { Description = "How many attempts", DefaultValueFactory = _ => 4 };
        var interval = new Option<string>("--interval") { Description = "Between attempts: 1s, 200ms", DefaultValueFactory = _ => "1s" };
        var timeout = new Option<string>("--timeout") { Description = "How long each attempt waits: 1s, 500ms", DefaultValueFactory = _ => "1s" };
        var description = kind switch
        {
            ProbeKind.Tcp => "TCP connect to HOST:PORT; latency is the time to connect",
            ProbeKind.Udp => "UDP datagram to HOST:PORT; with --expect-echo a reply with the same payload is needed",
            _ => "ICMP echo to HOST over a raw socket (root or cap_net_raw)",
        };
        var command = new Command(name, description) { target, count, interval, timeout, JsonOption };
        var payload = new Option<string?>("--payload") { Description = "Payload text (default: netfleet-probe SEQ)" };
        var expectEcho = new Option<bool>("--expect-echo") { Description = "Count an attempt only when the payload comes back" };
        if (kind != ProbeKind.Tcp)
        {
            command.Options.Add(payload);
        }

        if (kind == ProbeKind.Udp)
        {
            command.Options.Add(expectEcho);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            ProbeRequest request;
            try
            {
                var (host, port) = ProbeRequest.ParseTarget(parse.GetValue(target)!);
                if (kind != ProbeKind.Icmp && port is null)
                {
                    throw new FormatException($"{name} probes need a port: {host}:PORT");
                }

                request = new ProbeRequest
                {
                    Kind = kind,
                    Host = host,
                    Port = port ?? 0,
                    Count = parse.GetValue(count),
                    Interval = ParseDuration(parse.GetValue(interval)!, "--interval"),
                    Timeout = ParseDuration(parse.GetValue(timeout)!, "--timeout"),
                    Payload = parse.GetValue(payload) is { } text ? Encoding.UTF8.GetBytes(text) : null,
                    ExpectEcho = parse.GetValue(expectEcho),
                };
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            ProbeResult result;
            try
            {
                result = await Prober.RunAsync(request, cancellationToken);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, Json));
            }
            else
            {
                Console.WriteLine(FormatProbe(result));
            }

            return result.Failure == ProbeOutcome.NotPermitted ? 2 : result.Received > 0 ? 0 : 1;
        });
        return command;
    }

    internal static TimeSpan ParseDuration(string text, string option)
    {
        var trimmed = text.Trim();
        var split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1]))
        {
            split--;
        }

        var unit = trimmed[split..].ToLowerInvariant();
        var scale = unit switch
        {
            "ms" => 0.001,
            "" or "s" => 1,
            "m" or "min" => 60,
            "h" => 3600,
            _ => double.NaN,
        };
        if (double.IsNaN(scale)
            || !double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value * scale <= 0)
        {
            throw new FormatException($"{option}: '{text}' is not a positive duration like 10s, 500ms, 5m or 1h");
        }

        return TimeSpan.FromSeconds(value * scale);
    }

    /// <summary>kB/MB/GB are powers of 1000 (as tcpdump -C), KiB/MiB/GiB powers of 1024; no unit is bytes.</summary>
    internal static long ParseSize(string text, string option)
    {
        var trimmed = text.Trim();
        var split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1]))
        {
            split--;
        }

        var scale = trimmed[split..].ToLowerInvariant() switch
        {
            "" or "b" => 1L,
            "k" or "kb" => 1_000L,
            "m" or "mb" => 1_000_000L,
            "g" or "gb" => 1_000_000_000L,
            "kib" => 1L << 10,
            "mib" => 1L << 20,
            "gib" => 1L << 30,
            _ => 0L,
        };
        if (scale == 0
            || !double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value <= 0)
        {
            throw new FormatException($"{option}: '{text}' is not a size like 10MB, 512KiB or 1000000");
        }

        return (long)(value * scale);
    }

    private static string Describe(CaptureStopReason reason) => reason switch
    {
        CaptureStopReason.Stopped => "on request",
        CaptureStopReason.Duration => "duration reached",
        CaptureStopReason.PacketCount => "packet count reached",
        CaptureStopReason.ByteCount => "byte limit reached",
        _ => "failed",
    };

    private static string FormatProgress(CaptureProgress p) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{p.Elapsed.TotalSeconds,7:0.0}s  {p.PacketsPerSecond,9:0} pkt/s  {Bytes((long)p.BytesPerSecond),10}/s  "
            + $"total {p.Total.Packets} pkts {Bytes(p.Total.Bytes)}  "
            + $"tcp {p.Total.Protocols.Tcp.Packets} udp {p.Total.Protocols.Udp.Packets} icmp {p.Total.Protocols.Icmp.Packets}  "
            + $"syn {p.Total.Tcp.Syn} rst {p.Total.Tcp.Rst}  drops {p.Drops.Total}");

    internal static string FormatSummary(TrafficSummary s)
    {
        var text = new StringBuilder();
        var span = s.FirstPacket is { } first && s.LastPacket is { } last
            ? $"{first.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z .. {last.UtcDateTime:HH:mm:ss.fff}Z ({(last - first).TotalSeconds:0.000} s)"
            : "no packets";
        text.AppendLine(CultureInfo.InvariantCulture, $"Packets     {s.Packets}  ({Bytes(s.Bytes)} on the wire, {Bytes(s.CapturedBytes)} captured)");
        text.AppendLine(CultureInfo.InvariantCulture, $"Time        {span}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Rate        {s.PacketsPerSecond:0.0} pkt/s, {Bytes((long)s.BytesPerSecond)}/s");
        var p = s.Protocols;
        text.AppendLine($"Network     IPv4 {Count(p.IPv4)}   IPv6 {Count(p.IPv6)}   ARP {Count(p.Arp)}   other {Count(p.OtherNetwork)}");
        text.AppendLine($"Transport   TCP {Count(p.Tcp)}   UDP {Count(p.Udp)}   ICMP {Count(p.Icmp)}   other {Count(p.OtherTransport)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"TCP flags   SYN {s.Tcp.Syn}   SYN-ACK {s.Tcp.SynAck}   RST {s.Tcp.Rst}   FIN {s.Tcp.Fin}");
        if (s.Undecodable > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Undecodable {s.Undecodable} packets");
        }

        if (s.Services.Count > 0)
        {
            text.AppendLine("Services");
            foreach (var service in s.Services)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {service.Service + " (" + service.Protocol + "/" + service.Port + ")",-24} {service.Packets,10} pkts {Bytes(service.Bytes),10}");
            }
        }

        if (s.TopTalkers.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Top talkers {"",27} {"PACKETS",10} {"BYTES",10} {"SENT",10} {"RECEIVED",10}");
            foreach (var t in s.TopTalkers)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {t.Address,-39}  {t.Packets,10} {Bytes(t.Bytes),10} {Bytes(t.BytesSent),10} {Bytes(t.BytesReceived),10}");
            }
        }

        if (s.TopConversations.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Top conversations {"",50} {"PACKETS",10} {"BYTES",10}");
            foreach (var c in s.TopConversations)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {c,-67} {c.Packets,10} {Bytes(c.Bytes),10}");
            }
        }

        return text.ToString().TrimEnd();
    }

    private static string FormatProbe(ProbeResult r)
    {
        var text = new StringBuilder();
        var kind = r.Kind.ToString().ToUpperInvariant();
        if (r.Error is { } error)
        {
            return $"{kind} probe to {r.Target}: {error}";
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{kind} probe to {r.Target} ({r.Address})");
        foreach (var a in r.Attempts)
        {
            var latency = a.LatencyMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms:0.000} ms") : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"  #{a.Sequence,-4} {a.Outcome.ToString().ToLowerInvariant(),-12} {latency,-12} {a.Detail}");
        }

        text.Append(CultureInfo.InvariantCulture, $"{r.Sent} sent, {r.Received} ok, {r.LossPercent:0.#}% loss");
        if (r.Latency is { } l)
        {
            text.Append(CultureInfo.InvariantCulture, $"; latency min/avg/max/p95 = {l.MinMs:0.000}/{l.AvgMs:0.000}/{l.MaxMs:0.000}/{l.P95Ms:0.000} ms");
        }

        return text.ToString();
    }

    private static string Count(Counter c) => $"{c.Packets} ({Bytes(c.Bytes)})";

    private static string Bytes(long bytes) => bytes switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.00} GB"),
    };
}

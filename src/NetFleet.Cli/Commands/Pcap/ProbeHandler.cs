using System.CommandLine;
using System.Text;
using System.Text.Json;
using NetFleet.Capture.Probes;

namespace NetFleet.Cli.Commands;

internal sealed record ProbeOptions(ProbeKind Kind, string Target, int Count, string Interval, string Timeout, string? Payload, bool ExpectEcho, bool Json,
    string? Netns = null);

/// <summary><c>netfleet probe tcp|udp|icmp TARGET</c>: loss and latency of a few probes.</summary>
internal sealed class ProbeHandler
{
    public static Command Command(ProbeKind kind)
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
        var netns = new Option<string?>("--netns") { Description = "Send from inside this network namespace (a name under /run/netns; needs root)" };
        var json = PcapCommands.JsonOption();
        var command = new Command(name, description) { target, count, interval, timeout, netns, json };
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

        command.SetAction((parse, ct) => new ProbeHandler().RunAsync(new ProbeOptions(kind, parse.GetValue(target)!, parse.GetValue(count),
            parse.GetValue(interval)!, parse.GetValue(timeout)!, parse.GetValue(payload), parse.GetValue(expectEcho), parse.GetValue(json), parse.GetValue(netns)), ct));
        return command;
    }

    public async Task<int> RunAsync(ProbeOptions options, CancellationToken ct)
    {
        var name = options.Kind.ToString().ToLowerInvariant();
        ProbeRequest request;
        try
        {
            var (host, port) = ProbeRequest.ParseTarget(options.Target);
            if (options.Kind != ProbeKind.Icmp && port is null)
            {
                throw new FormatException($"{name} probes need a port: {host}:PORT");
            }

            request = new ProbeRequest
            {
                Kind = options.Kind,
                Host = host,
                Port = port ?? 0,
                Count = options.Count,
                Interval = Units.ParseDuration(options.Interval, "--interval"),
                Timeout = Units.ParseDuration(options.Timeout, "--timeout"),
                Payload = options.Payload is { } text ? Encoding.UTF8.GetBytes(text) : null,
                ExpectEcho = options.ExpectEcho,
                Namespace = options.Netns,
            };
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        ProbeResult result;
        try
        {
            result = await Prober.RunAsync(request, ct);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        Console.WriteLine(options.Json ? JsonSerializer.Serialize(result, PcapFormat.Json) : PcapFormat.Probe(result));
        return result.Failure is ProbeOutcome.NotPermitted or ProbeOutcome.NoNamespace ? 2 : result.Received > 0 ? 0 : 1;
    }
}

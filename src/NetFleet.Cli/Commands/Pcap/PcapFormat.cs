using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetFleet.Capture;
using NetFleet.Capture.Probes;

namespace NetFleet.Cli.Commands;

/// <summary>How captures, traffic summaries and probes read as text (pcap, probe, capture show, jobs show) and as JSON.</summary>
internal static class PcapFormat
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Describe(CaptureStopReason reason) => reason switch
    {
        CaptureStopReason.Stopped => "on request",
        CaptureStopReason.Duration => "duration reached",
        CaptureStopReason.PacketCount => "packet count reached",
        CaptureStopReason.ByteCount => "byte limit reached",
        _ => "failed",
    };

    public static string Progress(CaptureProgress p) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{p.Elapsed.TotalSeconds,7:0.0}s  {p.PacketsPerSecond,9:0} pkt/s  {Bytes((long)p.BytesPerSecond),10}/s  "
            + $"total {p.Total.Packets} pkts {Bytes(p.Total.Bytes)}  "
            + $"tcp {p.Total.Protocols.Tcp.Packets} udp {p.Total.Protocols.Udp.Packets} icmp {p.Total.Protocols.Icmp.Packets}  "
            + $"syn {p.Total.Tcp.Syn} rst {p.Total.Tcp.Rst}  drops {p.Drops.Total}");

    public static string Summary(TrafficSummary s)
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
        text.AppendLine(CultureInfo.InvariantCulture, $"TCP flags   SYN {s.Tcp.Syn}   SYN-ACK {s.Tcp.SynAck}   RST {s.Tcp.Rst}   FIN {s.Tcp.Fin}   retransmitted {s.Tcp.Retransmissions}");
        if (s.Bgp is { Total: > 0 } bgp)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"BGP         OPEN {bgp.Open}   UPDATE {bgp.Update}   KEEPALIVE {bgp.Keepalive}   NOTIFICATION {bgp.Notification}   ROUTE-REFRESH {bgp.RouteRefresh}");
        }

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

    public static string Probe(ProbeResult r)
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

    public static string Bytes(long bytes) => bytes switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.00} GB"),
    };
}

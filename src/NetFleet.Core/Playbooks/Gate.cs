using System.Globalization;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks;

/// <summary>
/// A play's <c>gate:</c>: traffic judges the rollout. Before each batch's changes the gate measures a baseline; after
/// them it measures again and compares. A gate that fails halts the job and rolls the batch back. What is measured:
/// <see cref="Probes"/> between hosts (loss and latency), the SNMP interface error and discard rate of the batch's
/// devices, and the RST and retransmission rates seen by the play's <c>capture:</c>. Only the limits that are set are judged.
/// </summary>
/// <param name="Settle">A wait after the batch before measuring, for routing to converge.</param>
/// <param name="Window">The shortest time a measurement lasts: counters (SNMP, capture) are compared across it.</param>
public sealed record Gate(
    IReadOnlyList<GateProbe> Probes,
    double? MaxLossPercent,
    double? MaxLossIncrease,
    TimeSpan? MaxLatency,
    TimeSpan? MaxLatencyIncrease,
    double? MaxIfErrorRate,
    double? MaxRstRate,
    TimeSpan Settle,
    TimeSpan Window,
    SourceLocation Location)
{
    /// <summary>Highest rate of TCP segments sent again (data, SYN or FIN a flow had already carried) in the play's captures.</summary>
    public double? MaxRetransmissionRate { get; init; }

    public static readonly IReadOnlyList<string> Keys =
    [
        "probes", "max_loss", "max_loss_increase", "max_latency", "max_latency_increase", "max_if_error_rate", "max_rst_rate",
        "max_retransmission_rate", "settle",
        "window",
    ];

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(2);

    internal static Gate? Read(YNode node, BindContext context, bool playCaptures)
    {
        var reader = context.Reader;
        var bag = context.Diagnostics;
        if (reader.Mapping(node, "a gate (probes and limits such as max_loss)") is not { } map) return null;
        var errors = bag.ErrorCount;
        reader.CheckKeys(map, Keys, "gate");

        var probes = new List<GateProbe>();
        if (map["probes"] is { } probesNode && reader.Sequence(probesNode, "a list of probes (from, to, kind)") is { } list)
        {
            probes.AddRange(list.Items.Select(p => GateProbe.Read(p, reader)).OfType<GateProbe>());
        }

        var maxLoss = Percent(map["max_loss"], reader);
        var maxLossIncrease = Percent(map["max_loss_increase"], reader);
        var maxLatency = map["max_latency"] is { } ml ? Duration.Read(ml, reader) : null;
        var maxLatencyIncrease = map["max_latency_increase"] is { } mli ? Duration.Read(mli, reader) : null;
        var maxIfErrors = Rate(map["max_if_error_rate"], reader);
        var maxRst = Rate(map["max_rst_rate"], reader);
        var maxRetransmissions = Rate(map["max_retransmission_rate"], reader);
        var settle = map["settle"] is { } s ? Duration.Read(s, reader) ?? TimeSpan.Zero : TimeSpan.Zero;
        var window = map["window"] is { } w ? Duration.Read(w, reader) ?? DefaultWindow : DefaultWindow;

        foreach (var key in new[] { "max_loss", "max_loss_increase", "max_latency", "max_latency_increase" })
        {
            if (probes.Count == 0 && map.KeyNode(key) is { } limit)
                bag.Error(limit.Start, DiagnosticCodes.MissingKey, $"gate limit '{key}' needs probes to measure it",
                    "add 'probes:' with from, to and kind, e.g. {from: r1, to: 198.18.255.3, kind: icmp}");
        }

        foreach (var (key, counted) in new[] { ("max_rst_rate", "RSTs"), ("max_retransmission_rate", "retransmissions") })
        {
            if (!playCaptures && map.KeyNode(key) is { } limit)
                bag.Error(limit.Start, DiagnosticCodes.MissingKey, $"gate limit '{key}' needs the play's 'capture:' to count {counted}",
                    $"add a 'capture:' block to the play, or remove {key}");
        }

        if (maxLoss is null && maxLossIncrease is null && maxLatency is null && maxLatencyIncrease is null && maxIfErrors is null && maxRst is null
            && maxRetransmissions is null
            && bag.ErrorCount == errors)
            bag.Error(map.Start, DiagnosticCodes.MissingKey, "the gate sets no limit, so it could never fail",
                "add e.g. 'max_loss: 5%', 'max_latency_increase: 20ms' or 'max_if_error_rate: 1/s'");

        return bag.ErrorCount > errors
            ? null
            : new Gate(probes, maxLoss, maxLossIncrease, maxLatency, maxLatencyIncrease, maxIfErrors, maxRst, settle, window, map.Start)
            {
                MaxRetransmissionRate = maxRetransmissions,
            };
    }

    /// <summary><c>5%</c> or <c>5</c>: a percentage from 0 to 100.</summary>
    private static double? Percent(YNode? node, YamlReader reader)
    {
        if (node is null || reader.String(node, "a percentage such as 5%") is not { } text) return null;
        var number = text.Value.Trim().TrimEnd('%').Trim();
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 100) return value;
        reader.Diagnostics.Error(text.Start, DiagnosticCodes.InvalidValue, $"'{text.Value}' is not a percentage from 0 to 100", "write e.g. 5% or 0.5%");
        return null;
    }

    /// <summary><c>10/s</c>, <c>60/m</c> or a plain number: events per second.</summary>
    private static double? Rate(YNode? node, YamlReader reader)
    {
        if (node is null || reader.String(node, "a rate such as 1/s") is not { } text) return null;
        var value = text.Value.Trim();
        var per = 1.0;
        if (value.EndsWith("/s", StringComparison.Ordinal)) value = value[..^2];
        else if (value.EndsWith("/m", StringComparison.Ordinal)) (value, per) = (value[..^2], 60.0);
        if (double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var count) && count >= 0 && double.IsFinite(count))
            return count / per;
        reader.Diagnostics.Error(text.Start, DiagnosticCodes.InvalidValue, $"'{text.Value}' is not a rate", "write a count per second or minute, e.g. 1/s or 30/m");
        return null;
    }
}

/// <summary>One probe of a gate: from an inventory host (inside its <c>netns</c>, when the host has one) or from
/// NetFleet's own node (no <see cref="From"/>), to a target.</summary>
/// <param name="Kind">icmp, tcp or udp, as the probe module.</param>
public sealed record GateProbe(string? From, ProbeTarget Target, string Kind, int Count, TimeSpan Interval, TimeSpan Timeout, SourceLocation Location)
{
    public static readonly IReadOnlyList<string> Keys = ["from", "to", "kind", "count", "interval", "timeout"];

    /// <summary>The inventory host variable naming the network namespace (under /run/netns) a host's probes are sent from.</summary>
    public const string NamespaceVariable = "netns";

    public string Describe() => $"{(From is null ? "" : From + " → ")}{Target.Text} ({Kind})";

    internal static GateProbe? Read(YNode node, YamlReader reader)
    {
        var bag = reader.Diagnostics;
        if (reader.Mapping(node, "a probe (from, to, kind)") is not { } map) return null;
        var errors = bag.ErrorCount;
        reader.CheckKeys(map, Keys, "gate probe");
        var from = map["from"] is { } f ? reader.String(f, "an inventory host name")?.Value : null;
        var kind = ProbeModule.Icmp;
        if (map["kind"] is { } k && reader.String(k, "icmp, tcp or udp") is { } ks)
        {
            if (ks.Value is ProbeModule.Icmp or ProbeModule.Tcp or ProbeModule.Udp) kind = ks.Value;
            else bag.Error(ks.Start, DiagnosticCodes.InvalidValue, $"'{ks.Value}' is not a probe kind", "expected one of: icmp, tcp, udp");
        }

        ProbeTarget? target = null;
        if (map["to"] is not { } toNode)
            bag.Error(map.Start, DiagnosticCodes.MissingKey, "gate probe has no 'to'", "add e.g. 'to: 198.18.255.3' (icmp) or 'to: 198.18.255.3:179' (tcp)");
        else if (reader.String(toNode, "a target: HOST for icmp, HOST:PORT for tcp and udp") is { } to && bag.ErrorCount == errors)
        {
            target = ProbeTarget.Parse(to.Value, kind, out var problem);
            if (target is null) bag.Error(to.Start, DiagnosticCodes.InvalidValue, problem!);
        }

        var count = 10;
        if (map["count"] is { } c && reader.Int(c, $"a probe count (1 to {ProbeModule.MaxCount})") is { } n)
        {
            if (n is < 1 or > ProbeModule.MaxCount) bag.Error(c.Start, DiagnosticCodes.InvalidValue, $"count {n} is not between 1 and {ProbeModule.MaxCount}");
            else count = n;
        }

        var interval = map["interval"] is { } i ? Duration.Read(i, reader) : TimeSpan.FromMilliseconds(100);
        var timeout = map["timeout"] is { } t ? Duration.Read(t, reader) : TimeSpan.FromSeconds(1);
        return bag.ErrorCount > errors || target is null || interval is null || timeout is null
            ? null
            : new GateProbe(from, target, kind, count, interval.Value, timeout.Value, map.Start);
    }
}

using System.Globalization;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks;

/// <summary>
/// A play's <c>capture:</c>: packet captures on sensor nodes around the play's tasks. The orchestrator starts one capture
/// on every sensor the block selects (by <see cref="Sensor"/> name and/or <see cref="Tags"/>) before the tasks, stops it
/// after them and records each capture's summary in the job history. With <see cref="PerBatch"/> the captures are
/// started and stopped around every <c>serial</c> batch, so traffic before and after a batch can be compared.
/// Limits (<see cref="Duration"/>, <see cref="MaxPackets"/>, <see cref="MaxBytes"/>) may end a capture early; the
/// tasks never wait for them.
/// <para><see cref="Interface"/> is an interface of the sensor's node, or <c>NETNS/INTERFACE</c> for one inside a
/// network namespace there (a lab router's link: <c>nf-r1/eth1</c>): one name everywhere, in the sensor's
/// allow-list, the capture's view and the history.</para>
/// </summary>
public sealed record CaptureBlock(
    string? Sensor,
    IReadOnlyList<string> Tags,
    string Interface,
    string? Filter,
    int? SnapLength,
    bool Promiscuous,
    TimeSpan? Duration,
    long? MaxPackets,
    long? MaxBytes,
    bool PerBatch,
    SourceLocation Location)
{
    public static readonly IReadOnlyList<string> Keys =
        ["sensor", "tags", "interface", "filter", "snaplen", "promiscuous", "duration", "packets", "bytes", "per_batch"];

    /// <summary>libpcap's bounds (as the sensors check them).</summary>
    public const int MinSnapLength = 64;
    public const int MaxSnapLength = 262_144;

    internal static CaptureBlock? Read(YNode node, BindContext context)
    {
        var reader = context.Reader;
        var bag = context.Diagnostics;
        if (reader.Mapping(node, "a capture block (sensor or tags, interface, filter, …)") is not { } map) return null;
        var errors = bag.ErrorCount;
        reader.CheckKeys(map, Keys, "capture");

        string? sensor = null;
        if (map["sensor"] is { } sensorNode && reader.String(sensorNode, "a sensor name") is { } s) sensor = s.Value;
        var tags = map["tags"] is { } tagsNode ? ReadTags(tagsNode, reader) : [];
        if (map["sensor"] is null && map["tags"] is null)
        {
            bag.Error(map.Start, DiagnosticCodes.MissingKey, "capture names no sensor",
                "add 'sensor: NAME' or 'tags: {site: lon}' (every sensor carrying the tags captures)");
        }

        string? iface = null;
        if (map["interface"] is not { } ifaceNode)
            bag.Error(map.Start, DiagnosticCodes.MissingKey, "capture has no 'interface'", "add e.g. 'interface: lo' (an interface the sensor allows)");
        else if (reader.String(ifaceNode, "an interface name such as lo or eth0, or NETNS/INTERFACE such as nf-r1/eth1") is { } i)
        {
            if (InterfaceProblem(i.Value) is { } problem)
                bag.Error(i.Start, DiagnosticCodes.InvalidValue, problem, "write an interface (eth0) or a network namespace and an interface in it (nf-r1/eth1)");
            else iface = i.Value;
        }

        string? filter = null;
        if (map["filter"] is { } filterNode && reader.String(filterNode, "a BPF filter such as \"tcp port 22\"") is { } f) filter = f.Value;

        int? snapLength = null;
        if (map["snaplen"] is { } snapNode && reader.Int(snapNode, $"a snap length in bytes ({MinSnapLength} to {MaxSnapLength})") is { } snap)
        {
            if (snap is < MinSnapLength or > MaxSnapLength)
                bag.Error(snapNode.Start, DiagnosticCodes.InvalidValue, $"snaplen {snap} is not between {MinSnapLength} and {MaxSnapLength}");
            else snapLength = snap;
        }

        var promiscuous = map["promiscuous"] is { } p && (reader.Bool(p) ?? false);
        var perBatch = map["per_batch"] is { } pb && (reader.Bool(pb) ?? false);

        TimeSpan? duration = null;
        if (map["duration"] is { } durationNode && reader.String(durationNode, "a duration such as 30s or 5m") is { } ds)
        {
            if (Playbooks.Duration.TryParse(ds.Value, out var parsed)) duration = parsed;
            else bag.Error(ds.Start, DiagnosticCodes.BadDuration, $"'{ds.Value}' is not a duration", "write e.g. 30s, 5m, 1h or a number of seconds");
        }

        long? packets = null;
        if (map["packets"] is { } packetsNode && reader.String(packetsNode, "a packet count") is { } ps)
        {
            if (long.TryParse(ps.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0) packets = count;
            else bag.Error(ps.Start, DiagnosticCodes.InvalidValue, $"packets '{ps.Value}' is not a positive whole number");
        }

        long? bytes = null;
        if (map["bytes"] is { } bytesNode && reader.String(bytesNode, "a size such as 10MB") is { } bs)
        {
            if (TryParseSize(bs.Value, out var size)) bytes = size;
            else bag.Error(bs.Start, DiagnosticCodes.InvalidValue, $"bytes '{bs.Value}' is not a size", "write a number of bytes or e.g. 500KB, 10MB, 1GB");
        }

        return bag.ErrorCount > errors || iface is null
            ? null
            : new CaptureBlock(sensor, tags, iface, filter, snapLength, promiscuous, duration, packets, bytes, perBatch, map.Start);
    }

    /// <summary>An interface of the sensor's node, or NETNS/INTERFACE for one inside a network namespace there (the same
    /// name the sensor's allow-list holds and the history shows).</summary>
    private static string? InterfaceProblem(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? text : text[(slash + 1)..];
        if (slash >= 0 && NetworkNamespaceName.Problem(text[..slash]) is { } problem) return $"interface '{text}': {problem}";
        return string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal) || name.Any(char.IsWhiteSpace)
            ? $"interface '{text}' is not an interface name nor NETNS/INTERFACE"
            : null;
    }

    /// <summary>Tags as the sensors carry them, KEY=VALUE: written as a mapping (<c>{site: lon}</c>) or a list of
    /// <c>KEY=VALUE</c> strings.</summary>
    private static List<string> ReadTags(YNode node, YamlReader reader)
    {
        var tags = new List<string>();
        switch (node)
        {
            case YMapping map:
                foreach (var (key, value) in map.Entries)
                {
                    if (reader.String(value, $"a value for tag '{key.Value}'") is { } v) tags.Add($"{key.Value}={v.Value}");
                }

                break;
            case YSequence:
                foreach (var item in reader.StringList(node, "a list of KEY=VALUE tags") ?? [])
                {
                    var eq = item.Value.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0 || eq == item.Value.Length - 1)
                        reader.Diagnostics.Error(item.Start, DiagnosticCodes.InvalidValue, $"tag '{item.Value}' is not KEY=VALUE", "for example site=lon");
                    else tags.Add(item.Value);
                }

                break;
            default:
                reader.WrongType(node, "a mapping of tags such as {site: lon}");
                break;
        }

        if (tags.Count == 0 && node is YMapping { Entries.Count: 0 } or YSequence { Items.Count: 0 })
            reader.Diagnostics.Error(node.Start, DiagnosticCodes.Empty, "capture 'tags' is empty", "name at least one tag, e.g. {site: lon}");
        return tags;
    }

    /// <summary>Bytes, or with a K/KB, M/MB or G/GB suffix (powers of 1024).</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var t = text.Trim().ToUpperInvariant();
        long unit = 1;
        foreach (var (suffix, factor) in new[] { ("KB", 1L << 10), ("MB", 1L << 20), ("GB", 1L << 30), ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1L) })
        {
            if (!t.EndsWith(suffix, StringComparison.Ordinal)) continue;
            unit = factor;
            t = t[..^suffix.Length].TrimEnd();
            break;
        }

        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0) return false;
        var total = amount * unit;
        if (total >= long.MaxValue || total < 1) return false;
        bytes = (long)total;
        return true;
    }

    /// <summary>"sensor lon-1", "sensors tagged site=lon", … for messages.</summary>
    public string Selection =>
        (Sensor, Tags.Count) switch
        {
            (not null, 0) => $"sensor {Sensor}",
            (null, _) => $"sensors tagged {string.Join(",", Tags)}",
            _ => $"sensor {Sensor} tagged {string.Join(",", Tags)}",
        };
}

using System.Globalization;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Templating;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks.Modules;

/// <param name="Namespace">The network namespace the probes leave from (rendered per host); null for the node's own.</param>
public sealed record ProbeArgs(
    IReadOnlyList<TemplateText> Targets, string Protocol, int Count, TimeSpan Interval, TimeSpan Timeout, bool ExpectEcho,
    TemplateText? Namespace = null) : ModuleArgs;

/// <summary>One probe target as rendered: <c>HOST:PORT</c> (<c>[v6]:PORT</c>) for TCP and UDP, <c>HOST</c> for ICMP.</summary>
public sealed record ProbeTarget(string Text, string Host, int Port)
{
    /// <summary>Null with <paramref name="error"/> set when the text does not fit the protocol.</summary>
    public static ProbeTarget? Parse(string text, string protocol, out string? error)
    {
        error = null;
        var trimmed = text.Trim();
        string host;
        string? portText = null;
        if (trimmed.StartsWith('['))
        {
            var close = trimmed.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"target '{text}': missing ']' after the IPv6 address";
                return null;
            }

            host = trimmed[1..close];
            var rest = trimmed[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':'))
                {
                    error = $"target '{text}': expected :PORT after ']'";
                    return null;
                }

                portText = rest[1..];
            }
        }
        else
        {
            var colon = trimmed.LastIndexOf(':');
            // No colon, or several: a host alone (a bare IPv6 address has several).
            var single = colon >= 0 && trimmed.IndexOf(':', StringComparison.Ordinal) == colon;
            host = single ? trimmed[..colon] : trimmed;
            portText = single ? trimmed[(colon + 1)..] : null;
        }

        if (host.Length == 0)
        {
            error = $"target '{text}' names no host";
            return null;
        }

        if (protocol == ProbeModule.Icmp)
        {
            if (portText is not null) error = $"target '{text}': ICMP echo has no port; write the host alone";
            return error is null ? new ProbeTarget(trimmed, host, 0) : null;
        }

        if (portText is null)
        {
            error = $"target '{text}': {protocol} probes need a port (HOST:PORT)";
            return null;
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"target '{text}': port '{portText}' is not a number from 1 to 65535";
            return null;
        }

        return new ProbeTarget(trimmed, host, port);
    }
}

/// <summary>Send <paramref name="Count"/> probes to each target, one target after another.</summary>
public sealed record ProbeTargets(
    IReadOnlyList<ProbeTarget> Targets, string Protocol, int Count, TimeSpan Interval, TimeSpan Timeout, bool ExpectEcho) : LocalRequest
{
    /// <summary>The network namespace (a name under /run/netns) the probes are sent from; null for the node's own.</summary>
    public string? Namespace { get; init; }
}

/// <summary>
/// Generates traffic to check a path, as scapy users do: TCP connects, UDP datagrams (optionally expecting them echoed)
/// or ICMP echo (root or cap_net_raw only) to each target, sent from the node that hosts the host's device actor, not
/// from the device. Registered result: <c>sent</c>, <c>received</c>, <c>loss_percent</c> and <c>rtt_min_ms</c> /
/// <c>rtt_avg_ms</c> / <c>rtt_max_ms</c> over every target, and <c>targets</c> with the same per target (plus
/// <c>address</c> and <c>reason</c> for what went wrong). Loss does not fail the task (assert on it); a probe that
/// cannot be sent at all (ICMP without permission, a network namespace that does not exist) does.
/// <para><c>netns</c> sends the probes from inside a network namespace of that node (as <c>ip netns exec</c> would; root
/// or CAP_SYS_ADMIN), e.g. a lab router's, so they cross the router's own links. Only a task's <c>netns</c> does that:
/// a host var named <c>netns</c> is not picked up by itself, since where a probe leaves from is the task's choice, not
/// the device's (write <c>netns: "{{ host.data.netns }}"</c> to take it).</para>
/// </summary>
public sealed class ProbeModule : Module, IDeviceModule
{
    public const string Tcp = "tcp";
    public const string Udp = "udp";
    public const string Icmp = "icmp";
    public const int MaxCount = 10_000;

    public override string Name => "probe";
    public override string Description => "Send TCP connects, UDP datagrams or ICMP echo to targets from the NetFleet node and report loss and latency.";

    public override IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        new("targets", ParameterType.TemplateList, true, "Where to probe: HOST:PORT for tcp and udp, HOST for icmp, e.g. \"{{ host.hostname }}:22\"."),
        new("protocol", ParameterType.String, false, "tcp (default), udp or icmp (needs root or cap_net_raw).", [Tcp, Udp, Icmp]),
        new("count", ParameterType.Integer, false, $"Probes per target (default 3, at most {MaxCount})."),
        new("interval", ParameterType.String, false, "Time between the starts of two probes to a target (default 1s)."),
        new("timeout", ParameterType.String, false, "How long each probe waits for its answer (default 1s)."),
        new("expect_echo", ParameterType.Boolean, false, "udp: count a probe as answered only when the same datagram comes back."),
        new("netns", ParameterType.Template, false,
            "Send from inside this network namespace of the node (a name under /run/netns, e.g. a lab router's); needs root. A host var is used only when written here: \"{{ host.data.netns }}\"."),
    ];

    internal override ModuleArgs? Create(BoundArguments arguments, BindContext context)
    {
        var bag = context.Diagnostics;
        var errors = bag.ErrorCount;
        var protocol = arguments.Get<string>("protocol") ?? Tcp;
        var targets = arguments.Get<List<TemplateText>>("targets") ?? [];
        if (arguments.Node("targets") is YSequence targetNodes)
        {
            if (targetNodes.Items.Count == 0) bag.Error(targetNodes.Start, DiagnosticCodes.Empty, "'targets' is empty", "name at least one target, e.g. \"{{ host.hostname }}:22\"");
            // Targets without templates are checked now; templated ones when they are rendered for a host.
            foreach (var item in targetNodes.Items.OfType<YScalar>().Where(i => !i.Value.Contains("{{", StringComparison.Ordinal)))
            {
                if (ProbeTarget.Parse(item.Value, protocol, out var problem) is null) bag.Error(item.Start, DiagnosticCodes.InvalidValue, problem!);
            }
        }

        var count = arguments.GetValue<int>("count") ?? 3;
        if (count is < 1 or > MaxCount)
            bag.Error(arguments.Node("count")!.Start, DiagnosticCodes.InvalidValue, $"count {count} is not between 1 and {MaxCount}");
        var interval = DurationOf(arguments, "interval", context) ?? TimeSpan.FromSeconds(1);
        var timeout = DurationOf(arguments, "timeout", context) ?? TimeSpan.FromSeconds(1);
        var expectEcho = arguments.GetValue<bool>("expect_echo") ?? false;
        if (expectEcho && protocol != Udp)
            bag.Error(arguments.Node("expect_echo")!.Start, DiagnosticCodes.InvalidValue, "'expect_echo' applies to udp probes only");
        var netns = arguments.Get<TemplateText>("netns");
        if (netns is { IsLiteral: true } literal && NetworkNamespaceName.Problem(literal.Source) is { } badName)
            bag.Error(arguments.Node("netns")!.Start, DiagnosticCodes.InvalidValue, badName, "name a namespace as 'ip netns list' shows it, e.g. nf-r1");
        return bag.ErrorCount > errors ? null : new ProbeArgs(targets, protocol, count, interval, timeout, expectEcho, netns);
    }

    private static TimeSpan? DurationOf(BoundArguments arguments, string name, BindContext context)
    {
        if (arguments.Node(name) is not YScalar node) return null;
        if (Duration.TryParse(node.Value, out var duration)) return duration;
        context.Diagnostics.Error(node.Start, DiagnosticCodes.BadDuration, $"'{node.Value}' is not a duration", "for example 200ms, 1s or 2m");
        return null;
    }

    public DeviceRequest Prepare(ModuleArgs args, VariableScope scope)
    {
        var probe = (ProbeArgs)args;
        var targets = probe.Targets.Select(t =>
        {
            var text = t.Render(scope);
            return ProbeTarget.Parse(text, probe.Protocol, out var error) ?? throw new FormatException(error);
        }).ToList();
        var netns = probe.Namespace?.Render(scope).Trim();
        if (netns is "") throw new FormatException($"netns \"{probe.Namespace!.Source}\" is empty for this host; give the host that var or leave netns out");
        if (netns is not null && NetworkNamespaceName.Problem(netns) is { } problem) throw new FormatException(problem);
        return new ProbeTargets(targets, probe.Protocol, probe.Count, probe.Interval, probe.Timeout, probe.ExpectEcho) { Namespace = netns };
    }
}

using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks;

/// <summary>On a halt, which devices a play's configuration changes are taken back on.</summary>
public enum RollbackScope
{
    /// <summary>Only the device that failed (its own change, never confirmed).</summary>
    Device,
    /// <summary>Every device of the failed device's batch.</summary>
    Batch,
    /// <summary>Every device the job changed.</summary>
    Job,
}

/// <summary>
/// A check that runs after a configuration change and before it is confirmed; a failing one rolls the device back.
/// Exactly one of <see cref="Command"/> (its output, as <c>output</c>, and with <c>parse: textfsm</c> or <c>json</c> its records,
/// as <c>parsed</c>, must satisfy every <see cref="That"/>), <see cref="Tcp"/> (<c>host:port</c> must accept a
/// connection) and <see cref="SnmpOid"/> (an SNMP v2c get on the device must answer) is set. A <c>wait_for:</c> check
/// is a command check with <see cref="WaitFor"/> set: the command is repeated until its conditions hold or the
/// timeout passes, for state that takes time to settle (a BGP session coming up, OSPF reaching Full).
/// </summary>
public sealed record PostCheck(
    string Name,
    CommandArgs? Command,
    IReadOnlyList<TemplateExpression> That,
    TemplateText? Tcp,
    TemplateText? SnmpOid,
    int? SnmpPort,
    TemplateText? Community,
    SourceLocation Location)
{
    public static readonly IReadOnlyList<string> Keys = ["name", "command", "that", "tcp", "snmp", "snmp_port", "community", "wait_for"];

    /// <summary>The keys of a <c>wait_for:</c> beside the command's own (command, parse, template, expect).</summary>
    public static readonly IReadOnlyList<string> WaitForKeys = ["that", "timeout", "interval"];

    /// <summary>Set for a <c>wait_for:</c> check: how long to keep trying and how long to wait between two tries.</summary>
    public WaitPolicy? WaitFor { get; init; }

    internal static PostCheck? Read(YNode node, BindContext context)
    {
        var reader = context.Reader;
        var bag = context.Diagnostics;
        if (reader.Mapping(node, "a post-check (command with that, tcp, or snmp)") is not { } map) return null;
        reader.CheckKeys(map, Keys, "post-check");
        var errors = bag.ErrorCount;
        var kinds = new[] { "command", "tcp", "snmp", "wait_for" }.Where(k => map[k] is not null).ToList();
        if (kinds.Count != 1)
        {
            bag.Error(map.Start, DiagnosticCodes.InvalidValue, "a post-check needs exactly one of 'command', 'tcp', 'snmp' and 'wait_for'");
            return null;
        }

        CommandArgs? command = null;
        if (map.KeyNode("command") is { } commandKey)
        {
            command = ArgumentBinder.Bind(new CommandModule(), commandKey, map["command"]!, context) as CommandArgs;
        }

        var that = Conditions(map["that"], context);
        WaitPolicy? waitFor = null;
        if (map.KeyNode("wait_for") is { } waitKey)
        {
            if (map.KeyNode("that") is { } misplaced)
                bag.Error(misplaced.Start, DiagnosticCodes.InvalidValue, "a wait_for check keeps its conditions inside 'wait_for'",
                    "indent 'that:' under 'wait_for:'");
            (command, that, waitFor) = ReadWaitFor(waitKey, map["wait_for"]!, context);
        }

        TemplateText? Template(string key) =>
            map[key] is { } n && reader.String(n) is { } s ? TemplateText.Compile(s.Value, TextOrigin.Of(s), bag) : null;

        var port = map["snmp_port"] is { } p ? reader.Int(p, "a UDP port") : null;
        var name = map["name"] is { } nameNode ? reader.String(nameNode)?.Value : null;
        var check = new PostCheck(name ?? kinds[0], command, that, Template("tcp"), Template("snmp"), port, Template("community"), map.Start)
        {
            WaitFor = waitFor,
        };
        return bag.ErrorCount > errors ? null : check;
    }

    /// <summary>How long a <c>wait_for:</c> keeps trying, and waits between tries, when the playbook does not say.</summary>
    public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultWaitInterval = TimeSpan.FromSeconds(2);

    /// <summary><c>wait_for: {command, parse, template, expect, that, timeout, interval}</c>: the command's keys go to the
    /// command module, so whatever a command task can parse, a wait_for can too.</summary>
    private static (CommandArgs?, List<TemplateExpression>, WaitPolicy?) ReadWaitFor(YScalar key, YNode node, BindContext context)
    {
        var reader = context.Reader;
        var bag = context.Diagnostics;
        if (reader.Mapping(node, "a mapping with command, that, timeout and interval") is not { } map) return (null, [], null);
        var module = new CommandModule();
        var commandKeys = module.Parameters.Select(p => p.Name).ToList();
        reader.CheckKeys(map, [.. commandKeys, .. WaitForKeys], "wait_for");
        var commandEntries = map.Entries.Where(e => commandKeys.Contains(e.Key.Value)).ToList();
        CommandArgs? command = null;
        if (map["command"] is null)
            bag.Error(map.Start, DiagnosticCodes.MissingKey, "wait_for has no 'command'", "add e.g. 'command: show bgp summary json'");
        else
            command = ArgumentBinder.Bind(module, key, new YMapping(map.Start, commandEntries), context) as CommandArgs;

        var that = Conditions(map["that"], context);
        if (map["that"] is null)
            bag.Error(map.Start, DiagnosticCodes.MissingKey, "wait_for has no 'that'", "add the conditions to wait for, e.g. that: [\"output | string.contains 'Established'\"]");

        var timeout = map["timeout"] is { } t ? Duration.Read(t, reader) : DefaultWaitTimeout;
        var interval = map["interval"] is { } i ? Duration.Read(i, reader) : DefaultWaitInterval;
        if (timeout is { } total && interval is { } each && each >= total)
        {
            bag.Error((map["interval"] ?? map["timeout"]!).Start, DiagnosticCodes.InvalidValue,
                $"wait_for interval {Describe(each)} is not shorter than its timeout {Describe(total)}", "the command would run once only; shorten the interval");
        }

        var location = (map["timeout"] ?? map).Start;
        return (command, that, timeout is { } to && interval is { } iv ? new WaitPolicy(to, iv, location) : null);
    }

    private static List<TemplateExpression> Conditions(YNode? node, BindContext context)
    {
        List<TemplateExpression> that = [];
        if (node is null) return that;
        IReadOnlyList<YScalar>? items = node is YScalar { IsNull: false } single ? [single] : context.Reader.StringList(node, "a condition or a list of conditions");
        foreach (var item in items ?? [])
        {
            if (TemplateExpression.Compile(item.Value, TextOrigin.Of(item), context.Diagnostics) is { } compiled) that.Add(compiled);
        }

        return that;
    }

    public static string Describe(TimeSpan duration) => duration.TotalSeconds >= 1
        ? duration.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "s"
        : duration.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "ms";
}

/// <summary>How a <c>wait_for:</c> post-check repeats its command: until <see cref="Timeout"/> has passed since its
/// first try, <see cref="Interval"/> after each failed one.</summary>
/// <param name="Location">Where the timeout is written (or the wait_for), for errors about it.</param>
public sealed record WaitPolicy(TimeSpan Timeout, TimeSpan Interval, SourceLocation Location);

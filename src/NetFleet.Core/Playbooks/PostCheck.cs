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
/// connection) and <see cref="SnmpOid"/> (an SNMP v2c get on the device must answer) is set.
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
    public static readonly IReadOnlyList<string> Keys = ["name", "command", "that", "tcp", "snmp", "snmp_port", "community"];

    internal static PostCheck? Read(YNode node, BindContext context)
    {
        var reader = context.Reader;
        var bag = context.Diagnostics;
        if (reader.Mapping(node, "a post-check (command with that, tcp, or snmp)") is not { } map) return null;
        reader.CheckKeys(map, Keys, "post-check");
        var errors = bag.ErrorCount;
        var kinds = new[] { "command", "tcp", "snmp" }.Where(k => map[k] is not null).ToList();
        if (kinds.Count != 1)
        {
            bag.Error(map.Start, DiagnosticCodes.InvalidValue, "a post-check needs exactly one of 'command', 'tcp' and 'snmp'");
            return null;
        }

        CommandArgs? command = null;
        if (map.KeyNode("command") is { } commandKey)
        {
            command = ArgumentBinder.Bind(new CommandModule(), commandKey, map["command"]!, context) as CommandArgs;
        }

        List<TemplateExpression> that = [];
        if (map["that"] is { } thatNode)
        {
            IReadOnlyList<YScalar>? items = thatNode is YScalar { IsNull: false } single ? [single] : reader.StringList(thatNode, "a condition or a list of conditions");
            foreach (var item in items ?? [])
            {
                if (TemplateExpression.Compile(item.Value, TextOrigin.Of(item), bag) is { } compiled) that.Add(compiled);
            }
        }

        TemplateText? Template(string key) =>
            map[key] is { } n && reader.String(n) is { } s ? TemplateText.Compile(s.Value, TextOrigin.Of(s), bag) : null;

        var port = map["snmp_port"] is { } p ? reader.Int(p, "a UDP port") : null;
        var name = map["name"] is { } nameNode ? reader.String(nameNode)?.Value : null;
        var check = new PostCheck(name ?? kinds[0], command, that, Template("tcp"), Template("snmp"), port, Template("community"), map.Start);
        return bag.ErrorCount > errors ? null : check;
    }
}

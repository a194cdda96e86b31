using System.Globalization;
using System.Xml.Linq;
using NetFleet.Lab.Config;
using NetFleet.Netconf;

namespace NetFleet.Lab.Netconf;

/// <summary>
/// The Junos-native rpcs that Junos tooling (ncclient's junos device handler, PyEZ) sends instead of the standard
/// operations: <c>get-configuration</c>, <c>commit-configuration</c> (its confirm timeout in minutes) and
/// <c>load-configuration</c> (XML, text or set lines; <c>rollback="N"</c>). Null for any other operation.
/// </summary>
internal static class JunosRpcs
{
    public static XElement? Answer(XElement operation, JunosDatastore datastore) => operation.Name.LocalName switch
    {
        "get-configuration" => GetConfiguration(operation, datastore),
        "commit-configuration" => CommitConfiguration(operation, datastore),
        "load-configuration" => LoadConfiguration(operation, datastore),
        _ => null,
    };

    private static XElement GetConfiguration(XElement operation, JunosDatastore datastore)
    {
        var database = (string?)operation.Attribute("database") ?? "candidate";
        if (database is not ("candidate" or "committed"))
        {
            throw new NetconfFailure(Invalid($"database '{database}': use candidate or committed"));
        }
        var full = datastore.Configuration(database == "committed" ? "running" : "candidate");
        var selected = operation.Elements().Any(e => e.Name.LocalName == "configuration")
            ? SubtreeFilter.Apply([full], operation).FirstOrDefault() ?? new XElement(full.Name, full.Attributes())
            : full;
        return ((string?)operation.Attribute("format") ?? "xml") switch
        {
            "xml" => selected,
            "text" => new XElement("configuration-text", JunosXml.FromXml(selected).Render()),
            "set" => new XElement("configuration-set", JunosXml.FromXml(selected).DisplaySet()),
            var other => throw new NetconfFailure(Invalid($"format '{other}': use xml, text or set")),
        };
    }

    private static XElement CommitConfiguration(XElement operation, JunosDatastore datastore)
    {
        if (Child(operation, "check") is not null)
        {
            datastore.Validate("candidate", null);
        }
        else
        {
            var minutes = Child(operation, "confirm-timeout")?.Value.Trim() is { } text
                ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is >= 1 and <= 65535
                    ? m
                    : throw new NetconfFailure(Invalid($"confirm-timeout '{text}': minutes from 1 to 65535"))
                : 10;
            datastore.Commit(Child(operation, "confirmed") is not null, minutes, null, null, Child(operation, "log")?.Value.Trim() ?? "");
        }
        return new XElement("commit-results",
            new XElement("routing-engine", new XElement("name", "re0"), new XElement(Child(operation, "check") is null ? "commit-success" : "commit-check-success")));
    }

    private static XElement LoadConfiguration(XElement operation, JunosDatastore datastore)
    {
        var action = (string?)operation.Attribute("action") ?? "merge";
        if (operation.Attribute("rollback") is { } rollback)
        {
            datastore.Rollback(int.TryParse(rollback.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new NetconfFailure(Invalid($"rollback '{rollback.Value}' is not a number")));
        }
        else if (Child(operation, "configuration-set") is { } set)
        {
            datastore.LoadSet(set.Value);
        }
        else
        {
            var configuration = Child(operation, "configuration")
                ?? (Child(operation, "configuration-text") is { } text ? JunosXml.ToXml(JunosConfig.Parse(text.Value)) : null)
                ?? throw new NetconfFailure(new NetconfRpcError("protocol", "missing-element", "error")
                {
                    Message = "load-configuration needs <configuration>, <configuration-text>, <configuration-set> or rollback=\"N\"",
                });
            var defaultOperation = action switch
            {
                "merge" or "replace" => "merge",
                "override" => "replace",
                _ => throw new NetconfFailure(Invalid($"action '{action}': use merge, replace, override or set")),
            };
            datastore.Edit(configuration, defaultOperation, "test-then-set", "stop-on-error");
        }
        return new XElement("load-configuration-results", new XElement("load-success"));
    }

    private static XElement? Child(XElement operation, string name) => operation.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static NetconfRpcError Invalid(string message) => new("protocol", "invalid-value", "error") { Message = message };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using NetFleet.Core.Playbooks.Modules;

namespace NetFleet.Core.Playbooks;

/// <summary>
/// A JSON Schema (draft 2020-12) of the playbook format, derived from the module declarations so editors can
/// complete and check playbooks. Backs <c>netfleet schema</c>.
/// </summary>
public static class PlaybookSchema
{
    public const string SchemaId = "https://netfleet.dev/schemas/playbook.json";

    public static string Generate() =>
        Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    internal static JsonObject Build()
    {
        var taskProperties = new JsonObject
        {
            ["name"] = Described("string", "Name shown in output."),
            ["register"] = new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = "^[A-Za-z_][A-Za-z0-9_]*$",
                ["description"] = "Store the result in this variable for later tasks.",
            },
            ["when"] = Described("string", "Run only if this Scriban expression is true, e.g. host.platform == \"cisco_ios\"."),
            ["loop"] = new JsonObject
            {
                ["description"] = "Run once per item (available as 'item'): a list, or an expression producing one.",
                ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "array" }, new JsonObject { ["type"] = "string" }),
            },
            ["ignore_errors"] = Described("boolean", "Carry on with this host when the task fails."),
            ["timeout"] = new JsonObject
            {
                ["description"] = "Time limit: 30s, 2m, 1h30m, or a number of seconds.",
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0 },
                    new JsonObject { ["type"] = "string", ["pattern"] = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$" }),
            },
            ["vars"] = Vars("Variables for this task only."),
        };
        foreach (var module in ModuleCatalog.All) taskProperties[module.Name] = ModuleSchema(module);

        var task = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "A task: exactly one module key plus optional task keywords.",
            ["properties"] = taskProperties,
            ["additionalProperties"] = false,
            // oneOf over "has module X" makes exactly one module key valid.
            ["oneOf"] = new JsonArray(ModuleCatalog.All.Select(m => (JsonNode)new JsonObject { ["required"] = new JsonArray(m.Name) }).ToArray()),
        };

        var serialValue = new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["type"] = "integer", ["minimum"] = 0 },
                new JsonObject { ["type"] = "string", ["pattern"] = "^(100|[1-9][0-9]?)%$" }),
        };
        var play = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("hosts", "tasks"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["name"] = Described("string", "Name shown in output."),
                ["hosts"] = Described("string", "Host pattern: 'all', names, groups, globs (lon-*), filters (data.site == \"lon\"), !exclude, &intersect."),
                ["vars"] = Vars("Variables for every task of the play."),
                ["serial"] = new JsonObject
                {
                    ["description"] = "Batch size: a count, a percentage (\"10%\"), or a list of them (the last repeats).",
                    ["anyOf"] = new JsonArray(serialValue.DeepClone(), new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = serialValue }),
                },
                ["max_fail_percentage"] = new JsonObject
                {
                    ["type"] = "number", ["minimum"] = 0, ["maximum"] = 100,
                    ["description"] = "Abort the play when more than this percentage of a batch failed.",
                },
                ["any_errors_fatal"] = Described("boolean", "Abort the play as soon as any host fails."),
                ["confirm_minutes"] = new JsonObject
                {
                    ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 120,
                    ["description"] = "Device minutes a configuration change may stay unconfirmed before the device reverts it by itself (default 5).",
                },
                ["rollback"] = new JsonObject
                {
                    ["enum"] = new JsonArray("device", "batch", "job"),
                    ["description"] = "On a halt, roll back only the failed device, its whole batch, or every device the job changed.",
                },
                ["transaction"] = new JsonObject
                {
                    ["enum"] = new JsonArray("auto", "replace", "merge", "none"),
                    ["description"] = "How configuration changes are protected: auto (the strongest the device has), replace (the device's own "
                        + "timed revert), merge (backup, then a verified restore on failure), none. Overrides each host's 'transaction'.",
                },
                ["pause_between_batches"] = Described("string", "A wait between batches, e.g. 30s or 2m."),
                ["approval"] = new JsonObject
                {
                    ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "boolean" }, new JsonObject { ["enum"] = new JsonArray(Play.EveryBatchApproval) }),
                    ["description"] = "true: wait before each batch after the first until 'netfleet jobs approve ID'; every_batch: before the first too.",
                },
                ["poll"] = PollSchema(),
                ["capture"] = CaptureSchema(),
                ["gate"] = GateSchema(),
                ["post_checks"] = new JsonObject
                {
                    ["description"] = "Checks after every configuration change, before it is confirmed; a failure rolls the device back.",
                    ["type"] = "array",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["additionalProperties"] = false,
                        ["properties"] = new JsonObject
                        {
                            ["name"] = Described("string", "Name shown in output."),
                            ["command"] = new JsonObject { ["description"] = "A command (string, or {command, parse, template}); its output is 'output', parsed records (parse: textfsm or json) 'parsed'." },
                            ["that"] = new JsonObject { ["description"] = "Conditions (Scriban expressions) the command's output must satisfy." },
                            ["tcp"] = Described("string", "host:port that must accept a TCP connection."),
                            ["snmp"] = Described("string", "An OID an SNMP v2c get on the device must answer."),
                            ["snmp_port"] = Described("integer", "UDP port of the device's SNMP agent (default 161)."),
                            ["community"] = Described("string", "SNMP community (default public)."),
                            ["wait_for"] = WaitForSchema(),
                        },
                    },
                },
                ["tasks"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/task" } },
            },
        };

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = SchemaId,
            ["title"] = "NetFleet playbook",
            ["description"] = "A list of plays; each runs its tasks on the hosts its pattern selects.",
            ["type"] = "array",
            ["minItems"] = 1,
            ["items"] = new JsonObject { ["$ref"] = "#/$defs/play" },
            ["$defs"] = new JsonObject { ["play"] = play, ["task"] = task },
        };
    }

    /// <summary>A play's <c>poll:</c> takes the snmp_poll module's arguments.</summary>
    private static JsonNode PollSchema()
    {
        var schema = ModuleSchema(ModuleCatalog.Find("snmp_poll")!);
        schema["description"] = "Sample SNMP objects on every host after the play's tasks (every, for, oids); registered as 'poll'.";
        return schema;
    }

    /// <summary>A play's <c>gate:</c> (<see cref="Gate"/>).</summary>
    private static JsonObject GateSchema()
    {
        var percent = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 100 },
            new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]+(\\.[0-9]+)? *%?$" }) };
        var rate = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "number", ["minimum"] = 0 },
            new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]+(\\.[0-9]+)? */[sm]$" }) };
        JsonNode With(JsonNode schema, string description)
        {
            var copy = schema.DeepClone();
            copy["description"] = description;
            return copy;
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Traffic measured before and after each batch; a batch that makes it worse is rolled back and the job halts.",
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["probes"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["additionalProperties"] = false,
                        ["required"] = new JsonArray("to"),
                        ["properties"] = new JsonObject
                        {
                            ["from"] = Described("string", "Inventory host the probe is sent from (inside its 'netns' when it has one); default: NetFleet's node."),
                            ["to"] = Described("string", "HOST for icmp, HOST:PORT for tcp and udp."),
                            ["kind"] = new JsonObject { ["enum"] = new JsonArray("icmp", "tcp", "udp"), ["description"] = "Probe kind (default icmp)." },
                            ["count"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "Probes per measurement (default 10)." },
                            ["interval"] = Described("string", "Between two probes (default 100ms)."),
                            ["timeout"] = Described("string", "How long each probe waits (default 1s)."),
                        },
                    },
                },
                ["max_loss"] = With(percent, "Highest probe loss after the batch, e.g. 5%."),
                ["max_loss_increase"] = With(percent, "Highest rise in probe loss against the baseline, e.g. 2%."),
                ["max_latency"] = Described("string", "Highest average probe latency after the batch, e.g. 50ms."),
                ["max_latency_increase"] = Described("string", "Highest rise in average probe latency against the baseline, e.g. 20ms."),
                ["max_if_error_rate"] = With(rate, "Highest SNMP interface errors+discards per second on any device of the batch, e.g. 1/s."),
                ["max_rst_rate"] = With(rate, "Highest TCP RST rate seen by the play's capture, e.g. 10/s."),
                ["max_retransmission_rate"] = With(rate, "Highest rate of TCP segments sent again seen by the play's capture, e.g. 5/s."),
                ["settle"] = Described("string", "Wait this long after the batch before measuring (default 0)."),
                ["window"] = Described("string", "Shortest measurement; counters are compared across it (default 2s)."),
            },
        };
    }

    /// <summary>A post-check's <c>wait_for:</c>: the command module's keys plus that, timeout and interval.</summary>
    private static JsonObject WaitForSchema()
    {
        var command = ModuleSchema(ModuleCatalog.Find("command")!);
        var properties = ((JsonObject)command["anyOf"]![1]!)["properties"]!.DeepClone().AsObject();
        properties["that"] = new JsonObject { ["description"] = "Conditions (Scriban expressions) to wait for; 'output' and 'parsed' as for a command check." };
        properties["timeout"] = Described("string", "Give up (and roll the device back) after this long, e.g. 30s (default 30s).");
        properties["interval"] = Described("string", "Wait this long between two tries, e.g. 2s (default 2s).");
        return new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Repeat a command until its conditions hold or the timeout passes (a BGP session coming up, OSPF reaching Full).",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("command", "that"),
            ["properties"] = properties,
        };
    }

    /// <summary>A play's <c>capture:</c> (<see cref="CaptureBlock"/>).</summary>
    private static JsonObject CaptureSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "Packet captures on sensor nodes around the play's tasks (or each batch); summaries go to the job history.",
        ["additionalProperties"] = false,
        ["required"] = new JsonArray("interface"),
        ["anyOf"] = new JsonArray(new JsonObject { ["required"] = new JsonArray("sensor") }, new JsonObject { ["required"] = new JsonArray("tags") }),
        ["properties"] = new JsonObject
        {
            ["sensor"] = Described("string", "The sensor node's name (netfleet node --sensor-name)."),
            ["tags"] = new JsonObject
            {
                ["description"] = "Every sensor carrying all these tags captures: a mapping ({site: lon}) or a list of KEY=VALUE.",
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["type"] = "object", ["minProperties"] = 1, ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
                    new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[^=]+=.+$" } }),
            },
            ["interface"] = Described("string",
                "Interface on the sensor (one it allows), e.g. lo or eth0; NETNS/INTERFACE for one inside a network namespace of the sensor's node, e.g. nf-r1/eth1."),
            ["filter"] = Described("string", "BPF filter in tcpdump syntax, e.g. \"tcp port 22\"."),
            ["snaplen"] = new JsonObject
            {
                ["type"] = "integer", ["minimum"] = CaptureBlock.MinSnapLength, ["maximum"] = CaptureBlock.MaxSnapLength,
                ["description"] = "Bytes kept of each packet (default 65535).",
            },
            ["promiscuous"] = Described("boolean", "Put the interface in promiscuous mode."),
            ["duration"] = Described("string", "Stop the capture after this long (30s, 5m), even if the tasks go on."),
            ["packets"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "Stop after this many packets." },
            ["bytes"] = new JsonObject
            {
                ["description"] = "Stop before this many bytes: a number or a size such as 10MB.",
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
                    new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]+(\\.[0-9]+)? *([KMGkmg][Bb]?|[Bb])?$" }),
            },
            ["per_batch"] = Described("boolean", "Capture around every serial batch separately (default: once around the whole play)."),
        },
    };

    private static JsonObject ModuleSchema(Module module)
    {
        if (module.AcceptsAnyKeys)
        {
            return new JsonObject
            {
                ["type"] = "object",
                ["description"] = module.Description,
                ["minProperties"] = 1,
                ["propertyNames"] = new JsonObject { ["pattern"] = "^[A-Za-z_][A-Za-z0-9_]*$" },
            };
        }
        var properties = new JsonObject();
        foreach (var parameter in module.Parameters) properties[parameter.Name] = ParameterSchema(parameter);
        var args = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
            ["required"] = new JsonArray(module.Parameters.Where(p => p.Required).Select(p => (JsonNode)p.Name).ToArray()),
        };
        if (module.FreeFormParameter is null)
        {
            args["description"] = module.Description;
            return args;
        }
        return new JsonObject
        {
            ["description"] = module.Description,
            ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "string", ["description"] = $"Shorthand for {module.FreeFormParameter}." }, args),
        };
    }

    private static JsonObject ParameterSchema(ModuleParameter parameter)
    {
        var schema = parameter.Type switch
        {
            ParameterType.String or ParameterType.Template => new JsonObject { ["type"] = "string" },
            ParameterType.Boolean => new JsonObject { ["type"] = "boolean" },
            ParameterType.Integer => new JsonObject { ["type"] = "integer" },
            ParameterType.Number => new JsonObject { ["type"] = "number", ["minimum"] = 0 },
            ParameterType.TemplateList => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            ParameterType.ExpressionList => new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["type"] = "string" },
                    new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } }),
            },
            ParameterType.MappingList => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" } },
            ParameterType.StringMap => new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
            _ => throw new InvalidOperationException($"unhandled parameter type {parameter.Type}"),
        };
        schema["description"] = parameter.Description;
        if (parameter.AllowedValues is { } allowed) schema["enum"] = new JsonArray(allowed.Select(a => (JsonNode)a).ToArray());
        return schema;
    }

    private static JsonObject Described(string type, string description) =>
        new() { ["type"] = type, ["description"] = description };

    private static JsonObject Vars(string description) => new()
    {
        ["type"] = "object",
        ["description"] = description,
        ["propertyNames"] = new JsonObject { ["pattern"] = "^[A-Za-z_][A-Za-z0-9_]*$" },
    };
}

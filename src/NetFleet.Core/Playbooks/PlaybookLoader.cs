using System.Globalization;
using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks;

public sealed record PlaybookLoadResult(Playbook? Playbook, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Playbook is not null;
}

/// <summary>
/// Reads a playbook file (and the template files it names) into typed plays and tasks, binding every module's
/// arguments and compiling every template. All problems are reported; the playbook is returned only without errors.
/// </summary>
public static class PlaybookLoader
{
    private const string PollModule = "snmp_poll";

    public static readonly IReadOnlyList<string> PlayKeys = ["name", "hosts", "vars", "serial", "max_fail_percentage", "any_errors_fatal", "tasks", "poll",
        "post_checks", "confirm_minutes", "rollback", "pause_between_batches", "approval", "capture", "transaction", "gate"];
    public static readonly IReadOnlyList<string> TaskKeys = ["name", "register", "when", "loop", "ignore_errors", "timeout", "vars"];

    public static PlaybookLoadResult Load(string path)
    {
        var bag = new DiagnosticBag();
        var playbook = Load(path, bag);
        return new PlaybookLoadResult(bag.HasErrors ? null : playbook, bag.ToList());
    }

    /// <summary>Loads a playbook from its text, as if read from <paramref name="path"/> (diagnostics name it, and files the
    /// playbook refers to are found beside it).</summary>
    public static PlaybookLoadResult LoadText(string text, string path)
    {
        var bag = new DiagnosticBag();
        var playbook = Load(path, bag, text);
        return new PlaybookLoadResult(bag.HasErrors ? null : playbook, bag.ToList());
    }

    internal static Playbook? Load(string path, DiagnosticBag bag, string? text = null)
    {
        var root = text is null ? YamlLoader.LoadFile(path, bag) : YamlLoader.Parse(text, path, bag);
        if (root is null)
        {
            // A file of nothing but comments or whitespace has no document at all.
            if (!bag.HasErrors) bag.Error(new SourceLocation(path, 1, 1), DiagnosticCodes.Empty, "the playbook is empty",
                "a playbook is a list of plays: start with '- name:' or '- hosts:'");
            return null;
        }
        var reader = new YamlReader(bag);
        var context = new BindContext(reader, Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (root is YScalar { IsNull: true } || root is YSequence { Items.Count: 0 })
        {
            bag.Error(root.Start, DiagnosticCodes.Empty, "the playbook has no plays");
            return null;
        }
        if (root is not YSequence plays)
        {
            bag.Error(root.Start, DiagnosticCodes.WrongType, $"expected a list of plays, found {root.Describe()}",
                "a playbook is a list: start each play with '- name:' or '- hosts:'");
            return null;
        }
        return new Playbook(path, plays.Items.Select(p => ReadPlay(p, context)).OfType<Play>().ToList());
    }

    private static Play? ReadPlay(YNode node, BindContext context)
    {
        var reader = context.Reader;
        var bag = context.Diagnostics;
        if (reader.Mapping(node, "a play (a mapping with hosts and tasks)") is not { } map) return null;
        reader.CheckKeys(map, PlayKeys, "play");

        HostSelector? hosts = null;
        var hostsNode = map["hosts"] is { } h ? reader.String(h, "a host pattern such as 'all' or 'lon-*,&ios'") : null;
        if (map["hosts"] is null)
            bag.Error(map.Start, DiagnosticCodes.MissingKey, "play has no 'hosts'", "add 'hosts: all' or a host pattern");
        else if (hostsNode is not null)
            hosts = ParseHosts(hostsNode, bag);

        var serial = map["serial"] is { } s ? ReadSerial(s, reader) : Serial.All;
        double? maxFail = null;
        if (map["max_fail_percentage"] is { } mf && reader.Number(mf, "a percentage between 0 and 100") is { } pct)
        {
            if (pct is < 0 or > 100)
                bag.Error(mf.Start, DiagnosticCodes.InvalidValue, $"max_fail_percentage {pct.ToString(CultureInfo.InvariantCulture)} is not between 0 and 100");
            else
                maxFail = pct;
        }
        var anyErrorsFatal = map["any_errors_fatal"] is { } aef && (reader.Bool(aef) ?? false);
        var vars = map["vars"] is { } v ? ReadVars(v, context) : new Dictionary<string, TemplatedValue>();
        var confirmMinutes = Play.DefaultConfirmMinutes;
        if (map["confirm_minutes"] is { } cm && reader.Int(cm, "a number of device minutes (1 to 120)") is { } minutes)
        {
            if (minutes is < 1 or > 120) bag.Error(cm.Start, DiagnosticCodes.InvalidValue, $"confirm_minutes {minutes} is not between 1 and 120");
            else confirmMinutes = minutes;
        }
        var rollback = RollbackScope.Device;
        if (map["rollback"] is { } rb && reader.String(rb, "device, batch or job") is { } rbs)
        {
            if (Enum.TryParse<RollbackScope>(rbs.Value, ignoreCase: true, out var scope) && rbs.Value.All(char.IsLetter)) rollback = scope;
            else bag.Error(rbs.Start, DiagnosticCodes.InvalidValue, $"'{rbs.Value}' is not a rollback scope", "expected one of: device, batch, job");
        }
        var transaction = TransactionModes.Read(map["transaction"], reader);
        TimeSpan? pause = null;
        if (map["pause_between_batches"] is { } pb && reader.String(pb, "a duration such as 30s or 2m") is { } pbs)
        {
            if (Duration.TryParse(pbs.Value, out var parsed)) pause = parsed;
            else bag.Error(pbs.Start, DiagnosticCodes.BadDuration, $"'{pbs.Value}' is not a duration", "write e.g. 30s, 2m, 1h30m or a number of seconds");
        }
        var everyBatch = map["approval"] is YScalar { Value: Play.EveryBatchApproval };
        var approval = everyBatch || (map["approval"] is { } ap && (reader.Bool(ap, $"a boolean, or {Play.EveryBatchApproval} (the first batch waits too)") ?? false));
        var capture = map["capture"] is { } cap ? CaptureBlock.Read(cap, context) : null;
        var gate = map["gate"] is { } g ? Gate.Read(g, context, playCaptures: map["capture"] is not null) : null;
        var postChecks = new List<PostCheck>();
        if (map["post_checks"] is { } pc && reader.Sequence(pc, "a list of post-checks") is { } checks)
        {
            postChecks.AddRange(checks.Items.Select(c => PostCheck.Read(c, context)).OfType<PostCheck>());
            // Every wait_for runs while the change is unconfirmed: together they must end before the device reverts it.
            var waiting = postChecks.Where(c => c.WaitFor is not null).ToList();
            if (waiting.Count > 0 && waiting.Sum(c => c.WaitFor!.Timeout.TotalMinutes) >= confirmMinutes)
            {
                bag.Error(waiting[^1].WaitFor!.Location, DiagnosticCodes.InvalidValue,
                    $"the wait_for timeouts add up to {PostCheck.Describe(TimeSpan.FromTicks(waiting.Sum(c => c.WaitFor!.Timeout.Ticks)))}, as long as the confirm window "
                    + $"({confirmMinutes} minute(s)): the device could revert the change while a check still waits",
                    "shorten the timeouts or raise 'confirm_minutes'");
            }
        }

        var tasks = new List<PlaybookTask>();
        if (map["tasks"] is not { } tasksNode)
        {
            bag.Error(map.Start, DiagnosticCodes.MissingKey, "play has no 'tasks'");
        }
        else if (tasksNode is YScalar { IsNull: true } or YSequence { Items.Count: 0 })
        {
            bag.Warning(tasksNode.Start, DiagnosticCodes.Empty, "play has no tasks");
        }
        else if (reader.Sequence(tasksNode, "a list of tasks") is { } taskList)
        {
            tasks.AddRange(taskList.Items.Select(t => ReadTask(t, context)).OfType<PlaybookTask>());
        }

        // `poll:` on a play samples SNMP objects on every host after its tasks: the snmp_poll module,
        // registered as `poll`, so its samples and rates are in the results and the job history.
        if (map.KeyNode("poll") is { } pollKey && map["poll"] is { } pollNode
            && ModuleCatalog.Find(PollModule) is { } pollModule
            && ArgumentBinder.Bind(pollModule, pollKey, pollNode, context) is { } pollArgs)
        {
            tasks.Add(new PlaybookTask("poll", pollModule, pollArgs, "poll", null, null, false, null,
                new Dictionary<string, TemplatedValue>(), pollKey.Start));
        }

        var name = map["name"] is { } n ? reader.String(n)?.Value : null;
        return hosts is null
            ? null
            : new Play(name ?? hostsNode!.Value, hosts, vars, serial, maxFail, anyErrorsFatal, tasks, map.Start)
            {
                HostsNode = hostsNode, ConfirmMinutes = confirmMinutes, Rollback = rollback, Transaction = transaction, PauseBetweenBatches = pause,
                Approval = approval, ApproveFirstBatch = everyBatch, PostChecks = postChecks, Capture = capture, Gate = gate,
            };
    }

    private static HostSelector? ParseHosts(YScalar node, DiagnosticBag bag)
    {
        var selector = HostSelector.Parse(node.Value, out var problems);
        foreach (var problem in problems) bag.Add(problem.ToDiagnostic(node.LocationOf(0, problem.Offset)));
        return selector;
    }

    private static PlaybookTask? ReadTask(YNode node, BindContext context)
    {
        var reader = context.Reader;
        var bag = context.Diagnostics;
        if (node is YScalar { IsNull: true } || node is YMapping { Entries.Count: 0 })
        {
            bag.Error(node.Start, DiagnosticCodes.ModuleCount, "empty task", $"a task needs one module: {string.Join(", ", ModuleCatalog.Names)}");
            return null;
        }
        if (reader.Mapping(node, "a task (a mapping with one module key)") is not { } map) return null;

        var modules = map.Entries.Where(e => ModuleCatalog.Find(e.Key.Value) is not null).ToList();
        var unknown = map.Entries.Where(e => !TaskKeys.Contains(e.Key.Value) && ModuleCatalog.Find(e.Key.Value) is null).ToList();
        var everything = ModuleCatalog.Names.Concat(TaskKeys).ToList();
        for (var i = 0; i < unknown.Count; i++)
        {
            var key = unknown[i].Key;
            // With no module in the task, the first unknown key is most likely a misspelt module.
            if (modules.Count == 0 && i == 0)
                bag.Error(key.Start, DiagnosticCodes.UnknownModule, $"unknown module '{key.Value}'",
                    DidYouMean.Hint(key.Value, ModuleCatalog.Names) ?? DidYouMean.Hint(key.Value, everything));
            else
                bag.Error(key.Start, DiagnosticCodes.UnknownKey, $"unknown key '{key.Value}' in task", DidYouMean.Hint(key.Value, everything));
        }
        if (modules.Count == 0 && unknown.Count == 0)
            bag.Error(map.Start, DiagnosticCodes.ModuleCount, "task has no module", $"add one of: {string.Join(", ", ModuleCatalog.Names)}");
        foreach (var extra in modules.Skip(1))
        {
            bag.Error(extra.Key.Start, DiagnosticCodes.ModuleCount,
                $"task has more than one module ('{modules[0].Key.Value}' and '{extra.Key.Value}')", "a task runs exactly one module; split it into two tasks");
        }

        var name = map["name"] is { } n ? reader.String(n)?.Value : null;
        string? register = null;
        if (map.KeyNode("register") is not null && reader.String(map["register"]!, "a variable name") is { } reg && Names.Check(reg, "register", bag))
            register = reg.Value;
        var when = map["when"] is { } w && reader.String(w, "a condition") is { } ws
            ? TemplateExpression.Compile(ws.Value, TextOrigin.Of(ws), bag)
            : null;
        var loop = map["loop"] is { } l ? ReadLoop(l, context) : null;
        var ignoreErrors = map["ignore_errors"] is { } ie && (reader.Bool(ie) ?? false);
        TimeSpan? timeout = null;
        if (map["timeout"] is { } t && reader.String(t, "a duration such as 30s or 2m") is { } ts)
        {
            if (Duration.TryParse(ts.Value, out var parsed)) timeout = parsed;
            else bag.Error(ts.Start, DiagnosticCodes.BadDuration, $"'{ts.Value}' is not a duration", "write e.g. 30s, 2m, 1h30m or a number of seconds");
        }
        var vars = map["vars"] is { } v ? ReadVars(v, context) : new Dictionary<string, TemplatedValue>();

        if (modules.Count != 1) return null;
        var (moduleKey, moduleValue) = modules[0];
        var module = ModuleCatalog.Find(moduleKey.Value)!;
        var args = ArgumentBinder.Bind(module, moduleKey, moduleValue, context);
        return args is null
            ? null
            : new PlaybookTask(name ?? module.Name, module, args, register, when, loop, ignoreErrors, timeout, vars, map.Start);
    }

    private static TaskLoop? ReadLoop(YNode node, BindContext context)
    {
        var bag = context.Diagnostics;
        switch (node)
        {
            case YSequence:
                return new TaskLoop(TemplatedValue.Compile(node, bag), null, null, node.Start);
            case YScalar { IsNull: false } s when s.Value.Contains("{{", StringComparison.Ordinal):
                return new TaskLoop(null, TemplateText.Compile(s.Value, TextOrigin.Of(s), bag), null, node.Start);
            case YScalar { IsNull: false } s:
                return TemplateExpression.Compile(s.Value, TextOrigin.Of(s), bag) is { } e ? new TaskLoop(null, null, e, node.Start) : null;
            default:
                context.Reader.WrongType(node, "a list or an expression producing a list");
                return null;
        }
    }

    private static Dictionary<string, TemplatedValue> ReadVars(YNode node, BindContext context)
    {
        var vars = new Dictionary<string, TemplatedValue>(StringComparer.Ordinal);
        if (node is YScalar { IsNull: true } || context.Reader.Mapping(node, "a mapping of variable names to values") is not { } map) return vars;
        foreach (var (key, value) in map.Entries)
        {
            if (Names.Check(key, "variable", context.Diagnostics)) vars[key.Value] = TemplatedValue.Compile(value, context.Diagnostics);
        }
        return vars;
    }

    private static Serial ReadSerial(YNode node, YamlReader reader)
    {
        var items = node is YSequence seq ? seq.Items : [node];
        if (items.Count == 0)
        {
            reader.Diagnostics.Error(node.Start, DiagnosticCodes.BadSerial, "serial is an empty list");
            return Serial.All;
        }
        var steps = new List<SerialStep>();
        foreach (var item in items)
        {
            if (item is YScalar s && SerialStepOf(s.Value) is { } step) steps.Add(step);
            else reader.Diagnostics.Error(item.Start, DiagnosticCodes.BadSerial,
                $"serial value {(item is YScalar sc ? $"'{sc.Value}'" : item.Describe())} is not a host count or a percentage",
                "write a whole number (2), a percentage (\"10%\") or a list of them");
        }
        return new Serial(steps);
    }

    private static SerialStep? SerialStepOf(string text)
    {
        var percent = text.EndsWith('%');
        var number = percent ? text[..^1] : text;
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return null;
        if (percent && value is < 1 or > 100) return null;
        return new SerialStep(value, percent);
    }
}

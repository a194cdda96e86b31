using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Playbooks;

public sealed record Playbook(string Path, IReadOnlyList<Play> Plays);

public sealed record Play(
    string Name,
    HostSelector Hosts,
    IReadOnlyDictionary<string, TemplatedValue> Vars,
    Serial Serial,
    double? MaxFailPercentage,
    bool AnyErrorsFatal,
    IReadOnlyList<PlaybookTask> Tasks,
    SourceLocation Location)
{
    /// <summary>The <c>hosts:</c> scalar, so selection problems found later point into the YAML.</summary>
    internal YScalar? HostsNode { get; init; }

    /// <summary>The default confirm window in device minutes: long enough for post-checks over a slow link.</summary>
    public const int DefaultConfirmMinutes = 5;

    /// <summary>How long a configuration change may stay unconfirmed before the device reverts it by itself.</summary>
    public int ConfirmMinutes { get; init; } = DefaultConfirmMinutes;

    /// <summary>Run after every configuration change of the play, before it is confirmed.</summary>
    public IReadOnlyList<PostCheck> PostChecks { get; init; } = [];

    public RollbackScope Rollback { get; init; } = RollbackScope.Device;

    /// <summary>How configuration changes are protected on the devices (the play's <c>transaction:</c>); null leaves it
    /// to each host's own <c>transaction</c>, then to <see cref="TransactionMode.Auto"/>.</summary>
    public TransactionMode? Transaction { get; init; }

    /// <summary>A wait between one batch's end and the next one's start.</summary>
    public TimeSpan? PauseBetweenBatches { get; init; }

    /// <summary>Each batch after the first waits until someone approves the job (<c>netfleet jobs approve</c>).</summary>
    public bool Approval { get; init; }

    /// <summary><c>approval: every_batch</c>: the first batch waits too, for changes nobody has seen yet (compliance remediation).</summary>
    public bool ApproveFirstBatch { get; init; }

    public const string EveryBatchApproval = "every_batch";

    /// <summary>Packet captures on sensor nodes around the play's tasks (or around each batch), summarised in the job history.</summary>
    public CaptureBlock? Capture { get; init; }

    /// <summary>Traffic measured before and after each batch; a batch that makes it worse is rolled back and the job halts.</summary>
    public Gate? Gate { get; init; }
}

/// <summary>
/// A play's or host's <c>transaction:</c>. <see cref="Auto"/>: the strongest safety net the device has, probed once per
/// session. <see cref="Replace"/>: the device's own timed revert (IOS <c>configure replace … time</c>, EOS <c>commit
/// timer</c>, Junos <c>commit confirmed</c>), refused where the device lacks it. <see cref="Merge"/>: the lines merged
/// the plain way, with a backup taken before and restored, verified, on failure. <see cref="None"/>: merged, never
/// restored.
/// </summary>
public enum TransactionMode
{
    Auto,
    Replace,
    Merge,
    None,
}

public static class TransactionModes
{
    public static readonly IReadOnlyList<string> Names = ["auto", "replace", "merge", "none"];

    public static TransactionMode? Parse(string value) =>
        Names.Contains(value) ? Enum.Parse<TransactionMode>(value, ignoreCase: true) : null;

    public static string Name(this TransactionMode mode) => Names[(int)mode];

    /// <summary>A <c>transaction:</c> value of a play or an inventory entry; a wrong one is reported at its place.</summary>
    internal static TransactionMode? Read(Yaml.YNode? node, Yaml.YamlReader reader)
    {
        if (node is null || reader.String(node, "auto, replace, merge or none") is not { } scalar) return null;
        if (Parse(scalar.Value) is { } mode) return mode;
        reader.Diagnostics.Error(scalar.Start, Diagnostics.DiagnosticCodes.InvalidValue, $"'{scalar.Value}' is not a transaction strategy",
            Diagnostics.DidYouMean.Hint(scalar.Value, Names) ?? "expected one of: " + string.Join(", ", Names));
        return null;
    }
}

public sealed record PlaybookTask(
    string Name,
    Module Module,
    ModuleArgs Args,
    string? Register,
    TemplateExpression? When,
    TaskLoop? Loop,
    bool IgnoreErrors,
    TimeSpan? Timeout,
    IReadOnlyDictionary<string, TemplatedValue> Vars,
    SourceLocation Location);

/// <summary>
/// A task's <c>loop</c>: a YAML list (items may be templates) or one expression producing a list,
/// written <c>"{{ ntp_servers }}"</c> (Ansible style) or bare <c>ntp_servers</c>. Each item is <c>item</c>.
/// </summary>
public sealed class TaskLoop
{
    private readonly TemplatedValue? _list;
    private readonly TemplateText? _text;
    private readonly TemplateExpression? _expression;

    internal TaskLoop(TemplatedValue? list, TemplateText? text, TemplateExpression? expression, SourceLocation location)
    {
        _list = list;
        _text = text;
        _expression = expression;
        Location = location;
    }

    public SourceLocation Location { get; }

    public IReadOnlyList<object?> Expand(VariableScope scope)
    {
        var value = _list?.Evaluate(scope) ?? _text?.Evaluate(scope) ?? _expression?.Evaluate(scope);
        return value switch
        {
            IEnumerable<object?> items when value is not string => items.ToList(),
            null => [],
            _ => throw new TemplateEvaluationException(new Diagnostic(Location, Severity.Error, DiagnosticCodes.TemplateRuntime,
                $"loop expected a list, found '{value}'")),
        };
    }
}

/// <summary>
/// Builds the variables a task sees on one host. Later layers shadow earlier ones:
/// <c>host</c> &lt; play <c>vars</c> &lt; facts (registered results and set_fact) &lt; task <c>vars</c> &lt; <c>item</c>.
/// Vars are templates themselves, evaluated against the layers beneath them.
/// </summary>
public static class TaskScope
{
    public static VariableScope ForPlay(Play play, Host host, IReadOnlyDictionary<string, object?> facts)
    {
        var scope = VariableScope.ForHost(host);
        scope = scope.With(Evaluate(play.Vars, scope));
        return scope.With(facts);
    }

    public static VariableScope ForTask(PlaybookTask task, VariableScope playScope) =>
        playScope.With(Evaluate(task.Vars, playScope));

    public static VariableScope ForItem(VariableScope taskScope, object? item) => taskScope.With("item", item);

    private static Dictionary<string, object?> Evaluate(IReadOnlyDictionary<string, TemplatedValue> vars, VariableScope scope) =>
        vars.ToDictionary(v => v.Key, v => v.Value.Evaluate(scope), StringComparer.Ordinal);
}

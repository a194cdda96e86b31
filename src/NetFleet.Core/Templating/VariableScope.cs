using System.Collections;
using System.Collections.Immutable;
using NetFleet.Core.Inventory;
using Scriban.Runtime;

namespace NetFleet.Core.Templating;

/// <summary>
/// The variables a template sees, as layers where a later layer shadows an earlier one.
/// Immutable: a task adds layers for its own vars and loop item without touching the play's scope.
/// </summary>
public sealed class VariableScope
{
    private readonly ImmutableList<IReadOnlyDictionary<string, object?>> _layers;

    private VariableScope(ImmutableList<IReadOnlyDictionary<string, object?>> layers) => _layers = layers;

    public static VariableScope Empty { get; } = new([]);

    /// <summary>A scope with <c>host</c>: name, hostname, port, username, platform, groups and data (no secrets).</summary>
    public static VariableScope ForHost(Host host) =>
        Empty.With(new Dictionary<string, object?> { ["host"] = HostVariables(host) });

    public static IReadOnlyDictionary<string, object?> HostVariables(Host host) => new Dictionary<string, object?>
    {
        ["name"] = host.Name,
        ["hostname"] = host.Hostname,
        ["port"] = host.Port,
        ["username"] = host.Username,
        ["platform"] = host.Platform,
        ["groups"] = host.AllGroups.ToList(),
        ["data"] = host.Data,
    };

    public VariableScope With(IReadOnlyDictionary<string, object?> variables) =>
        variables.Count == 0 ? this : new(_layers.Add(variables));

    public VariableScope With(string name, object? value) =>
        With(new Dictionary<string, object?> { [name] = value });

    /// <summary>The value a template would see for a top-level name.</summary>
    public bool TryGet(string name, out object? value)
    {
        for (var i = _layers.Count - 1; i >= 0; i--)
        {
            if (_layers[i].TryGetValue(name, out value)) return true;
        }
        value = null;
        return false;
    }

    public IEnumerable<string> Names => _layers.SelectMany(l => l.Keys).Distinct();

    internal IEnumerable<ScriptObject> ToScriptObjects() => _layers.Select(layer =>
    {
        var obj = new ScriptObject();
        foreach (var (key, value) in layer) obj[key] = ToScript(value);
        return obj;
    });

    private static object? ToScript(object? value) => value switch
    {
        null or string => value,
        IReadOnlyDictionary<string, object?> map => ToScriptObject(map),
        IDictionary map => ToScriptObject(map.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => map[k])),
        IEnumerable items => new ScriptArray(items.Cast<object?>().Select(ToScript)),
        _ => value,
    };

    private static ScriptObject ToScriptObject(IReadOnlyDictionary<string, object?> map)
    {
        var obj = new ScriptObject();
        foreach (var (key, value) in map) obj[key] = ToScript(value);
        return obj;
    }

    /// <summary>Back from Scriban's objects to plain dictionaries and lists, for results and facts.</summary>
    internal static object? ToPlain(object? value) => value switch
    {
        ScriptObject obj => obj.ToDictionary(kv => kv.Key, kv => ToPlain(kv.Value), StringComparer.Ordinal),
        ScriptArray array => array.Select(ToPlain).ToList(),
        int i => (long)i,
        _ => value,
    };
}

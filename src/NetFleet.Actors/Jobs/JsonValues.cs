using System.Text.Json;

namespace NetFleet.Actors.Jobs;

/// <summary>Module data (plain JSON-like values) to and from the journal's JSON.</summary>
internal static class JsonValues
{
    private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>();

    public static JsonElement? ToElement(IReadOnlyDictionary<string, object?> values)
    {
        if (values.Count == 0) return null;
        try
        {
            return JsonSerializer.SerializeToElement(values);
        }
        catch (NotSupportedException)
        {
            // A value JSON cannot hold (a module's own object): kept as its text, the history stays readable.
            return JsonSerializer.SerializeToElement(values.ToDictionary(v => v.Key, v => v.Value?.ToString()));
        }
    }

    public static IReadOnlyDictionary<string, object?> ToDictionary(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } e ? (IReadOnlyDictionary<string, object?>)ToPlain(e)! : Empty;

    private static object? ToPlain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => e.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : (object)e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

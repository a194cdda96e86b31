using System.Text.Encodings.Web;
using System.Text.Json;

namespace NetFleet.Core.Playbooks.Modules;

/// <summary>
/// A command's output read as JSON (<c>parse: json</c>, e.g. FRR's <c>show bgp summary json</c>, EOS's <c>| json</c>):
/// objects become maps, arrays lists, numbers stay numbers (<see cref="long"/> when whole, else <see cref="double"/>),
/// the plain values <c>register</c>, <c>when</c> and <c>assert</c> read as they read TextFSM records.
/// </summary>
public static class JsonOutput
{
    private const int Shown = 200;

    /// <summary>Quotes the output's beginning as a JSON string, escaping only what must be (newlines, quotes).</summary>
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <exception cref="CommandParseException">The output is not one JSON document: where, what, and how it begins.</exception>
    public static object? Parse(string command, string output)
    {
        if (output.Trim().Length == 0)
        {
            throw new CommandParseException($"the output of '{command}' is empty, not JSON; does the command print JSON on this platform?");
        }

        try
        {
            using var document = JsonDocument.Parse(output);
            return ToPlain(document.RootElement);
        }
        catch (JsonException e)
        {
            // The reader's own words without its " Path: … | LineNumber: …" tail, which the place below says better.
            var reason = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
            var begins = output.Length > Shown ? output[..Shown] + "…" : output;
            throw new CommandParseException($"the output of '{command}' is not JSON: {reason} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}); "
                + $"it begins: {JsonSerializer.Serialize(begins, Quoting)}");
        }
    }

    private static object? ToPlain(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                // A key given twice keeps its last value, as JavaScript and Python read it.
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject()) map[property.Name] = ToPlain(property.Value);
                return map;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(ToPlain).ToList();
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var whole) ? whole : (object)element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }
}

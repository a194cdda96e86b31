using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using CsvHelper;

namespace NetFleet.Cli.Output;

/// <summary>History rows as JSON, CSV or XML, with the same fields in each (tables for people are <see cref="TextTable"/>s).</summary>
internal static class RowExport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(string format, string element, IReadOnlyList<string> fields, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var list = rows.ToList();
        switch (format)
        {
            case "json":
                Console.Out.WriteLine(JsonSerializer.Serialize(list.Select(r => fields.Select((f, i) => (f, r[i])).ToDictionary(p => p.f, p => Plain(p.Item2))), Json));
                break;
            case "csv":
                using (var csv = CsvWriter.Create(Console.Out, new CsvWriterOptions(), true))
                {
                    csv.WriteHeader([.. fields]);
                    foreach (var row in list) csv.WriteRecord(row.Select(v => Text(v) ?? "").ToArray());
                }

                break;
            case "xml":
                new XDocument(new XElement(element + "s", list.Select(r => new XElement(element,
                    fields.Select((f, i) => r[i] is null ? new XElement(f, new XAttribute("null", "true")) : new XElement(f, Text(r[i]))))))).Save(Console.Out);
                Console.Out.WriteLine();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "an export format: json, csv or xml");
        }
    }

    private static object? Plain(object? value) => value is DateTimeOffset at ? at.ToString("O", CultureInfo.InvariantCulture) : value;

    private static string? Text(object? value) => value switch
    {
        null => null,
        DateTimeOffset at => at.ToString("O", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

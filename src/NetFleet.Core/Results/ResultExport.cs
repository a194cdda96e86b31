using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using System.Xml.Linq;
using CsvHelper;

namespace NetFleet.Core.Results;

/// <summary>The formats results can be exported in.</summary>
public enum ExportFormat
{
    Json,
    Csv,
    Xml,
}

/// <summary>
/// Writes task results as JSON, CSV or XML with the same fields in each: device, task, status,
/// changed, output, parsed data, diff, message, loop item and timings. Parsed data is nested in
/// JSON and a JSON string in CSV and XML, so no format loses it.
/// </summary>
public static class ResultExport
{
    public static readonly IReadOnlyList<string> Fields =
    [
        "job_id", "device", "play", "task_index", "task", "module", "status", "changed", "output", "parsed", "diff",
        "message", "item", "started_at", "duration_ms",
    ];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(TextWriter writer, ExportFormat format, IReadOnlyList<TaskResult> results)
    {
        switch (format)
        {
            case ExportFormat.Json:
                WriteJson(writer, results);
                break;
            case ExportFormat.Csv:
                WriteCsv(writer, results);
                break;
            case ExportFormat.Xml:
                WriteXml(writer, results);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    private static IReadOnlyList<object?> Values(TaskResult r) =>
    [
        r.JobId, r.Device, r.PlayIndex, r.TaskIndex, r.Task, r.Module, r.Outcome.ToString().ToLowerInvariant(), r.Changed,
        r.Output, r.Parsed, r.Diff, r.Message, r.Item, r.StartedAt.ToString("O", CultureInfo.InvariantCulture),
        Math.Round(r.Duration.TotalMilliseconds, 3),
    ];

    /// <summary>Row by row through one JSON writer whose bytes go to <paramref name="writer"/> after each row: the export of a
    /// large job never exists whole in memory beside its results (serialized at once it did, as bytes and again as a string).</summary>
    private static void WriteJson(TextWriter writer, IReadOnlyList<TaskResult> results)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = Json.Encoder });
        void Drain()
        {
            json.Flush();
            writer.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
            buffer.ResetWrittenCount();
        }

        json.WriteStartArray();
        foreach (var r in results)
        {
            var values = Values(r);
            var row = new Dictionary<string, object?>(Fields.Count);
            for (var i = 0; i < Fields.Count; i++)
            {
                row[Fields[i]] = values[i];
            }

            JsonSerializer.Serialize(json, row, Json);
            Drain();
        }

        json.WriteEndArray();
        Drain();
        writer.WriteLine();
    }

    private static string? Flat(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value),
    };

    private static void WriteCsv(TextWriter writer, IReadOnlyList<TaskResult> results)
    {
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions(), true);
        csv.WriteHeader([.. Fields]);
        foreach (var r in results)
        {
            csv.WriteRecord(Values(r).Select(v => Flat(v) ?? "").ToArray());
        }
    }

    /// <summary>One <c>result</c> element at a time, as <see cref="XDocument.Save(TextWriter)"/> would lay out the whole
    /// document, without building it.</summary>
    private static void WriteXml(TextWriter writer, IReadOnlyList<TaskResult> results)
    {
        using (var xml = XmlWriter.Create(writer, new XmlWriterSettings { Indent = true }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("results");
            foreach (var r in results)
            {
                var values = Values(r);
                new XElement("result", Fields.Select((field, i) =>
                    values[i] is null ? new XElement(field, new XAttribute("null", "true")) : new XElement(field, Flat(values[i])))).WriteTo(xml);
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        writer.WriteLine();
    }
}

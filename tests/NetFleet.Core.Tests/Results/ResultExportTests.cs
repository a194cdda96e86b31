using System.Text.Json;
using System.Xml.Linq;
using NetFleet.Core.Results;

namespace NetFleet.Core.Tests.Results;

public sealed class ResultExportTests
{
    private static readonly TaskResult Changed = new("job-1", "ios-1", 0, 1, "Push NTP", "config", TaskOutcome.Changed,
        new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(12.5))
    {
        Output = "line one, with a comma\n\"quoted\" line two",
        Diff = "+ntp server 192.0.2.10",
        Parsed = new Dictionary<string, object?> { ["servers"] = new[] { "192.0.2.10" } },
    };

    private static readonly TaskResult Failed = new("job-1", "eos-1", 0, 1, "Push NTP", "config", TaskOutcome.Failed,
        new DateTimeOffset(2026, 11, 25, 10, 0, 1, TimeSpan.Zero), TimeSpan.FromSeconds(1))
    {
        Message = "% Invalid input",
    };

    private static string Export(ExportFormat format)
    {
        using var writer = new StringWriter();
        ResultExport.Write(writer, format, [Changed, Failed]);
        return writer.ToString();
    }

    [Fact]
    public void Json_carries_every_field_with_parsed_data_nested()
    {
        using var json = JsonDocument.Parse(Export(ExportFormat.Json));
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(ResultExport.Fields, rows[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("changed", rows[0].GetProperty("status").GetString());
        Assert.True(rows[0].GetProperty("changed").GetBoolean());
        Assert.Equal("192.0.2.10", rows[0].GetProperty("parsed").GetProperty("servers")[0].GetString());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("diff").ValueKind);
        Assert.Equal(12.5, rows[0].GetProperty("duration_ms").GetDouble());
    }

    [Fact]
    public void Csv_has_the_same_fields_and_quotes_commas_quotes_and_newlines()
    {
        var csv = Export(ExportFormat.Csv);
        var header = csv[..csv.IndexOf('\n', StringComparison.Ordinal)].TrimEnd('\r');
        Assert.Equal(string.Join(',', ResultExport.Fields), header);
        Assert.Contains("\"line one, with a comma\n\"\"quoted\"\" line two\"", csv);
        Assert.Contains("{\"servers\":[\"192.0.2.10\"]}".Replace("\"", "\"\"", StringComparison.Ordinal), csv);
        Assert.Contains(",failed,false,", csv);
    }

    [Fact]
    public void Xml_has_the_same_fields_and_marks_missing_values_as_null()
    {
        var xml = XDocument.Parse(Export(ExportFormat.Xml));
        var rows = xml.Root!.Elements("result").ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(ResultExport.Fields, rows[0].Elements().Select(e => e.Name.LocalName));
        Assert.Equal("% Invalid input", rows[1].Element("message")!.Value);
        Assert.Equal("true", rows[1].Element("diff")!.Attribute("null")!.Value);
        Assert.Equal("line one, with a comma\n\"quoted\" line two", rows[0].Element("output")!.Value);
    }

    /// <summary>Many rows, so the export is written in many pieces; the document serialized at once is the oracle.</summary>
    private static string ExportMany(ExportFormat format)
    {
        var rows = Enumerable.Range(0, 300).Select(i => (i % 2 == 0 ? Changed : Failed) with { Device = $"dev-{i}", Output = $"é ✓ {i}\n" + new string('x', i) });
        using var writer = new StringWriter();
        ResultExport.Write(writer, format, [.. rows]);
        return writer.ToString();
    }

    [Fact]
    public void Json_written_row_by_row_is_laid_out_as_the_whole_document_serialized_at_once()
    {
        var export = ExportMany(ExportFormat.Json);
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        var whole = JsonSerializer.Serialize(System.Text.Json.Nodes.JsonNode.Parse(export), options);
        Assert.Equal(whole + Environment.NewLine, export);
        Assert.Equal(300, JsonDocument.Parse(export).RootElement.GetArrayLength());
    }

    [Fact]
    public void Xml_written_row_by_row_is_laid_out_as_the_whole_document_saved_at_once()
    {
        var export = ExportMany(ExportFormat.Xml);
        using var whole = new StringWriter();
        XDocument.Parse(export).Save(whole);
        Assert.Equal(whole + Environment.NewLine, export);
        Assert.Equal(300, XDocument.Parse(export).Root!.Elements("result").Count());
    }
}

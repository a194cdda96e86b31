using System.Collections.Concurrent;
using System.Reflection;

namespace NetFleet.TextFsm;

/// <summary>
/// An index and the templates it names, from a folder (ntc-templates' <c>templates/</c>) or from
/// the ones built into this assembly for the lab platforms. Templates are parsed on first use and
/// kept; the library is safe to share.
/// </summary>
public sealed class TextFsmLibrary
{
    private const string ResourcePrefix = "NetFleet.TextFsm.Templates.";
    private static readonly Lazy<TextFsmLibrary> BuiltinLibrary = new(LoadBuiltin);
    private readonly Func<string, string?> readTemplate;
    private readonly string indexName;
    private readonly RegexCompilation compilation;
    private readonly ConcurrentDictionary<string, Lazy<TextFsmTemplate>> templates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Lazy<TextFsmTable>> tables = new();

    private TextFsmLibrary(TextFsmIndex index, string indexName, Func<string, string?> readTemplate, RegexCompilation compilation)
    {
        Index = index;
        this.indexName = indexName;
        this.readTemplate = readTemplate;
        this.compilation = compilation;
    }

    /// <summary>The templates shipped with NetFleet (<c>src/NetFleet.TextFsm/Templates</c>).</summary>
    public static TextFsmLibrary Builtin => BuiltinLibrary.Value;

    public TextFsmIndex Index { get; }

    /// <summary>A folder holding an <c>index</c> file and the templates it names.</summary>
    public static TextFsmLibrary Load(string directory, RegexCompilation compilation = RegexCompilation.Adaptive)
    {
        var indexPath = Path.Combine(directory, "index");
        return new(TextFsmIndex.Load(indexPath), indexPath, name =>
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }, compilation);
    }

    /// <summary>
    /// The templates the index chooses for a platform and command, as one table (a row may name
    /// several, merged as clitable merges them), or null when no row matches.
    /// </summary>
    /// <exception cref="TemplateException">A chosen template is missing or invalid, or the templates cannot be joined.</exception>
    public TextFsmTable? Find(string platform, string command, string? hostname = null)
    {
        var entry = Index.Find(platform, command, hostname);
        if (entry is null)
        {
            return null;
        }
        return tables.GetOrAdd(entry.Line, _ => new Lazy<TextFsmTable>(() =>
            new TextFsmTable(entry.Templates.Select(Template).ToList(), $"{indexName}:{entry.Line}"))).Value;
    }

    /// <summary>A template by its file name in the library.</summary>
    public TextFsmTemplate Template(string name) =>
        templates.GetOrAdd(name, n => new Lazy<TextFsmTemplate>(() =>
            TextFsmTemplate.Parse(readTemplate(n) ?? throw new TemplateException(0, "No such template in the library.", n), n, compilation))).Value;

    /// <summary>Parses output with the templates the index chooses, into records shaped as clitable makes them.</summary>
    /// <exception cref="TemplateException">No template for this platform and command, or it is invalid.</exception>
    public IReadOnlyList<IReadOnlyDictionary<string, object>> ParseOutput(string platform, string command, string output) =>
        (Find(platform, command) ?? throw new TemplateException(0, $"No template for platform '{platform}' and command '{command}'.", indexName))
            .ParseText(output);

    private static TextFsmLibrary LoadBuiltin()
    {
        var assembly = typeof(TextFsmLibrary).Assembly;
        return new TextFsmLibrary(TextFsmIndex.Parse(ReadResource(assembly, "index")!, "index"), "index", name => ReadResource(assembly, name), RegexCompilation.Adaptive);
    }

    private static string? ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name);
        if (stream is null)
        {
            return null;
        }
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

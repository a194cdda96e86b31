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
    private readonly ConcurrentDictionary<string, Lazy<TextFsmTemplate>> templates = new(StringComparer.Ordinal);

    private TextFsmLibrary(TextFsmIndex index, Func<string, string?> readTemplate)
    {
        Index = index;
        this.readTemplate = readTemplate;
    }

    /// <summary>The templates shipped with NetFleet (<c>src/NetFleet.TextFsm/Templates</c>).</summary>
    public static TextFsmLibrary Builtin => BuiltinLibrary.Value;

    public TextFsmIndex Index { get; }

    /// <summary>A folder holding an <c>index</c> file and the templates it names.</summary>
    public static TextFsmLibrary Load(string directory) =>
        new(TextFsmIndex.Load(Path.Combine(directory, "index")), name =>
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? File.ReadAllText(path) : null;
        });

    /// <summary>The template the index chooses for a platform and command, or null when no row matches.</summary>
    /// <exception cref="TemplateException">The chosen template is missing or invalid.</exception>
    public TextFsmTemplate? Find(string platform, string command, string? hostname = null)
    {
        var entry = Index.Find(platform, command, hostname);
        if (entry is null)
        {
            return null;
        }
        if (entry.Templates.Count != 1)
        {
            // clitable joins the tables of several templates on their Key values; no lab or sample row needs it.
            throw new TemplateException(entry.Line, $"Rows naming several templates ({string.Join(':', entry.Templates)}) are not supported.", "index");
        }
        return Template(entry.Templates[0]);
    }

    /// <summary>A template by its file name in the library.</summary>
    public TextFsmTemplate Template(string name) =>
        templates.GetOrAdd(name, n => new Lazy<TextFsmTemplate>(() =>
            TextFsmTemplate.Parse(readTemplate(n) ?? throw new TemplateException(0, "No such template in the library.", n), n))).Value;

    /// <summary>Parses output with the template the index chooses.</summary>
    /// <exception cref="TemplateException">No template for this platform and command, or it is invalid.</exception>
    public IReadOnlyList<IReadOnlyDictionary<string, object>> ParseOutput(string platform, string command, string output) =>
        (Find(platform, command) ?? throw new TemplateException(0, $"No template for platform '{platform}' and command '{command}'.", "index"))
            .ParseText(output);

    private static TextFsmLibrary LoadBuiltin()
    {
        var assembly = typeof(TextFsmLibrary).Assembly;
        return new TextFsmLibrary(TextFsmIndex.Parse(ReadResource(assembly, "index")!, "index"), name => ReadResource(assembly, name));
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

using NetFleet.Core.Diagnostics;
using NetFleet.Core.Yaml;

namespace NetFleet.Core.Templating;

/// <summary>Where a template's text came from, so Scriban's 0-based spans become file:line:column.</summary>
internal abstract class TextOrigin
{
    public abstract SourceLocation Locate(int line, int column);

    public static TextOrigin Inline(string name) => new FileOrigin(name);

    public static TextOrigin Of(YScalar scalar) => new ScalarOrigin(scalar);

    public static TextOrigin File(string path) => new FileOrigin(path);

    private sealed class ScalarOrigin(YScalar scalar) : TextOrigin
    {
        public override SourceLocation Locate(int line, int column) => scalar.LocationOf(line, column);
    }

    private sealed class FileOrigin(string path) : TextOrigin
    {
        public override SourceLocation Locate(int line, int column) => new(path, line + 1, column + 1);
    }
}

using System.Text.RegularExpressions;
using NetFleet.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NetFleet.Core.Yaml;

/// <summary>Turns YAML text into a positioned tree; syntax errors become diagnostics, never exceptions.</summary>
internal static partial class YamlLoader
{
    public static YNode? LoadFile(string path, DiagnosticBag diagnostics) =>
        ReadText(path, diagnostics) is { } text ? Parse(text, path, diagnostics) : null;

    public static YNode? Parse(string text, string file, DiagnosticBag diagnostics)
    {
        YNode? root = null;
        Read(text, file, diagnostics, builder => root = builder.ReadDocument());
        return root;
    }

    /// <summary>
    /// Reads a file whose root is a mapping one entry at a time: <paramref name="entry"/> gets each key and value as soon
    /// as it is parsed, so the tree of a large file (an inventory of 100,000 hosts) never exists whole and each entry's
    /// nodes die young. Returns false when the file cannot be read or is not valid YAML (entries handed over before the
    /// error are then to be dropped). <paramref name="otherRoot"/> is the root when it is not a mapping (null for an empty
    /// file); no entry is handed over then.
    /// </summary>
    public static bool StreamMapping(string path, DiagnosticBag diagnostics, Action<YScalar, YNode> entry, out YNode? otherRoot)
    {
        YNode? root = null;
        var parsed = ReadText(path, diagnostics) is { } text && Read(text, path, diagnostics, builder => root = builder.ReadDocument(entry));
        otherRoot = root;
        return parsed;
    }

    private static string? ReadText(string path, DiagnosticBag diagnostics)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(new SourceLocation(path, 0, 0), DiagnosticCodes.FileNotFound, $"cannot read file: {e.Message}");
            return null;
        }
    }

    /// <summary>Runs <paramref name="read"/> on a builder over <paramref name="text"/>; false when the YAML is invalid.</summary>
    private static bool Read(string text, string file, DiagnosticBag diagnostics, Action<Builder> read)
    {
        var parser = new Parser(new StringReader(text));
        var builder = new Builder(parser, text, file, diagnostics);
        try
        {
            read(builder);
            return true;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet occasionally gives up without a YamlException; the last good event is the best place we have.
            var at = builder.LastMark;
            diagnostics.Error(new SourceLocation(file, at.Line, at.Column), DiagnosticCodes.YamlSyntax, "invalid YAML after this point");
            return false;
        }
        catch (YamlException e) when (IsTabError(e) && TabInIndentation(text, builder.LastMark) is { } tab)
        {
            diagnostics.Error(new SourceLocation(file, tab.Line, tab.Column), DiagnosticCodes.YamlSyntax,
                "tab character in indentation; YAML indents with spaces", "replace the tab with spaces");
            return false;
        }
        catch (YamlException e)
        {
            diagnostics.Error(new SourceLocation(file, (int)e.Start.Line, (int)e.Start.Column),
                DiagnosticCodes.YamlSyntax, CleanMessage(e.Message));
            return false;
        }
    }

    // YamlDotNet reports a tab in indentation at 1:1 or at the start of the scalar before it, never at the tab.
    private static bool IsTabError(YamlException e) => e.Message.Contains(" tab ", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first tab in the leading whitespace of a line the parser had not yet consumed when it failed.</summary>
    private static (int Line, int Column)? TabInIndentation(string text, (int Line, int Column) lastGood)
    {
        // Past column 1 the last good event's line began with indentation the parser already accepted.
        var firstLine = lastGood.Column > 1 ? lastGood.Line + 1 : lastGood.Line;
        var lines = text.Split('\n');
        for (var i = firstLine - 1; i < lines.Length; i++)
        {
            for (var column = 0; column < lines[i].Length && lines[i][column] is (' ' or '\t'); column++)
            {
                if (lines[i][column] == '\t') return (i + 1, column + 1);
            }
        }
        return null;
    }

    // YamlDotNet prefixes messages with "(Line: 1, Col: 2, Idx: 3) - (Line: ...): "; the diagnostic carries that already.
    private static string CleanMessage(string message)
    {
        var clean = PositionPrefix().Replace(message, "").Trim();
        return clean.Length == 0 ? "invalid YAML" : char.ToLowerInvariant(clean[0]) + clean[1..].TrimEnd('.');
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();

    private sealed class Builder(IParser parser, string text, string file, DiagnosticBag diagnostics)
    {
        private readonly Dictionary<string, YNode> _anchors = [];

        public (int Line, int Column) LastMark =>
            parser.Current is { } e ? ((int)e.End.Line, (int)e.End.Column) : (1, 1);

        /// <summary>The document's root; with <paramref name="entry"/>, a root mapping's entries go to it instead and the
        /// root returned is null.</summary>
        public YNode? ReadDocument(Action<YScalar, YNode>? entry = null)
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            YNode? root = null;
            if (entry is not null && parser.TryConsume<MappingStart>(out _)) ReadEntries(entry);
            else root = ReadNode();
            parser.Consume<DocumentEnd>();
            if (parser.Current is DocumentStart extra)
                diagnostics.Warning(At(extra.Start), DiagnosticCodes.YamlSyntax, "only the first YAML document is read");
            return root;
        }

        private SourceLocation At(Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

        private YNode ReadNode()
        {
            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (_anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                throw new SemanticErrorException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
            }
            YNode node;
            string? anchor;
            if (parser.TryConsume<Scalar>(out var scalar))
            {
                anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
                node = new YScalar(At(scalar.Start), scalar.Value, scalar.Style, BlockIndent(scalar));
            }
            else if (parser.TryConsume<SequenceStart>(out var seqStart))
            {
                anchor = seqStart.Anchor.IsEmpty ? null : seqStart.Anchor.Value;
                var items = new List<YNode>();
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode());
                node = new YSequence(At(seqStart.Start), items);
            }
            else
            {
                var mapStart = parser.Consume<MappingStart>();
                anchor = mapStart.Anchor.IsEmpty ? null : mapStart.Anchor.Value;
                node = ReadMapping(mapStart);
            }
            if (anchor is not null) _anchors[anchor] = node;
            return node;
        }

        private YMapping ReadMapping(MappingStart start)
        {
            var entries = new List<KeyValuePair<YScalar, YNode>>();
            ReadEntries((key, value) => entries.Add(new(key, value)));
            return new YMapping(At(start.Start), entries);
        }

        /// <summary>A mapping's entries up to its end, each once: a duplicate key or a key that is not a scalar is reported
        /// and left out.</summary>
        private void ReadEntries(Action<YScalar, YNode> entry)
        {
            // Most mappings have a handful of keys, where a look back through them is cheaper than a dictionary per mapping.
            const int LinearUpTo = 8;
            var keys = new List<YScalar>();
            Dictionary<string, YScalar>? index = null;
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyNode = ReadNode();
                var value = ReadNode();
                if (keyNode is not YScalar key)
                {
                    diagnostics.Error(keyNode.Start, DiagnosticCodes.WrongType, $"expected a string key, found {keyNode.Describe()}");
                    continue;
                }
                var first = index is not null ? index.GetValueOrDefault(key.Value) : Earlier(keys, key.Value);
                if (first is not null)
                {
                    diagnostics.Error(key.Start, DiagnosticCodes.DuplicateKey,
                        $"duplicate key '{key.Value}' (first defined at line {first.Start.Line})");
                    continue;
                }
                if (index is not null) index[key.Value] = key;
                else if (keys.Count < LinearUpTo) keys.Add(key);
                else
                {
                    index = keys.ToDictionary(k => k.Value, StringComparer.Ordinal);
                    index[key.Value] = key;
                }
                entry(key, value);
            }
        }

        private static YScalar? Earlier(List<YScalar> keys, string key)
        {
            foreach (var earlier in keys)
            {
                if (earlier.Value == key) return earlier;
            }
            return null;
        }

        /// <summary>Block scalars drop their indentation; remember it to map template errors back to columns.</summary>
        private int BlockIndent(Scalar scalar)
        {
            if (scalar.Style is not (ScalarStyle.Literal or ScalarStyle.Folded)) return 0;
            var lineEnd = text.IndexOf('\n', (int)scalar.Start.Index);
            if (lineEnd < 0) return 0;
            var i = lineEnd + 1;
            while (i < text.Length)
            {
                var indent = 0;
                while (i + indent < text.Length && text[i + indent] == ' ') indent++;
                if (i + indent < text.Length && text[i + indent] is not ('\n' or '\r')) return indent;
                var next = text.IndexOf('\n', i);
                if (next < 0) break;
                i = next + 1;
            }
            return 0;
        }
    }
}

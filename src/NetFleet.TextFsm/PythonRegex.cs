using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NetFleet.TextFsm;

/// <summary>
/// Translates Python <c>re</c> patterns into .NET patterns with the same meaning on the text that
/// templates see: Python-only syntax (<c>(?P&lt;n&gt;…)</c>, <c>(?P=n)</c>, <c>{,n}</c>, octal escapes)
/// is rewritten, and where the two engines read the same syntax differently (<c>\Z</c>, Unicode
/// <c>\w</c> and <c>\s</c>, <c>[</c> inside a class, group numbering) the .NET form is made to match Python.
/// Patterns compile with <see cref="RegexOptions.ExplicitCapture"/>: only named groups capture, so
/// unnamed groups cost nothing unless a backreference needs them, and then they get a hidden name.
/// </summary>
internal static class PythonRegex
{
    public const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    // Python's \w is str.isalnum() or '_'; .NET's also takes marks and connector punctuation.
    private const string WordSet = @"\p{L}\p{N}_";
    // Python's \s is str.isspace(), which also holds the separators \x1c-\x1f.
    private const string SpaceSet = @"\s\x1c-\x1f";

    public sealed record Translation(string Pattern, int GroupCount, IReadOnlyList<string> GroupNames);

    /// <summary>
    /// How long one match of a template's regular expression may take. Python's re has no limit, but a template whose
    /// pattern backtracks without end on some output (nested quantifiers) would otherwise stall a device's worker for
    /// good. Generous: real templates backtrack too (ntc-templates' cisco_s300_show_vlan spends 2.3 s on one line of
    /// its own sample output), and a loaded node is slower.
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(30);

    /// <param name="pattern">A Python pattern.</param>
    /// <param name="compiled">Compile to IL.</param>
    /// <param name="anchored">Match only at the start, like Python's <c>re.match</c>.</param>
    public static Regex Compile(string pattern, bool compiled, bool anchored = false)
    {
        var translated = Translate(pattern).Pattern;
        var options = Options | (compiled ? RegexOptions.Compiled : RegexOptions.None);
        return new Regex(anchored ? @"\A(?:" + translated + ")" : translated, options, MatchTimeout);
    }

    /// <exception cref="ArgumentException">The pattern is not valid Python.</exception>
    public static Translation Translate(string pattern)
    {
        var first = new Translator(pattern, referenced: null);
        var result = first.Run();
        if (first.References.Count == 0)
        {
            return result;
        }
        return new Translator(pattern, first.References).Run();
    }

    private sealed class Translator(string p, HashSet<int>? referenced)
    {
        private readonly StringBuilder o = new(p.Length + 16);
        private readonly List<string?> groups = [];   // Python numbering: index 0 is group 1
        private readonly List<string> names = [];
        private int i;

        public HashSet<int> References { get; } = [];

        public Translation Run()
        {
            while (i < p.Length)
            {
                var c = p[i];
                switch (c)
                {
                    case '\\':
                        Escape(inClass: false);
                        break;
                    case '[':
                        CharacterClass();
                        break;
                    case '(':
                        Group();
                        break;
                    case '{':
                        Brace();
                        break;
                    default:
                        o.Append(c);
                        i++;
                        break;
                }
            }
            return new Translation(o.ToString(), groups.Count, names);
        }

        private void Group()
        {
            i++;
            if (Peek(0) != '?')
            {
                groups.Add(null);
                var number = groups.Count;
                o.Append(referenced?.Contains(number) == true ? $"(?<__g{number}>" : "(");
                return;
            }
            if (Peek(1) == 'P' && Peek(2) == '<')
            {
                var end = p.IndexOf('>', i + 3);
                if (end < 0)
                {
                    throw new ArgumentException($"missing >, unterminated name at position {i}");
                }
                var name = p[(i + 3)..end];
                CheckName(name);
                if (names.Contains(name))
                {
                    throw new ArgumentException($"redefinition of group name '{name}' as group {groups.Count + 1}");
                }
                groups.Add(name);
                names.Add(name);
                o.Append("(?<").Append(name).Append('>');
                i = end + 1;
                return;
            }
            if (Peek(1) == 'P' && Peek(2) == '=')
            {
                var end = p.IndexOf(')', i + 3);
                if (end < 0)
                {
                    throw new ArgumentException($"missing ), unterminated name at position {i}");
                }
                var name = p[(i + 3)..end];
                if (!names.Contains(name))
                {
                    throw new ArgumentException($"unknown group name '{name}'");
                }
                o.Append(@"\k<").Append(name).Append('>');
                i = end + 1;
                return;
            }
            if (Peek(1) == 'P')
            {
                throw new ArgumentException($"unknown extension ?P{Peek(2)} at position {i - 1}");
            }
            // Inline flags: Python's a, L and u change character classes; .NET has no equivalent.
            var j = i + 1;
            while (j < p.Length && "aiLmsux-".Contains(p[j], StringComparison.Ordinal))
            {
                j++;
            }
            if (j > i + 1 && j < p.Length && (p[j] == ')' || p[j] == ':'))
            {
                var flags = p[(i + 1)..j];
                if (flags.Contains('a', StringComparison.Ordinal) || flags.Contains('L', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"the inline flags '{flags}' are not supported");
                }
                o.Append("(?").Append(flags.Replace("u", "", StringComparison.Ordinal));
                i = j;
                return;
            }
            // (?: (?= (?! (?<= (?<! (?# (?( : the same in both engines.
            o.Append('(');
        }

        private void CheckName(string name)
        {
            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(ch => char.IsLetterOrDigit(ch) || ch == '_'))
            {
                throw new ArgumentException($"bad character in group name '{name}'");
            }
        }

        private void Brace()
        {
            // Python reads {,n} as {0,n}; .NET would read it literally.
            var m = Regex.Match(p[i..], @"^\{,(\d*)\}", RegexOptions.CultureInvariant);
            if (m.Success && i > 0)
            {
                o.Append("{0,").Append(m.Groups[1].Value.Length == 0 ? "" : m.Groups[1].Value).Append('}');
                i += m.Length;
                return;
            }
            o.Append('{');
            i++;
        }

        private void CharacterClass()
        {
            o.Append('[');
            i++;
            if (Peek(0) == '^')
            {
                o.Append('^');
                i++;
            }
            if (Peek(0) == ']')
            {
                o.Append(@"\]");
                i++;
            }
            while (true)
            {
                if (i >= p.Length)
                {
                    throw new ArgumentException("unterminated character set");
                }
                var c = p[i];
                if (c == ']')
                {
                    o.Append(']');
                    i++;
                    return;
                }
                if (c == '\\')
                {
                    Escape(inClass: true);
                }
                else if (c == '[')
                {
                    // A literal in Python; in .NET "-[" would start a class subtraction.
                    o.Append(@"\[");
                    i++;
                }
                else
                {
                    o.Append(c);
                    i++;
                }
            }
        }

        private void Escape(bool inClass)
        {
            if (i + 1 >= p.Length)
            {
                throw new ArgumentException("bad escape (end of pattern)");
            }
            var c = p[i + 1];
            i += 2;
            switch (c)
            {
                case 'w':
                    o.Append(inClass ? WordSet : "[" + WordSet + "]");
                    return;
                case 'W':
                    o.Append(inClass ? @"\W" : "[^" + WordSet + "]");
                    return;
                case 's':
                    o.Append(inClass ? SpaceSet : "[" + SpaceSet + "]");
                    return;
                case 'S':
                    o.Append(inClass ? @"\S" : "[^" + SpaceSet + "]");
                    return;
                case 'd' or 'D' or 'a' or 'f' or 'n' or 'r' or 't' or 'v':
                    o.Append('\\').Append(c);
                    return;
                case 'b':
                    o.Append(inClass ? @"\x08" : @"\b");
                    return;
                case 'A' or 'B' or 'Z':
                    if (inClass)
                    {
                        throw new ArgumentException($@"bad escape \{c}");
                    }
                    o.Append(c == 'Z' ? @"\z" : "\\" + c);
                    return;
                case 'x':
                    Hex(2, c);
                    return;
                case 'u':
                    Hex(4, c);
                    return;
                case 'U':
                    Hex(8, c);
                    return;
                case >= '0' and <= '9':
                    Digits(c, inClass);
                    return;
                case >= 'a' and <= 'z' or >= 'A' and <= 'Z':
                    throw new ArgumentException($@"bad escape \{c} at position {i - 2}");
                default:
                    if (char.IsAsciiLetterOrDigit(c) || c == '_' || c > 127)
                    {
                        o.Append(c);
                    }
                    else
                    {
                        o.Append('\\').Append(c);
                    }
                    return;
            }
        }

        private void Hex(int digits, char kind)
        {
            if (i + digits > p.Length || !int.TryParse(p.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                throw new ArgumentException($@"incomplete escape \{kind} at position {i - 2}");
            }
            i += digits;
            Literal(value);
        }

        private void Literal(int codePoint)
        {
            foreach (var ch in char.ConvertFromUtf32(codePoint))
            {
                o.Append(@"\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        private void Digits(char first, bool inClass)
        {
            // Python: \0 and three octal digits are octal escapes; otherwise 1-2 digits are a group reference.
            static bool Octal(char ch) => ch is >= '0' and <= '7';
            if (first == '0' || inClass)
            {
                var start = i - 1;
                var end = start + 1;
                while (end < p.Length && end - start < 3 && Octal(p[end]))
                {
                    end++;
                }
                if (!Octal(first))
                {
                    throw new ArgumentException($@"bad escape \{first}");
                }
                Literal(Convert.ToInt32(p[start..end], 8));
                i = end;
                return;
            }
            if (Octal(first) && i + 1 < p.Length && Octal(p[i]) && Octal(p[i + 1]))
            {
                Literal(Convert.ToInt32(p[(i - 1)..(i + 2)], 8));
                i += 2;
                return;
            }
            var number = first - '0';
            if (i < p.Length && char.IsAsciiDigit(p[i]))
            {
                number = number * 10 + (p[i] - '0');
                i++;
            }
            if (number > groups.Count)
            {
                throw new ArgumentException($"invalid group reference {number}");
            }
            References.Add(number);
            var name = groups[number - 1];
            o.Append(@"\k<").Append(name ?? $"__g{number}").Append('>');
        }

        private char Peek(int ahead) => i + ahead < p.Length ? p[i + ahead] : '\0';
    }
}

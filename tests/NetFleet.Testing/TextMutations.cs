using FsCheck;
using FsCheck.Fluent;

namespace NetFleet.Testing;

/// <summary>
/// Breaks text files the ways files get broken — lines lost, doubled or swapped, indentation
/// shifted, punctuation typed in the wrong place, the file cut short — for property tests that
/// feed real inputs, mutated, to a parser.
/// </summary>
public static class TextMutations
{
    private static readonly string[] Tokens =
        [":", "- ", "  ", "\t", "\"", "'", "[", "]", "{", "}", "#", "&a ", "*a", "!!str ", "|", ">", "%", "@", "`", "\n", "{{", "}}",
         "${env:", "${file:/nonexistent}", "<<: *a", "? ", "~", "0x", "1e999", "\u00e9", "\u0000", "(", ")", "\\", "$$", "^", "->"];

    /// <summary>One way of breaking a file, at a position chosen from a number.</summary>
    public sealed record Mutation(int Kind, int Where, int Other, int Token);

    private static Gen<Mutation> MutationGen =>
        from kind in Gen.Choose(0, 6)
        from position in Gen.Choose(0, 100_000)
        from other in Gen.Choose(0, 100_000)
        from token in Gen.Choose(0, Tokens.Length - 1)
        select new Mutation(kind, position, other, token);

    /// <summary>One to five mutations, applied in order.</summary>
    public static Arbitrary<Mutation[]> Arbitrary => Arb.From(Gen.ArrayOf(MutationGen).Where(m => m.Length is > 0 and < 6));

    public static string Apply(string text, IEnumerable<Mutation> mutations)
    {
        foreach (var m in mutations)
        {
            var lines = text.Split('\n').ToList();
            var line = m.Where % lines.Count;
            switch (m.Kind)
            {
                case 0:
                    lines.RemoveAt(line);
                    break;
                case 1:
                    lines.Insert(line, lines[line]);
                    break;
                case 2:
                    (lines[line], lines[m.Other % lines.Count]) = (lines[m.Other % lines.Count], lines[line]);
                    break;
                case 3:
                    lines[line] = m.Other % 2 == 0 ? "  " + lines[line] : lines[line].TrimStart();
                    break;
                case 4:
                {
                    var at = lines[line].Length == 0 ? 0 : m.Other % (lines[line].Length + 1);
                    lines[line] = lines[line].Insert(at, Tokens[m.Token]);
                    break;
                }
                case 5:
                    text = text[..(m.Other % (text.Length + 1))];
                    continue;
                default:
                    if (lines[line].Length > 0)
                    {
                        var at = m.Other % lines[line].Length;
                        lines[line] = lines[line].Remove(at, 1).Insert(at, Tokens[m.Token][..1]);
                    }

                    break;
            }

            text = string.Join('\n', lines);
        }

        return text;
    }
}

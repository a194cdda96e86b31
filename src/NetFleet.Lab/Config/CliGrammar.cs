namespace NetFleet.Lab.Config;

/// <summary>A word of a command line and where it starts, so that errors can point at it.</summary>
internal readonly record struct CliToken(string Text, int Offset)
{
    /// <summary>Splits on blanks; a double-quoted part stays one token, quotes included (Junos values).</summary>
    public static List<CliToken> Split(string line)
    {
        var tokens = new List<CliToken>();
        var i = 0;
        while (i < line.Length)
        {
            if (char.IsWhiteSpace(line[i]))
            {
                i++;
                continue;
            }
            var start = i;
            var quoted = false;
            while (i < line.Length && (quoted || !char.IsWhiteSpace(line[i])))
            {
                if (line[i] == '"')
                {
                    quoted = !quoted;
                }
                i++;
            }
            tokens.Add(new CliToken(line[start..i], start));
        }
        return tokens;
    }
}

internal enum CliStatus { Empty, Ok, Invalid, Incomplete, Ambiguous }

/// <summary>The outcome of matching a line against a grammar. <see cref="Command"/> is the canonical
/// path (full keywords, arguments as their placeholder, e.g. <c>terminal length &lt;n&gt;</c>);
/// <see cref="Words"/> the line as the device stores it (keywords spelled out, arguments as typed);
/// <see cref="Token"/> is the index of the word an error is about.</summary>
internal sealed record CliMatch(CliStatus Status, string Command, IReadOnlyList<string> Args, IReadOnlyList<string> Words, int Token)
{
    public string Canonical => string.Join(' ', Words);
}

/// <summary>
/// One node of a command grammar in the IOS style: a keyword (abbreviated to any unique prefix),
/// an argument (<c>&lt;name&gt;</c>, any word the predicate accepts), or a free tail (<c>LINE</c>).
/// </summary>
internal sealed class CliNode
{
    private CliNode(string word, bool isArgument, bool isRest, CliNode[] next)
    {
        Word = word;
        IsArgument = isArgument;
        IsRest = isRest;
        Next = next;
    }

    public string Word { get; }
    public bool IsArgument { get; }
    public bool IsRest { get; }
    public IReadOnlyList<CliNode> Next { get; }

    /// <summary>The command may end at this node even though words may follow.</summary>
    public bool CanEnd { get; private init; }

    /// <summary>Only in privileged mode (IOS/EOS <c>#</c>).</summary>
    public bool Privileged { get; private init; }

    public Func<string, bool>? Accepts { get; private init; }

    /// <summary>An argument that names the thing a command is about (an interface, a process):
    /// unlike a value, a <c>no</c> cannot leave it out.</summary>
    public bool Identifies { get; private init; }

    public bool IsComplete => CanEnd || Next.Count == 0;

    public static CliNode Key(string word, params CliNode[] next) => new(word, false, false, next);

    public static CliNode Arg(string name, Func<string, bool>? accepts = null, params CliNode[] next) =>
        new(name, true, false, next) { Accepts = accepts };

    public static CliNode Id(string name, Func<string, bool>? accepts = null, params CliNode[] next) =>
        new(name, true, false, next) { Accepts = accepts, Identifies = true };

    /// <summary>Everything that follows, one word at least.</summary>
    public static CliNode Rest(string name = "LINE") => new(name, false, true, []);

    public CliNode OrEnd() => new(Word, IsArgument, IsRest, [.. Next]) { CanEnd = true, Privileged = Privileged, Accepts = Accepts, Identifies = Identifies };

    public CliNode Priv() => new(Word, IsArgument, IsRest, [.. Next]) { CanEnd = CanEnd, Privileged = true, Accepts = Accepts, Identifies = Identifies };

    public static bool IsNumber(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);
}

/// <summary>Matches command lines against a set of root nodes.</summary>
internal sealed class CliGrammar(params CliNode[] roots)
{
    public IReadOnlyList<CliNode> Roots { get; } = roots;

    /// <summary>Every command the grammar accepts, named as <see cref="CliMatch.Command"/> names it.</summary>
    public IEnumerable<string> Commands() => Roots.SelectMany(root => Commands(root, ""));

    private static IEnumerable<string> Commands(CliNode node, string before)
    {
        var path = before.Length == 0 ? node.Word : before + " " + node.Word;
        if (node.IsComplete)
        {
            yield return path;
        }
        foreach (var command in node.Next.SelectMany(next => Commands(next, path)))
        {
            yield return command;
        }
    }

    /// <param name="partial">Accept lines that stop before a complete command (the tail of a <c>no</c>).</param>
    public CliMatch Match(string line, IReadOnlyList<CliToken> tokens, bool privileged, int first = 0, bool partial = false)
    {
        IReadOnlyList<CliNode> choices = Roots;
        CliNode? at = null;
        var path = new List<string>();
        var args = new List<string>();
        var words = new List<string>();
        for (var i = first; i < tokens.Count; i++)
        {
            var word = tokens[i].Text;
            CliNode? keyword = null;
            CliNode? argument = null;
            var matches = 0;
            foreach (var node in choices)
            {
                if (node.Privileged && !privileged)
                {
                    continue;
                }
                if (node.IsArgument || node.IsRest)
                {
                    argument ??= node;
                }
                else if (node.Word.Equals(word, StringComparison.OrdinalIgnoreCase))
                {
                    keyword = node;
                    matches = 1;
                    break;
                }
                else if (node.Word.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                {
                    keyword = node;
                    matches++;
                }
            }
            if (matches > 1)
            {
                return new CliMatch(CliStatus.Ambiguous, "", args, words, i);
            }
            if (keyword is not null)
            {
                at = keyword;
                path.Add(keyword.Word);
                words.Add(keyword.Word);
            }
            else if (argument is { IsRest: true })
            {
                path.Add(argument.Word);
                args.Add(line[tokens[i].Offset..].TrimEnd());
                words.Add(args[^1]);
                return new CliMatch(CliStatus.Ok, string.Join(' ', path), args, words, tokens.Count);
            }
            else if (argument is not null && (argument.Accepts is null || argument.Accepts(word)))
            {
                at = argument;
                path.Add(argument.Word);
                args.Add(word);
                words.Add(word);
            }
            else
            {
                return new CliMatch(CliStatus.Invalid, string.Join(' ', path), args, words, i);
            }
            choices = at.Next;
        }
        if (at is null)
        {
            return new CliMatch(CliStatus.Empty, "", args, words, first);
        }
        // A negation names what to remove and may leave out the values, not the keywords.
        var complete = at.IsComplete || (partial && at.Next.Any(n => (n.IsArgument && !n.Identifies) || n.IsRest));
        return new CliMatch(complete ? CliStatus.Ok : CliStatus.Incomplete, string.Join(' ', path), args, words, tokens.Count);
    }
}

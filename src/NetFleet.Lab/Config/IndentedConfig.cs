using System.Text;

namespace NetFleet.Lab.Config;

internal enum ConfigEdit { Set, Negate, OpenSection }

/// <summary>A configuration line and the indented lines of its section.</summary>
internal sealed class ConfigLine(string text)
{
    public string Text { get; set; } = text;
    public List<ConfigLine> Children { get; } = [];

    public bool IsSeparator => Text == "!";
}

/// <summary>
/// A configuration in the IOS/EOS layout: a line may open a section whose lines are indented below
/// it, and <c>!</c> lines separate sections. Separators are kept, so a configuration prints the way
/// it was read and new lines land where the device would put them.
/// </summary>
internal sealed class IndentedConfig
{
    // Commands that hold one value: setting them again replaces the line instead of adding one.
    private static readonly string[] SingleValued =
    [
        "hostname", "ip address", "ipv6 address", "description", "router-id", "maximum", "path", "exec-timeout",
        "transport input", "transport output", "transport preferred", "speed", "duplex", "mtu", "ip mtu",
        "ip domain name", "ip domain-name", "dns domain", "enable secret", "switchport mode", "switchport access vlan",
        "clock timezone", "bandwidth", "encapsulation dot1Q", "vrf forwarding", "vrf", "version", "media-type",
        "logging buffered", "spanning-tree mode", "ip ssh version", "login", "password", "privilege level",
        "time-period", "channel-group",
    ];

    public List<ConfigLine> Lines { get; } = [];

    public static IndentedConfig Parse(string text)
    {
        var config = new IndentedConfig();
        var stack = new List<(int Indent, ConfigLine Line)>();
        var raws = text.Split('\n');
        for (var i = 0; i < raws.Length; i++)
        {
            var line = raws[i].TrimEnd('\r', ' ');
            if (line.StartsWith("banner ", StringComparison.Ordinal) && OpensBanner(line))
            {
                // An IOS banner's text is kept verbatim, blank lines and indentation included, up to its closing ^C.
                var banner = new StringBuilder(line);
                while (++i < raws.Length)
                {
                    banner.Append('\n').Append(raws[i].TrimEnd('\r'));
                    if (raws[i].Contains(BannerDelimiter, StringComparison.Ordinal))
                    {
                        break;
                    }
                }
                stack.Clear();
                config.Lines.Add(new ConfigLine(banner.ToString()));
                continue;
            }
            // Comments ("! Last configuration change …") are printed by the device, not stored.
            if (line.Length == 0 || line.StartsWith("! ", StringComparison.Ordinal) || (line == "!" && config.Lines.Count == 0))
            {
                continue;
            }
            var indent = line.Length - line.TrimStart(' ').Length;
            var node = new ConfigLine(line.Trim());
            while (stack.Count > 0 && stack[^1].Indent >= indent)
            {
                stack.RemoveAt(stack.Count - 1);
            }
            (stack.Count == 0 ? config.Lines : stack[^1].Line.Children).Add(node);
            stack.Add((indent, node));
        }
        return config;
    }

    private const string BannerDelimiter = "^C";

    /// <summary>A banner line whose text goes on over the following lines (<c>banner motd ^C</c> with no closing ^C).</summary>
    private static bool OpensBanner(string line)
    {
        var first = line.IndexOf(BannerDelimiter, StringComparison.Ordinal);
        return first >= 0 && line.IndexOf(BannerDelimiter, first + BannerDelimiter.Length, StringComparison.Ordinal) < 0;
    }

    /// <summary>Applies one configuration-mode line to a stored configuration: sets <paramref name="line"/>
    /// (inside <paramref name="section"/> when given), opens it as a section, or negates it.</summary>
    public static string Apply(string text, int indentWidth, string? section, string line, ConfigEdit edit, IReadOnlySet<string> kept)
    {
        var config = Parse(text);
        var within = section is null ? null : config.Section(section);
        switch (edit)
        {
            case ConfigEdit.Negate:
                config.Remove(within, line, kept);
                break;
            case ConfigEdit.OpenSection:
                config.Section(line);
                break;
            default:
                config.Set(within, line);
                break;
        }
        return config.Render(indentWidth);
    }

    public string Render(int indentWidth)
    {
        var text = new StringBuilder();
        Write(Lines, 0);
        return text.ToString();

        void Write(List<ConfigLine> lines, int depth)
        {
            foreach (var line in lines)
            {
                text.Append(' ', depth * indentWidth).Append(line.Text).Append('\n');
                Write(line.Children, depth + 1);
            }
        }
    }

    /// <summary>The value of a top-level <c>KEYWORD value</c> line, read straight from the text (prompts need
    /// the hostname on every line).</summary>
    public static string? TopLevelValue(string text, string keyword)
    {
        var start = text.StartsWith(keyword + " ", StringComparison.Ordinal) ? 0 : text.IndexOf("\n" + keyword + " ", StringComparison.Ordinal) + 1;
        if (start == 0 && !text.StartsWith(keyword + " ", StringComparison.Ordinal))
        {
            return null;
        }
        start += keyword.Length + 1;
        var end = text.IndexOf('\n', start);
        return text[start..(end < 0 ? text.Length : end)].Trim();
    }

    public ConfigLine? Find(string header) => Lines.FirstOrDefault(l => l.Text == header);

    public IEnumerable<ConfigLine> Sections(string firstWord) =>
        Lines.Where(l => l.Text.StartsWith(firstWord + " ", StringComparison.Ordinal) || l.Text == firstWord);

    /// <summary>The section opened by <paramref name="header"/>, created after its last sibling of the
    /// same kind (interfaces after interfaces) or else just before <c>end</c>.</summary>
    public ConfigLine Section(string header)
    {
        if (Find(header) is { } existing)
        {
            return existing;
        }
        var section = new ConfigLine(header);
        var kind = Kind(header);
        // A new Loopback7 goes after Loopback0, not after the last Ethernet port.
        var type = header.TrimEnd("0123456789/.:".ToCharArray());
        var last = Lines.FindLastIndex(l => l.Text.StartsWith(type, StringComparison.Ordinal));
        last = last >= 0 ? last : Lines.FindLastIndex(l => Kind(l.Text) == kind);
        if (last >= 0)
        {
            Lines.InsertRange(last + 1, [new ConfigLine("!"), section]);
        }
        else
        {
            Lines.InsertRange(EndIndex(), [section, new ConfigLine("!")]);
        }
        return section;
    }

    /// <summary>Adds or updates a line, at top level or inside <paramref name="section"/>.</summary>
    public void Set(ConfigLine? section, string line)
    {
        var lines = section?.Children ?? Lines;
        if (lines.Any(l => l.Text == line))
        {
            return;
        }
        var key = SingleValued.FirstOrDefault(k => line.StartsWith(k + " ", StringComparison.Ordinal) || line == k);
        var replaces = key is not null && !line.EndsWith(" secondary", StringComparison.Ordinal)
            ? lines.FindIndex(l => l.Text.StartsWith(key + " ", StringComparison.Ordinal) && !l.Text.EndsWith(" secondary", StringComparison.Ordinal))
            : -1;
        var negation = lines.FindIndex(l => l.Text == "no " + line || (key is not null && l.Text == "no " + key));
        if (replaces >= 0)
        {
            lines[replaces] = new ConfigLine(line);
        }
        else if (negation >= 0)
        {
            lines[negation] = new ConfigLine(line);
        }
        else if (section is not null)
        {
            // Both IOS and EOS print a section's description first.
            lines.Insert(line.StartsWith("description ", StringComparison.Ordinal) ? 0 : lines.Count, new ConfigLine(line));
        }
        else
        {
            var kind = Kind(line);
            var last = lines.FindLastIndex(l => l.Children.Count == 0 && Kind(l.Text) == kind);
            if (last >= 0)
            {
                lines.Insert(last + 1, new ConfigLine(line));
            }
            else
            {
                lines.InsertRange(EndIndex(), [new ConfigLine(line), new ConfigLine("!")]);
            }
        }
    }

    /// <summary>Applies <c>no WORDS</c>: removes the lines (or section) that start with the words.
    /// When <paramref name="kept"/> holds the words, the device shows the negation itself
    /// (<c>no ip address</c>, <c>no switchport</c>), so the <c>no</c> line is stored.</summary>
    public bool Remove(ConfigLine? section, string words, IReadOnlySet<string> kept)
    {
        var lines = section?.Children ?? Lines;
        var first = lines.FindIndex(l => Covers(l.Text, words));
        var removed = false;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (Covers(lines[i].Text, words))
            {
                if (section is null && lines[i].Children.Count > 0 && i + 1 < lines.Count && i > 0
                    && lines[i + 1].IsSeparator && lines[i - 1].IsSeparator)
                {
                    lines.RemoveAt(i + 1);
                }
                lines.RemoveAt(i);
                removed = true;
            }
        }
        var keep = kept.FirstOrDefault(k => Covers(words, k));
        if (keep is not null && !lines.Any(l => l.Text == "no " + keep))
        {
            var at = first >= 0 ? Math.Min(first, lines.Count) : section is null ? EndIndex() : lines.Count;
            lines.Insert(at, new ConfigLine("no " + keep));
            return true;
        }
        return removed;
    }

    private static bool Covers(string line, string words) =>
        line == words || line.StartsWith(words + " ", StringComparison.Ordinal);

    private int EndIndex()
    {
        var end = Lines.FindLastIndex(l => l.Text == "end");
        return end >= 0 ? end : Lines.Count;
    }

    // What makes lines neighbours: "interface", "ip route", "ntp", "username".
    private static string Kind(string line)
    {
        var words = line.Split(' ', 3);
        return words.Length > 1 && words[0] is "ip" or "ipv6" or "no" or "management" or "router" ? words[0] + " " + words[1] : words[0];
    }
}

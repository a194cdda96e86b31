using System.Text.RegularExpressions;

namespace NetFleet.TextFsm;

public enum ValueOption
{
    Filldown,
    Key,
    Required,
    List,
    Fillup,
}

/// <summary>
/// A <c>Value [Options] NAME (regex)</c> declaration. Options keep their written order because
/// textfsm runs their hooks in that order, and the order is visible (<c>Required,List</c> checks the
/// last matched string; <c>List,Required</c> checks the list).
/// </summary>
public sealed class TextFsmValue
{
    internal TextFsmValue(string name, IReadOnlyList<ValueOption> options, string regex, Regex? listRegex, IReadOnlyList<string> listGroupNames)
    {
        Name = name;
        Options = options;
        Regex = regex;
        ListRegex = listRegex;
        ListGroupNames = listGroupNames;
        IsList = options.Contains(ValueOption.List);
        IsFilldown = options.Contains(ValueOption.Filldown);
    }

    public string Name { get; }

    public IReadOnlyList<ValueOption> Options { get; }

    /// <summary>The regex as written in the template (Python syntax).</summary>
    public string Regex { get; }

    internal bool IsList { get; }

    internal bool IsFilldown { get; }

    /// <summary>For a List value whose regex has nested groups: matched against each item to make a dictionary.</summary>
    internal Regex? ListRegex { get; set; }

    internal IReadOnlyList<string> ListGroupNames { get; }

    public bool Has(ValueOption option) => Options.Contains(option);
}

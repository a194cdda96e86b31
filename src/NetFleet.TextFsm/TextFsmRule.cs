using System.Text.RegularExpressions;

namespace NetFleet.TextFsm;

internal enum LineOp
{
    Next,
    Continue,
    Error,
}

internal enum RecordOp
{
    NoRecord,
    Record,
    Clear,
    Clearall,
}

/// <summary>
/// One <c>^regex -> Action State</c> line. <see cref="Assignments"/> pairs each capture group that
/// names a Value with that Value's index, in the order of the groups, as textfsm assigns them.
/// <see cref="Regex"/> is replaced by its compiled form when the template turns hot; both match the same.
/// </summary>
internal sealed record TextFsmRule(
    int Line,
    string Match,
    Regex Regex,
    (int Group, int Value)[] Assignments,
    LineOp LineOp,
    RecordOp RecordOp,
    string? NewState)
{
    public Regex Regex { get; set; } = Regex;

    /// <summary>Index into the template's states; -1 for none, End or EOF.</summary>
    public int Target { get; set; } = -1;
}

internal sealed record TextFsmState(string Name, TextFsmRule[] Rules);

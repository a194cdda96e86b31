namespace NetFleet.TextFsm;

/// <summary>
/// When a template's regexes become IL. Compiling a rule costs a few milliseconds of CPU the first
/// time it runs (about a minute for ntc-templates' 15,000 rules) and makes each match about three
/// times cheaper afterwards; a CLI run parses a few outputs once and never earns that back, a node
/// parsing one command on every device of a fleet does.
/// </summary>
public enum RegexCompilation
{
    /// <summary>Interpreted until the template has tried its rules often enough to repay compiling them, then compiled.</summary>
    Adaptive,

    /// <summary>Always interpreted.</summary>
    Never,

    /// <summary>Compiled when the template is read.</summary>
    Always,
}

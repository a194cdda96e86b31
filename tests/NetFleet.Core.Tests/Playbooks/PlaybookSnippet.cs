using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Playbooks;

/// <summary>A playbook written inline in a test, loaded from its text under a file name diagnostics can point at.</summary>
internal static class PlaybookSnippet
{
    public static (PlaybookLoadResult Result, string Path) Load(string yaml)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netfleet-snippet", "play.yaml");
        return (PlaybookLoader.LoadText(yaml, path), path);
    }
}

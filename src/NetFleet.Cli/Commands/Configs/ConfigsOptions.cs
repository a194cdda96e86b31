using System.CommandLine;
using NetFleet.Configs;

namespace NetFleet.Cli.Commands;

/// <summary><c>--configs</c> and <c>--configs-remote</c>: where jobs commit configurations, for every command that runs or reads them.</summary>
internal static class ConfigsOptions
{
    public static Option<string?> Path() => new("--configs")
    {
        Description = $"Configuration archive (a git repository, created on first use; default ${ConfigArchiveSettings.PathVariable}, "
            + $"else {ConfigArchiveSettings.DefaultPath})",
    };

    public static Option<string?> Remote() => new("--configs-remote")
    {
        Description = $"Push the archive here after each commit: a git URL or a path to a bare repository (default ${ConfigArchiveSettings.RemoteVariable})",
    };

    public static ConfigArchive Archive(string? path, string? remote) => new(ConfigArchiveSettings.Resolve(path, remote));
}

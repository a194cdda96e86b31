using System.Globalization;
using System.Text;
using NetFleet.Lab.Config;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Platforms;

/// <summary>IOS flash files, the configuration archive and Configuration Replace and Rollback
/// (<c>copy</c>, <c>archive config</c>, <c>show archive</c>, <c>configure replace … time N</c>, <c>configure confirm</c>).</summary>
public sealed partial class CiscoIos
{
    private sealed partial class Cli
    {
        public async Task ReplaceAsync(CliMatch match, CancellationToken ct)
        {
            var url = match.Args[0];
            var name = FlashName(url);
            var file = name is null ? null : Store.Read(s => s.Files.GetValueOrDefault(name));
            if (file is null)
            {
                await WriteAsync($"%Error opening {url} (No such file or directory)\n", ct);
                return;
            }
            if (!match.Words.Contains("force"))
            {
                var answer = await AskAsync("This will apply all necessary additions and deletions\nto replace the current running configuration with the\ncontents of the specified configuration file, which is\nassumed to be a complete configuration, not a partial\nconfiguration. Enter Y if you are sure you want to proceed. ? [no]: ", ct);
                if (answer is null || !answer.Trim().StartsWith('y') && !answer.Trim().StartsWith('Y'))
                {
                    return;
                }
            }
            var timeIndex = match.Command.Split(' ').ToList().IndexOf("<1-120>");
            int? minutes = timeIndex < 0 ? null : int.Parse(match.Words[timeIndex], CultureInfo.InvariantCulture);
            var replacement = IndentedConfig.Parse(file).Render(1);
            var pending = Store.Update(s =>
            {
                var previous = s.RunningConfig;
                s.RunningConfig = replacement;
                Changed(s);
                s.PendingRevert = minutes is { } m ? RevertTimers.Create(Session.Clock, m, previous) : null;
                return s.PendingRevert;
            });
            if (pending is not null)
            {
                ArmRevert(pending);
            }
            await WriteAsync("Total number of passes: 1\nRollback Done\n\n", ct);
        }

        public async Task ConfirmAsync(CancellationToken ct)
        {
            var pending = Store.Update(s =>
            {
                var p = s.PendingRevert;
                s.PendingRevert = null;
                return p;
            });
            if (pending is null)
            {
                await WriteAsync("% No Rollback Confirmation pending\n", ct);
                return;
            }
            RevertTimers.Disarm(pending.Id);
        }

        public async Task CopyAsync(string source, string destination, CancellationToken ct)
        {
            var from = source.ToLowerInvariant() switch
            {
                "running-config" or "system:running-config" or "system:/running-config" => "running",
                "startup-config" or "nvram:startup-config" or "nvram:/startup-config" => "startup",
                _ => null,
            };
            if (from is null)
            {
                await WriteAsync(FlashName(source) is null ? $"%Error parsing filename ({source})\n" : Unsupported, ct);
                return;
            }
            if (destination.Equals("startup-config", StringComparison.OrdinalIgnoreCase)
                || destination.StartsWith("nvram:", StringComparison.OrdinalIgnoreCase))
            {
                if (await AskAsync("Destination filename [startup-config]? ", ct) is null)
                {
                    return;
                }
                Store.Update(s => s.StartupConfig = from == "running" ? s.RunningConfig : s.StartupConfig);
                await WriteAsync("Building configuration...\n[OK]\n", ct);
                return;
            }
            if (FlashName(destination) is not { } name)
            {
                await WriteAsync($"%Error parsing filename ({destination})\n", ct);
                return;
            }
            if (await AskAsync($"Destination filename [{name}]? ", ct) is not { } answer)
            {
                return;
            }
            name = answer.Trim().Length > 0 ? FlashName(answer.Trim()) ?? answer.Trim() : name;
            var bytes = Store.Update(s =>
            {
                var text = from == "running" ? RunningConfigText(s, false) : s.StartupConfig;
                s.Files[name] = text;
                return text.Length;
            });
            await WriteAsync($"{bytes} bytes copied in 0.052 secs ({bytes * 1000 / 52} bytes/sec)\n", ct);
        }
    }

    private static string? FlashName(string url)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !url[..colon].StartsWith("flash", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var name = url[(colon + 1)..].TrimStart('/');
        return name.Length == 0 ? null : name;
    }

    private static string ShowArchive(DeviceState state)
    {
        var (path, maximum) = ArchiveSettings(state);
        if (path is null)
        {
            return "Archive feature not enabled\n";
        }
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"The maximum archive configurations allowed is {maximum}.\n")
            .Append(CultureInfo.InvariantCulture, $"The next archive file will be named {path}-{state.ArchiveCounter + 1}\n")
            .Append(" Archive #  Name\n");
        for (var i = 0; i < maximum; i++)
        {
            var name = i < state.Archive.Count ? "flash:" + state.Archive[i] : "";
            var recent = i == state.Archive.Count - 1 ? " <- Most Recent" : "";
            text.Append(CultureInfo.InvariantCulture, $"   {i + 1,-9}{name}{recent}\n");
        }
        return text.ToString();
    }

    private static (string? Path, int Maximum) ArchiveSettings(DeviceState state)
    {
        var archive = IndentedConfig.Parse(state.RunningConfig).Find("archive");
        var path = archive?.Children.FirstOrDefault(c => c.Text.StartsWith("path ", StringComparison.Ordinal))?.Text[5..];
        var maximum = archive?.Children.FirstOrDefault(c => c.Text.StartsWith("maximum ", StringComparison.Ordinal))?.Text[8..];
        return (path, maximum is null ? 10 : int.Parse(maximum, CultureInfo.InvariantCulture));
    }

    private static string ArchiveConfig(DeviceState state)
    {
        var (path, maximum) = ArchiveSettings(state);
        if (path is null)
        {
            return "% Archive feature not enabled\n";
        }
        if (FlashName(path) is not { } baseName)
        {
            return "%Archive path not specified\n";
        }
        state.ArchiveCounter++;
        var name = $"{baseName}-{state.ArchiveCounter}";
        state.Files[name] = RunningConfigText(state, false);
        state.Archive.Add(name);
        while (state.Archive.Count > maximum)
        {
            state.Files.Remove(state.Archive[0]);
            state.Archive.RemoveAt(0);
        }
        return "";
    }
}

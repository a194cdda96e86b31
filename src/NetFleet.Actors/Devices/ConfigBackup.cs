using System.Globalization;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices;

namespace NetFleet.Actors.Devices;

/// <summary>A <see cref="BackupConfig"/> on the device's session: the running configuration in the form a change reads it
/// back, the startup one where the platform has it, and who changed it last; each normalised by the platform.</summary>
internal static class ConfigBackup
{
    public static async Task<SessionAnswer> ReadAsync(IDeviceDriver driver, BackupConfig backup, TimeSpan? timeout, CancellationToken ct)
    {
        var platform = driver.Platform;
        var raw = (await driver.RunCommandAsync(platform.LineConfigCommand, timeout, ct)).Output;
        var extra = platform.LastChangeCommand is { } who ? (await driver.RunCommandAsync(who, timeout, ct)).Output : null;
        var running = platform.Normalise(raw, extra);
        var startup = backup.Startup && platform.StartupConfigCommand is { } command
            ? platform.Normalise((await driver.RunCommandAsync(command, timeout, ct)).Output).Text
            : null;
        return new SessionAnswer(null)
        {
            Data = new Dictionary<string, object?>
            {
                [BackupModule.RunningKey] = running.Text,
                [BackupModule.StartupKey] = startup,
                [BackupModule.ChangedByKey] = running.Origin?.User,
                [BackupModule.ChangedAtKey] = running.Origin?.At?.ToString("O", CultureInfo.InvariantCulture),
            },
        };
    }
}

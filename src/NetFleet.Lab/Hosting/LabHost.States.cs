using System.Text.Json;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Hosting;

/// <summary>Device state on disk: loaded (or made afresh) at start, written back a moment after it changes.</summary>
public sealed partial class LabHost
{
    private void LoadStates()
    {
        foreach (var device in spec.Devices)
        {
            var platform = PlatformOf(device);
            var file = paths.DeviceState(device.Name);
            DeviceState? state = null;
            if (File.Exists(file))
            {
                try
                {
                    state = JsonSerializer.Deserialize<DeviceState>(File.ReadAllText(file), StateJson);
                }
                catch (JsonException e)
                {
                    log.Warning("Device {Device}: saved state {File} is unreadable ({Reason}); starting from factory state",
                        device.Name, file, e.Message);
                }

                if (state is not null && state.Capabilities != device.Capabilities.Mark)
                {
                    // Another variant's configuration (an archive the device should not have) would make it lie.
                    log.Information("Device {Device}: saved state was made for other capabilities; starting from factory state", device.Name);
                    state = null;
                }
            }

            var name = device.Name;
            var store = new DeviceStateStore(state ?? platform.CreateFactoryState(device), _ => dirty[name] = 0);
            states[name] = store;
            if (state is null)
            {
                dirty[name] = 0;
            }

            RevertTimers.Resume(store, clock, platform.Revert);
        }
    }

    private async Task FlushStatesLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                FlushStates();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping; StopAsync flushes once more.
        }
    }

    private void FlushStates()
    {
        foreach (var name in dirty.Keys)
        {
            dirty.TryRemove(name, out _);
            var json = states[name].Read(s => JsonSerializer.Serialize(s, StateJson));
            var file = paths.DeviceState(name);
            File.WriteAllText(file + ".tmp", json);
            File.Move(file + ".tmp", file, overwrite: true);
        }
    }
}

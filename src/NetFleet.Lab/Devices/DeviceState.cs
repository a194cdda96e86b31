namespace NetFleet.Lab.Devices;

/// <summary>
/// Everything a device remembers between sessions, serialised to JSON by the lab host.
/// Configurations are kept as the text the device would show.
/// </summary>
public sealed class DeviceState
{
    public string RunningConfig { get; set; } = "";
    public string StartupConfig { get; set; } = "";
}

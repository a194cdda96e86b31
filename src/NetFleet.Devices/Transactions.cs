namespace NetFleet.Devices;

/// <summary>
/// How a configuration change is protected, strongest first. <see cref="Replace"/>: the device's own safety net
/// (IOS <c>configure replace … time</c> with <c>configure confirm</c>, EOS <c>commit timer</c>, Junos
/// <c>commit confirmed</c>): the device reverts by itself unless the change is confirmed. <see cref="Merge"/>: the
/// lines are merged the plain way (<c>configure terminal</c>, a session committed at once, <c>commit</c>) after a
/// backup of the running configuration, and NetFleet restores that backup, verified, on failure (what Ansible and
/// Netmiko do). <see cref="None"/>: the lines are merged and nothing is restored.
/// </summary>
public enum ConfigStrategy
{
    Replace,
    Merge,
    None,
}

/// <summary>The names playbooks, inventories, results and the job history use for the strategies.</summary>
public static class ConfigStrategies
{
    public static string Name(this ConfigStrategy strategy) => strategy.ToString().ToLowerInvariant();

    public static ConfigStrategy? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        "replace" => ConfigStrategy.Replace,
        "merge" => ConfigStrategy.Merge,
        "none" => ConfigStrategy.None,
        _ => null,
    };
}

/// <summary>
/// What a device offers for making changes safely, probed once per session (<see cref="Platforms.PlatformDefinition.ProbeAsync"/>).
/// <see cref="Missing"/> names, for each strategy the device cannot run, the capability it lacks in words an
/// operator can act on; <see cref="Probe"/> is what the device answered to the probe.
/// </summary>
public sealed record DeviceCapabilities(IReadOnlyDictionary<ConfigStrategy, string> Missing, string Probe)
{
    /// <summary>Every strategy; nothing probed (platforms whose safety net is always there, e.g. Junos commit confirmed).</summary>
    public static DeviceCapabilities All(string probe) => new(new Dictionary<ConfigStrategy, string>(), probe);

    public bool Supports(ConfigStrategy strategy) => !Missing.ContainsKey(strategy);

    /// <summary>The strongest strategy the device supports.</summary>
    public ConfigStrategy Strongest => Enum.GetValues<ConfigStrategy>().First(Supports);

    /// <summary>The same, with <paramref name="strategy"/> found missing while it was tried.</summary>
    public DeviceCapabilities Without(ConfigStrategy strategy, string reason) =>
        this with { Missing = new Dictionary<ConfigStrategy, string>(Missing) { [strategy] = reason } };
}

/// <summary>The transaction a playbook asked for cannot run on this device: names the missing capability and the key
/// that picks another strategy. Never retried: the device answers the same way next time.</summary>
public sealed class TransactionUnsupportedException(string device, ConfigStrategy strategy, string missing)
    : DeviceException(device, $"transaction '{strategy.Name()}' needs {missing}; set 'transaction: auto' (the strongest "
        + $"strategy the device has) or 'transaction: merge' on the play or the host to push without it")
{
    public ConfigStrategy Strategy { get; } = strategy;
    public override bool Retryable => false;
}

using NetFleet.Lab.Devices;
using NetFleet.Lab.Terminal;

namespace NetFleet.Lab.Platforms;

/// <summary>
/// A platform personality: how one vendor's CLI looks and behaves. Adding a platform to the lab
/// is one class deriving from <see cref="LabPlatform"/>, registered in <see cref="LabPlatforms"/>
/// (docs/lab-platforms.md).
/// </summary>
public interface ILabPlatform
{
    /// <summary>The inventory's platform name, e.g. <c>cisco_ios</c>.</summary>
    string Name { get; }

    /// <summary>The short name used by <c>lab up --platforms</c>, e.g. <c>ios</c>.</summary>
    string ShortName { get; }

    /// <summary>The configuration a device of this platform boots with after a lab reset.</summary>
    DeviceState CreateFactoryState(LabDevice device);

    /// <summary>What a timed revert (Junos <c>commit confirmed</c>, EOS <c>commit timer</c>, IOS
    /// <c>configure replace … time</c>) does to the device when its deadline passes unconfirmed.
    /// The lab host re-arms pending reverts with it when it loads saved state, so an unconfirmed
    /// change reverts even across a lab restart.</summary>
    void Revert(DeviceState state, PendingRevert pending);

    /// <summary>Runs one SSH session (an interactive CLI, or one exec'd command) to its end.</summary>
    Task RunSessionAsync(DeviceSession session, CancellationToken cancellationToken);
}

/// <summary>Everything one SSH session to a device can touch.</summary>
public sealed record DeviceSession(
    LabDevice Device,
    DeviceStateStore State,
    ITerminal Terminal,
    LabClock Clock,
    string Username)
{
    /// <summary>The command given on the ssh command line (<c>ssh dev "show version"</c>), if any.</summary>
    public string? ExecCommand { get; init; }

    /// <summary>Where the CLI records every line it reads, with its mode (the device's log, shared by its sessions).</summary>
    public CommandLog Commands { get; init; } = new();
}

namespace NetFleet.Lab.Devices;

/// <summary>One simulated device: its name (also its hostname on the CLI), the loopback address
/// that identifies it, its platform personality and the faults it is told to show.</summary>
public sealed record LabDevice(string Name, string Address, string Platform, DeviceFaults Faults)
{
    /// <summary>The enable secret of IOS/EOS devices (the lab uses one for every device).</summary>
    public string EnableSecret { get; init; } = LabDefaults.EnableSecret;

    /// <summary>The site the device is said to be in (inventory data, for selections).</summary>
    public string Site { get; init; } = "lon";

    /// <summary>What an IOS device's image and factory configuration have (ignored by other platforms).</summary>
    public IosCapabilities Capabilities { get; init; } = IosCapabilities.Classic;

    /// <summary>The <see cref="IosVariants"/> name the capabilities came from, if any.</summary>
    public string? Variant { get; init; }

    /// <summary>An IOS device that reaches privileged EXEC without a secret: its inventory entry gets none.</summary>
    public bool EnablesWithoutSecret => Platform == "cisco_ios" && Capabilities.Enable != IosEnable.Secret;
}

/// <summary>Fault injection for one device, read from the lab inventory.</summary>
public sealed record DeviceFaults
{
    public static readonly DeviceFaults None = new();

    /// <summary>Delay before every reply to a command, in milliseconds.</summary>
    public int SlowReplyMs { get; init; }

    /// <summary>Drop the SSH connection (no goodbye) once this many commands were entered in a session.</summary>
    public int? DropAfterCommands { get; init; }

    /// <summary>Stop answering (keep the connection open, say nothing) once this many commands were entered in a session.</summary>
    public int? HangAfterCommands { get; init; }

    /// <summary>Regular expressions; a configuration line that matches one is rejected as the
    /// platform rejects invalid input.</summary>
    public IReadOnlyList<string> RejectConfig { get; init; } = [];

    /// <summary>Every login is refused (sshd denies the user for this device's address).</summary>
    public bool RefuseAuth { get; init; }

    public bool IsNone => SlowReplyMs == 0 && DropAfterCommands is null && HangAfterCommands is null
        && RejectConfig.Count == 0 && !RefuseAuth;
}

/// <summary>Settings every lab device shares.</summary>
public static class LabDefaults
{
    public const string Username = "nflab";
    /// <summary>The lab listens on loopback only and this account may log in only from
    /// 127.0.0.0/8 to the lab's own sshd, so a well-known password is acceptable here.</summary>
    public const string Password = "nflab-Passw0rd";
    public const string EnableSecret = "nflab-enable";
    public const int Port = 10022;
}

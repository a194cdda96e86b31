namespace NetFleet.Lab.Devices;

/// <summary>
/// Everything a device remembers between sessions, serialised to JSON by the lab host.
/// Configurations are kept as the text the device would show. One shape serves every platform;
/// a platform leaves the parts it does not use empty.
/// </summary>
public sealed class DeviceState
{
    public string RunningConfig { get; set; } = "";
    public string StartupConfig { get; set; } = "";

    /// <summary>The capabilities the factory configuration was made for (<see cref="IosCapabilities.Mark"/>;
    /// null for the classic device). A lab started with a different factory configuration starts the device afresh.</summary>
    public string? Capabilities { get; set; }

    /// <summary>When the device last booted; uptime counts from here.</summary>
    public DateTimeOffset BootedAt { get; set; }

    /// <summary>The last change of the running configuration (IOS and Junos print it in the config).</summary>
    public DateTimeOffset? LastChangeAt { get; set; }
    public string LastChangeBy { get; set; } = "";

    /// <summary>Files on the device's flash (IOS <c>copy running-config flash:NAME</c>, the archive), by name
    /// without the <c>flash:</c> prefix.</summary>
    public Dictionary<string, string> Files { get; set; } = [];

    /// <summary>The IOS configuration archive: file names, oldest first.</summary>
    public List<string> Archive { get; set; } = [];

    /// <summary>The number the last archive file got; IOS keeps counting after old files rotate out.</summary>
    public int ArchiveCounter { get; set; }

    /// <summary>EOS configuration sessions.</summary>
    public List<ConfigSession> Sessions { get; set; } = [];

    /// <summary>The Junos shared candidate configuration; null while it equals the active one.</summary>
    public string? Candidate { get; set; }

    /// <summary>Junos commit history, newest first: index N is <c>rollback N</c>.</summary>
    public List<CommitRecord> Commits { get; set; } = [];

    /// <summary>A change that undoes itself unless confirmed in time (Junos <c>commit confirmed</c>,
    /// EOS <c>commit timer</c>, IOS <c>configure replace … time</c>).</summary>
    public PendingRevert? PendingRevert { get; set; }
}

/// <summary>An EOS configuration session (<c>configure session NAME</c>).</summary>
public sealed class ConfigSession
{
    public string Name { get; set; } = "";
    public string Config { get; set; } = "";
    public string User { get; set; } = "";

    /// <summary>As <c>show configuration sessions</c> prints it: pending, pendingCommitTimer, completed, aborted.</summary>
    public string State { get; set; } = "pending";
}

/// <summary>One Junos commit.</summary>
public sealed class CommitRecord
{
    public DateTimeOffset At { get; set; }
    public string User { get; set; } = "";
    public string Client { get; set; } = "cli";
    public string Comment { get; set; } = "";
    public string Config { get; set; } = "";
}

/// <summary>A timed revert: at <see cref="Deadline"/> (lab clock time) the running configuration goes
/// back to <see cref="RestoreConfig"/> unless the change was confirmed, which removes this record.</summary>
public sealed class PendingRevert
{
    public string Id { get; set; } = "";
    public DateTimeOffset Deadline { get; set; }
    public string RestoreConfig { get; set; } = "";

    /// <summary>The EOS session whose commit this reverts, if any.</summary>
    public string? Session { get; set; }
}

namespace NetFleet.Lab.Hosting;

/// <summary>Where a lab keeps its files: one folder holds config, keys, state, logs and sockets.</summary>
public sealed record LabPaths(string Root)
{
    public const string DefaultRoot = ".netfleet-lab";

    public string Spec => Path.Combine(Root, "lab.yaml");
    public string Keys => Path.Combine(Root, "keys");
    public string HostKey => Path.Combine(Keys, "ssh_host_ed25519_key");
    public string ClientKey => Path.Combine(Keys, "id_ed25519");
    /// <summary>sshd reads it as the login account: it lives in the reachable runtime folder.</summary>
    public string AuthorizedKeys => Path.Combine(Runtime, "authorized_keys");
    public string KnownHosts => Path.Combine(Root, "known_hosts");
    public string PasswordFile => Path.Combine(Root, "password");
    public string EnableSecretFile => Path.Combine(Root, "enable_secret");
    public string Run => Path.Combine(Root, "run");

    /// <summary>Where the daemon's socket and the session relay live: reachable by the lab's login
    /// account wherever Root is, and short enough for a Unix socket path (108 bytes).</summary>
    public string Runtime => Path.Combine(RuntimeBase, Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Root)))[..12]);

    public static string RuntimeBase => Directory.Exists("/run") && Environment.UserName == "root"
        ? "/run/netfleet-lab"
        : Path.Combine(Path.GetTempPath(), "netfleet-lab");

    public string Socket => Path.Combine(Runtime, "lab.sock");
    public string DaemonPid => Path.Combine(Run, "lab.pid");
    public string State => Path.Combine(Root, "state");
    public string Logs => Path.Combine(Root, "logs");
    public string Inventory => Path.Combine(Root, "inventory");

    /// <summary>The topology the lab grows (<c>lab up --topology</c>), resolved: configs inline, addresses assigned.</summary>
    public string Topology => Path.Combine(Root, "topology.json");

    public string SshdConfig(int instance) => Path.Combine(Run, $"sshd-{instance}.conf");
    public string SshdPid(int instance) => Path.Combine(Run, $"sshd-{instance}.pid");
    public string SshdLog(int instance) => Path.Combine(Logs, $"sshd-{instance}.log");
    public string DeviceState(string device) => Path.Combine(State, device + ".json");

    public static LabPaths At(string root) => new(Path.GetFullPath(root));
}

using System.Text;

namespace NetFleet.Devices;

/// <summary>
/// How to log in: a password (tried as SSH password and keyboard-interactive authentication) and/or
/// a private key. Secrets are handed to SSH.NET only; ToString prints <c>***</c>.
/// </summary>
public sealed record SshCredentials(string Username)
{
    public string? Password { get; init; }
    public string? PrivateKeyPath { get; init; }
    public string? PrivateKeyPassphrase { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Username = ").Append(Username)
            .Append(", Password = ").Append(Password is null ? "none" : "***")
            .Append(", PrivateKeyPath = ").Append(PrivateKeyPath ?? "none");
        return true;
    }
}

/// <summary>A bastion the device session is tunnelled through (an SSH local port forward).</summary>
public sealed record JumpHostOptions(string Host, SshCredentials Credentials)
{
    public int Port { get; init; } = 22;
}

/// <summary>Everything needed to reach and drive one device. Defaults suit a laptop and the lab.</summary>
public sealed record DeviceConnectionOptions(string Host, string Platform, SshCredentials Credentials)
{
    /// <summary>The name used in errors and results; the host when not set.</summary>
    public string? Name { get; init; }

    public int Port { get; init; } = 22;

    /// <summary>The port of the device's NETCONF server (SSH subsystem <c>netconf</c>); null when it has none.</summary>
    public int? NetconfPort { get; init; }

    /// <summary>The secret for <c>enable</c> (IOS, EOS); ToString prints <c>***</c>.</summary>
    public string? EnableSecret { get; init; }

    /// <summary>OpenSSH known_hosts file the host key is checked against; required.</summary>
    public string KnownHostsPath { get; init; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");

    /// <summary>Accept and record the key of a host not yet in <see cref="KnownHostsPath"/>; a changed key still fails.</summary>
    public bool TrustNewHostKeys { get; init; }

    public JumpHostOptions? JumpHost { get; init; }

    /// <summary>TCP connect, SSH handshake and login, and the first prompt. Ansible's connection plugins default to
    /// 10 s as well; a device that needs longer than that to log in is the exception, not the rule.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Default time a command may take to return to a prompt.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Run the platform's on-open commands (paging off, wide terminal). When off, the driver
    /// still answers pager prompts, which costs a round trip per page.</summary>
    public bool DisablePaging { get; init; } = true;

    /// <summary>Let SSH.NET prefer the post-quantum sntrup761x25519 key exchange over curve25519 (its
    /// default). Off by default: with OpenSSH servers older than 9.9 it costs ≈ 35 ms of client CPU per
    /// login. ML-KEM (mlkem768x25519) is preferred either way when the server offers it.</summary>
    public bool PreferSntrup761KeyExchange { get; init; }

    /// <summary>Name of the EOS configure session; one per apply when null.</summary>
    public string? ConfigSessionName { get; init; }

    public string DisplayName => Name ?? Host;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Host = ").Append(Host).Append(", Port = ").Append(Port)
            .Append(", NetconfPort = ").Append(NetconfPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")
            .Append(", Platform = ").Append(Platform)
            .Append(", Credentials = ").Append(Credentials)
            .Append(", EnableSecret = ").Append(EnableSecret is null ? "none" : "***")
            .Append(", JumpHost = ").Append(JumpHost?.ToString() ?? "none");
        return true;
    }
}

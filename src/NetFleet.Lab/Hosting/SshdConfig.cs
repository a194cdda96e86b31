using System.Text;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Hosting;

/// <summary>
/// Writes the configuration of the lab's own sshd instances. OpenSSH accepts at most 16 listen
/// sockets per sshd (MAX_LISTEN_SOCKS), and binding the wildcard address would expose the lab
/// beyond loopback, so the lab runs one sshd per 16 devices, each bound to its devices' loopback
/// addresses only.
/// </summary>
internal static class SshdConfig
{
    public const int DevicesPerInstance = 16;

    public static IReadOnlyList<IReadOnlyList<LabDevice>> Partition(IReadOnlyList<LabDevice> devices) =>
        devices.Chunk(DevicesPerInstance).Select(c => (IReadOnlyList<LabDevice>)c).ToList();

    /// <param name="netconfSubsystem">The command text of the <c>netconf</c> subsystem: sshd runs the forced
    /// command for it with this text as SSH_ORIGINAL_COMMAND, which is how the lab daemon knows to answer NETCONF.</param>
    public static string Render(LabPaths paths, int port, IReadOnlyList<LabDevice> devices, int instance, string shellPath, string netconfSubsystem)
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by `netfleet lab`; regenerated on every start.");
        foreach (var device in devices)
        {
            text.AppendLine($"ListenAddress {device.Address}:{port}");
        }

        text.Append(Common(paths, instance));
        text.AppendLine($"ForceCommand exec {shellPath} {paths.Socket}");
        text.AppendLine($"Subsystem netconf {netconfSubsystem}");

        var refused = devices.Where(d => d.Faults.RefuseAuth).Select(d => d.Address).ToList();
        if (refused.Count > 0)
        {
            // Fault injection: every login to these devices is denied by sshd itself.
            text.AppendLine($"Match LocalAddress {string.Join(',', refused)}");
            text.AppendLine("    DenyUsers *");
        }

        return text.ToString();
    }

    /// <summary>What every lab sshd instance shares, for devices and routers alike.</summary>
    public static string Common(LabPaths paths, int instance) => $"""
            HostKey {paths.HostKey}
            PidFile {paths.SshdPid(instance)}
            AuthorizedKeysFile {paths.AuthorizedKeys}
            # The lab's files live in a scratch folder whose owner is not the login account.
            StrictModes no
            # Password checks go straight to /etc/shadow: no PAM stack to load per login.
            UsePAM no
            PasswordAuthentication yes
            PubkeyAuthentication yes
            KbdInteractiveAuthentication no
            PermitEmptyPasswords no
            PermitRootLogin no
            AllowUsers {LabDefaults.Username}@127.0.0.0/8
            DisableForwarding yes
            PermitTunnel no
            PermitUserEnvironment no
            PrintMotd no
            PrintLastLog no
            UseDNS no
            Compression no
            # Benchmarks open hundreds of sessions at once.
            MaxStartups 2000:100:4000
            MaxSessions 10
            MaxAuthTries 6
            LoginGraceTime 30
            LogLevel ERROR

            """;
}

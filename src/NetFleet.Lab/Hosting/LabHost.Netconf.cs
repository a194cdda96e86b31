using System.Net.Sockets;
using System.Security.Cryptography;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Netconf;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Hosting;

/// <summary>Sessions that asked for the <c>netconf</c> SSH subsystem: the Junos personality answers them.</summary>
public sealed partial class LabHost
{
    private readonly NetconfRegistry netconf = new();

    /// <summary>
    /// The <c>netconf</c> subsystem's command text in the lab's sshd configuration. With ForceCommand, sshd runs the
    /// lab shell for a subsystem exactly as for <c>ssh host CMD</c>, with the subsystem's text as SSH_ORIGINAL_COMMAND
    /// and no other difference in the environment (checked against OpenSSH 9.2). A token drawn at every start makes
    /// the text one that no exec'd command can be mistaken for unless it was read from the lab's own sshd_config.
    /// </summary>
    private readonly string netconfSubsystem =
        $"{NetconfServerSession.SubsystemMarker}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    private async Task RunNetconfAsync(Socket client, LabDevice device, string username, byte[] pending, CancellationToken cancellationToken)
    {
        var platform = PlatformOf(device);
        if (platform is not JuniperJunos)
        {
            log.Information("NETCONF to {Device}: the lab's {Platform} personality has no NETCONF; closing the subsystem (use a Junos device)",
                device.Name, platform.Name);
            client.Shutdown(SocketShutdown.Both);
            return;
        }

        Interlocked.Increment(ref sessionsServed);
        Interlocked.Increment(ref sessionsActive);
        try
        {
            await using var stream = new PrefixedStream(pending, new NetworkStream(client, ownsSocket: false));
            var target = new NetconfDevice(device, states[device.Name], clock, username, commandLogs[device.Name]);
            await NetconfServerSession.RunAsync(target, platform, netconf, stream, log, cancellationToken);
            client.Shutdown(SocketShutdown.Both);
        }
        finally
        {
            Interlocked.Decrement(ref sessionsActive);
        }
    }
}

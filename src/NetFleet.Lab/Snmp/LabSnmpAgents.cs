using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Snmp;
using Serilog;

namespace NetFleet.Lab.Snmp;

/// <summary>The lab's SNMP credentials: well known, like the SSH ones, because the lab answers on loopback only.</summary>
public static class LabSnmpDefaults
{
    /// <summary>The SNMP port is the lab's SSH port + 139: 10022 → 10161.</summary>
    public const int PortOffset = 139;
    public const string Community = "nflab";
    public const string User = "nflab-v3";
    public const string AuthPassword = "nflab-auth-Passw0rd";
    public const string PrivPassword = "nflab-priv-Passw0rd";

    /// <summary>The lab's v3 user: authPriv with HMAC-SHA-256 (RFC 7860) and AES-128.</summary>
    public static UsmUser CreateUser() => new(User, AuthProtocol.HmacSha256, AuthPassword, PrivProtocol.Aes128, PrivPassword);
}

/// <summary>
/// One SNMP agent per lab device, each on its own UDP socket bound to the device's loopback address
/// at the lab's SNMP port, so that a manager tells devices apart by address as it would in a network.
/// A device whose socket cannot be bound is logged and skipped: SNMP never keeps the SSH lab down. Running out of
/// file descriptors is the exception: the SSH side would meet it next, so it ends the start with the limit named.
/// </summary>
public sealed class LabSnmpAgents : IAsyncDisposable
{
    private readonly List<(LabDevice Device, SnmpAgent Agent)> agents = [];

    private LabSnmpAgents()
    {
    }

    public IReadOnlyList<(LabDevice Device, SnmpAgent Agent)> Agents => agents;

    public static LabSnmpAgents Start(IEnumerable<LabDevice> devices, int port, ILogger? log = null)
    {
        log ??= Serilog.Core.Logger.None;
        var started = Stopwatch.GetTimestamp();
        var user = LabSnmpDefaults.CreateUser();
        var lab = new LabSnmpAgents();
        var failed = 0;
        foreach (var device in devices)
        {
            var options = new SnmpAgentOptions
            {
                ReadCommunities = [LabSnmpDefaults.Community],
                WriteCommunities = [LabSnmpDefaults.Community],
                Users = [user],
                EngineId = SnmpAgent.EngineIdFor(device.Name),
            };
            var agent = new SnmpAgent(new LazyMibView(() => LabMib.Build(device, started)), options, log);
            try
            {
                agent.Start(new IPEndPoint(IPAddress.Parse(device.Address), port));
                lab.agents.Add((device, agent));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TooManyOpenSockets)
            {
                _ = agent.DisposeAsync();
                _ = lab.DisposeAsync();
                throw;
            }
            catch (SocketException e)
            {
                failed++;
                log.Warning("Device {Device}: no SNMP agent, {Address}:{Port}/udp is unavailable ({Reason})", device.Name, device.Address, port, e.SocketErrorCode);
                _ = agent.DisposeAsync();
            }
        }

        log.Information("SNMP agents: {Count} on UDP port {Port} ({Failed} failed), community {Community}, v3 user {User}",
            lab.agents.Count, port, failed, LabSnmpDefaults.Community, LabSnmpDefaults.User);
        return lab;
    }

    public static LabSnmpAgents Start(LabSpec spec, ILogger? log = null) => Start(spec.Devices, spec.SnmpPort, log);

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, agent) in agents)
        {
            await agent.DisposeAsync();
        }

        agents.Clear();
    }
}

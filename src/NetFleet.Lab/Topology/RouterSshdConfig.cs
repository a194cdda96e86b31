using System.Text;
using NetFleet.Lab.Hosting;

namespace NetFleet.Lab.Topology;

/// <summary>
/// The sshd instance(s) in front of a topology's routers: each router's management address lands
/// in vtysh on that router's sockets, chosen by sshd itself (<c>Match LocalAddress</c>), so no lab
/// code sits between the SSH session and FRR. A command given to ssh (an exec request) runs as
/// <c>vtysh -c</c>; a shell request gets vtysh's interactive prompt.
/// </summary>
internal static class RouterSshdConfig
{
    /// <summary>OpenSSH's limit of 16 listen sockets per sshd, as for devices.</summary>
    public const int RoutersPerInstance = SshdConfig.DevicesPerInstance;

    public static IReadOnlyList<IReadOnlyList<TopologyRouter>> Partition(IReadOnlyList<TopologyRouter> routers) =>
        routers.Chunk(RoutersPerInstance).Select(c => (IReadOnlyList<TopologyRouter>)c).ToList();

    public static string Render(LabPaths paths, int port, IReadOnlyList<TopologyRouter> routers, int instance)
    {
        var text = new StringBuilder("# Written by `netfleet lab` for the topology's routers; regenerated on every start.\n");
        foreach (var router in routers)
        {
            text.AppendLine($"ListenAddress {router.Management}:{port}");
        }

        text.Append(SshdConfig.Common(paths, instance));
        // Only the Match blocks below let anyone in; an address without one gets nothing.
        text.AppendLine("ForceCommand exec /bin/false");
        foreach (var router in routers)
        {
            var runtime = RouterRuntime.For(paths, router.Name);
            text.AppendLine($"Match LocalAddress {router.Management}");
            text.AppendLine($"    ForceCommand exec {RouterRuntime.VtyshProgram} {string.Join(' ', runtime.VtyshArguments)}"
                + " ${SSH_ORIGINAL_COMMAND:+-c \"$SSH_ORIGINAL_COMMAND\"}");
        }

        return text.ToString();
    }
}

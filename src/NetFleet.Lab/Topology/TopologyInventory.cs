using System.Globalization;
using System.Text;
using NetFleet.Lab.Hosting;

namespace NetFleet.Lab.Topology;

/// <summary>
/// The routers' part of the lab's inventory: platform <c>frr</c>, the management address as
/// hostname, and host data a playbook or test needs to address a neighbour without knowing the
/// topology file (<c>neighbor {{ host.data.interfaces.eth1.peer.address }} remote-as {{ host.data.interfaces.eth1.peer.asn }}</c>).
/// </summary>
internal static class TopologyInventory
{
    public const string Group = "frr";
    public const string Platform = "frr";

    public static void AppendGroup(StringBuilder groups) => groups.Append(CultureInfo.InvariantCulture, $"{Group}:\n  platform: {Platform}\n");

    public static void AppendHosts(StringBuilder hosts, LabTopology topology, LabPaths paths)
    {
        foreach (var router in topology.Routers)
        {
            hosts.Append(CultureInfo.InvariantCulture, $"""
                {router.Name}:
                  hostname: {router.Management}
                  groups: [{Group}]
                  data:
                    router: {router.Name}
                    netns: {RouterRuntime.For(paths, router.Name).Namespace}

                """);
            if (router.Loopback is { } loopback)
            {
                hosts.Append(CultureInfo.InvariantCulture, $"    loopback: {loopback}\n");
            }

            if (router.Loopbacks.Count > 0)
            {
                hosts.Append(CultureInfo.InvariantCulture, $"    loopbacks: [{string.Join(", ", router.Loopbacks.Select(Quote))}]\n");
            }

            if (router.Asn is { } asn)
            {
                hosts.Append(CultureInfo.InvariantCulture, $"    asn: {asn}\n");
            }

            if (router.Interfaces.Count == 0)
            {
                continue;
            }

            hosts.Append("    interfaces:\n");
            foreach (var face in router.Interfaces)
            {
                hosts.Append(CultureInfo.InvariantCulture, $"      {face.Name}:\n");
                AppendAddresses(hosts, "        ", face.Ipv4, face.Ipv6);
                hosts.Append(CultureInfo.InvariantCulture, $"        peer:\n          router: {face.Peer.Router}\n          interface: {face.Peer.Interface}\n");
                AppendAddresses(hosts, "          ", face.Peer.Ipv4, face.Peer.Ipv6);
                if (topology[face.Peer.Router].Asn is { } peerAsn)
                {
                    hosts.Append(CultureInfo.InvariantCulture, $"          asn: {peerAsn}\n");
                }
            }
        }
    }

    /// <summary><c>ipv4: 198.18.0.0/31</c> and <c>address: 198.18.0.0</c> (likewise ipv6 and address6): templates need the bare address more often.</summary>
    private static void AppendAddresses(StringBuilder hosts, string indent, string? ipv4, string? ipv6)
    {
        if (ipv4 is not null)
        {
            hosts.Append(CultureInfo.InvariantCulture, $"{indent}ipv4: {ipv4}\n{indent}address: {TopologyRouter.Address(ipv4)}\n");
        }

        if (ipv6 is not null)
        {
            hosts.Append(CultureInfo.InvariantCulture, $"{indent}ipv6: {Quote(ipv6)}\n{indent}address6: {Quote(TopologyRouter.Address(ipv6))}\n");
        }
    }

    // IPv6 addresses hold ':' and may end in "::"; quoted, every YAML reader takes them as strings.
    private static string Quote(string value) => value.Contains(':', StringComparison.Ordinal) ? $"\"{value}\"" : value;
}

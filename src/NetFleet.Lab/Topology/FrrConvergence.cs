using System.Text.Json.Nodes;
using NetFleet.Lab.Hosting;

namespace NetFleet.Lab.Topology;

/// <summary>
/// Whether a lab's routers have converged: every configured BGP peer Established, and every link
/// on which both ends run OSPF (and neither is passive) has a Full adjacency. Asked of the routers
/// themselves through vtysh's JSON, polled rather than waited for blindly.
/// </summary>
public static class FrrConvergence
{
    /// <summary>What has not converged yet, one line per peer or link; empty when everything has.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(FrrLab lab, CancellationToken cancellationToken = default)
    {
        var routers = lab.Topology.Routers;
        var bgp = routers.Where(r => r.Daemons.Contains("bgpd")).Select(r => BgpPendingAsync(lab.RuntimeOf(r.Name), cancellationToken));
        var ospfInterfaces = await Task.WhenAll(routers.Where(r => r.Daemons.Contains("ospfd"))
            .Select(async r => (Router: r.Name, Interfaces: await OspfInterfacesAsync(lab.RuntimeOf(r.Name), cancellationToken))));
        var enabled = ospfInterfaces.SelectMany(r => r.Interfaces.Select(i => (r.Router, Interface: i))).ToHashSet();
        var ospf = ospfInterfaces.Select(r => OspfPendingAsync(lab, r.Router, r.Interfaces, enabled, cancellationToken));
        return (await Task.WhenAll(bgp.Concat(ospf))).SelectMany(p => p).ToList();
    }

    /// <summary>Polls until converged; the timeout's message lists what was still pending.</summary>
    public static async Task WaitAsync(FrrLab lab, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var pending = await PendingAsync(lab, cancellationToken);
            if (pending.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"the routers did not converge within {timeout.TotalSeconds:0} s: {string.Join("; ", pending)}");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static async Task<IEnumerable<string>> BgpPendingAsync(RouterRuntime router, CancellationToken cancellationToken)
    {
        var summary = await Vtysh.RunJsonAsync(router, "show bgp summary json", cancellationToken);
        var pending = new List<string>();
        foreach (var (family, body) in summary.AsObject())
        {
            foreach (var (peer, state) in body?["peers"]?.AsObject() ?? [])
            {
                var value = state?["state"]?.GetValue<string>();
                if (value != "Established")
                {
                    pending.Add($"{router.Name}: BGP peer {peer} ({family}) is {value}");
                }
            }
        }

        return pending;
    }

    /// <summary>Interfaces with OSPF enabled and not passive: those expected to form an adjacency.</summary>
    private static async Task<IReadOnlyList<string>> OspfInterfacesAsync(RouterRuntime router, CancellationToken cancellationToken)
    {
        var answer = await Vtysh.RunJsonAsync(router, "show ip ospf interface json", cancellationToken);
        return (answer["interfaces"]?.AsObject() ?? [])
            .Where(i => i.Value?["ospfEnabled"]?.GetValue<bool>() == true && i.Value["timerPassiveIface"] is null)
            .Select(i => i.Key).ToList();
    }

    private static async Task<IEnumerable<string>> OspfPendingAsync(FrrLab lab, string router, IReadOnlyList<string> interfaces,
        HashSet<(string Router, string Interface)> enabled, CancellationToken cancellationToken)
    {
        var faces = lab.Topology[router].Interfaces
            .Where(i => interfaces.Contains(i.Name) && enabled.Contains((i.Peer.Router, i.Peer.Interface))).ToList();
        if (faces.Count == 0)
        {
            return [];
        }

        var neighbours = await Vtysh.RunJsonAsync(lab.RuntimeOf(router), "show ip ospf neighbor json", cancellationToken);
        // ifaceName reads "eth1:198.18.0.0": the interface, then the local address.
        var full = (neighbours["neighbors"]?.AsObject() ?? [])
            .SelectMany(n => n.Value?.AsArray() ?? [])
            .Where(n => n?["converged"]?.GetValue<string>() == "Full" || (n?["nbrState"]?.GetValue<string>() ?? "").StartsWith("Full", StringComparison.Ordinal))
            .Select(n => (n?["ifaceName"]?.GetValue<string>() ?? "").Split(':')[0])
            .ToHashSet(StringComparer.Ordinal);
        return faces.Where(f => !full.Contains(f.Name)).Select(f => $"{router}: no Full OSPF neighbour on {f.Name} (towards {f.Peer.Router})");
    }
}

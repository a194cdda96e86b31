using System.Text.Json.Nodes;
using NetFleet.Lab.Hosting;

namespace NetFleet.Lab.Topology;

/// <summary>
/// Whether a lab's routers have converged: every link of the topology up, every configured BGP peer
/// Established, and a Full OSPF adjacency on every link where either end runs OSPF (not passive).
/// Links are checked first because OSPF forgets a link that is down: without them, a ring with a
/// cut link would count as converged. Asked of the routers themselves (ip's and vtysh's JSON),
/// polled rather than waited for blindly.
/// </summary>
public static class FrrConvergence
{
    /// <summary>What has not converged yet, one line per peer or link; empty when everything has.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(FrrLab lab, CancellationToken cancellationToken = default)
    {
        var pending = new System.Collections.Concurrent.ConcurrentBag<(int Order, string Line)>();
        // A few routers at a time: each question is a vtysh process, and the VM has 2 cores.
        await Parallel.ForEachAsync(lab.Topology.Routers.Select((r, i) => (Router: r, Order: i)),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (entry, ct) =>
            {
                var runtime = lab.RuntimeOf(entry.Router.Name);
                var lines = new List<string>(await LinksDownAsync(entry.Router, runtime, ct));
                if (entry.Router.Daemons.Contains("bgpd"))
                {
                    lines.AddRange(await BgpPendingAsync(runtime, ct));
                }

                if (entry.Router.Daemons.Contains("ospfd"))
                {
                    lines.AddRange(await OspfPendingAsync(lab, entry.Router, ct));
                }

                foreach (var line in lines)
                {
                    pending.Add((entry.Order, line));
                }
            });
        return pending.OrderBy(p => p.Order).ThenBy(p => p.Line, StringComparer.Ordinal).Select(p => p.Line).ToList();
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

    private static async Task<IEnumerable<string>> LinksDownAsync(TopologyRouter router, RouterRuntime runtime, CancellationToken cancellationToken)
    {
        if (router.Interfaces.Count == 0)
        {
            return [];
        }

        var (code, output) = await ProcessRunner.RunAsync("/usr/sbin/ip", ["-n", runtime.Namespace, "-j", "link", "show"], cancellationToken: cancellationToken);
        if (code != 0)
        {
            throw new LabException($"router {router.Name}: cannot list the links of namespace {runtime.Namespace}: {output}");
        }

        var states = (JsonNode.Parse(output)?.AsArray() ?? [])
            .ToDictionary(l => l?["ifname"]?.GetValue<string>() ?? "", l => l?["operstate"]?.GetValue<string>() ?? "", StringComparer.Ordinal);
        return router.Interfaces.Where(i => states.GetValueOrDefault(i.Name) != "UP")
            .Select(i => $"{router.Name}: {i.Name} is {states.GetValueOrDefault(i.Name, "missing")} (the link to {i.Peer.Router}:{i.Peer.Interface})");
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

    private static async Task<IEnumerable<string>> OspfPendingAsync(FrrLab lab, TopologyRouter router, CancellationToken cancellationToken)
    {
        var enabled = await OspfInterfacesAsync(lab.RuntimeOf(router.Name), cancellationToken);
        var faces = router.Interfaces.Where(i => enabled.Contains(i.Name)).ToList();
        if (faces.Count == 0)
        {
            return [];
        }

        var neighbours = await Vtysh.RunJsonAsync(lab.RuntimeOf(router.Name), "show ip ospf neighbor json", cancellationToken);
        // ifaceName reads "eth1:198.18.0.0": the interface, then the local address.
        var full = (neighbours["neighbors"]?.AsObject() ?? [])
            .SelectMany(n => n.Value?.AsArray() ?? [])
            .Where(n => n?["converged"]?.GetValue<string>() == "Full" || (n?["nbrState"]?.GetValue<string>() ?? "").StartsWith("Full", StringComparison.Ordinal))
            .Select(n => (n?["ifaceName"]?.GetValue<string>() ?? "").Split(':')[0])
            .ToHashSet(StringComparer.Ordinal);
        return faces.Where(f => !full.Contains(f.Name)).Select(f => $"{router.Name}: no Full OSPF neighbour on {f.Name} (towards {f.Peer.Router})");
    }
}

using System.Net;
using System.Net.Sockets;
using YamlDotNet.RepresentationModel;

namespace NetFleet.Lab.Topology;

/// <summary>The links of a topology file, and the checks that span routers: management addresses and overlapping prefixes.</summary>
public static partial class TopologyLoader
{
    private sealed partial class Reader
    {
        private List<(Endpoint A, Endpoint B, IPNetwork? V4, IPNetwork? V6, YamlNode Node)> ReadLinks(YamlNode node, List<RouterEntry> routers)
        {
            var links = new List<(Endpoint, Endpoint, IPNetwork?, IPNetwork?, YamlNode)>();
            if (node is YamlScalarNode { Value: null or "" })
            {
                return links;
            }

            if (node is not YamlSequenceNode list)
            {
                Error(node, $"expected a list of links (`- endpoints: [r1:eth1, r2:eth1]`), found {Describe(node)}");
                return links;
            }

            var used = new Dictionary<(string, string), YamlNode>();
            foreach (var item in list.Children)
            {
                if (Mapping(item, "a link (a mapping with `endpoints:` and `ipv4:`/`ipv6:`)") is not { } link)
                {
                    continue;
                }

                CheckKeys(link, LinkKeys, "a link");
                if (Child(link, "endpoints") is not { } endpointsNode)
                {
                    Error(link, "a link needs `endpoints: [ROUTER:INTERFACE, ROUTER:INTERFACE]`");
                    continue;
                }

                var ends = Scalars(endpointsNode, "two endpoints such as [r1:eth1, r2:eth1]").Select(e => ReadEndpoint(e, routers, used)).ToList();
                if (ends.Count != 2)
                {
                    Error(endpointsNode, $"a link joins exactly two endpoints, found {ends.Count}");
                    continue;
                }

                var v4 = Prefix(link, "ipv4", AddressFamily.InterNetwork);
                var v6 = Prefix(link, "ipv6", AddressFamily.InterNetworkV6);
                if (ends[0] is { } a && ends[1] is { } b)
                {
                    links.Add((a, b, v4, v6, link));
                }
            }

            return links;
        }

        private Endpoint? ReadEndpoint(YamlScalarNode node, List<RouterEntry> routers, Dictionary<(string, string), YamlNode> used)
        {
            var parts = node.Value!.Split(':');
            if (parts.Length != 2)
            {
                Error(node, $"endpoint '{node.Value}' should be ROUTER:INTERFACE, such as r1:eth1");
                return null;
            }

            if (routers.All(r => r.Name != parts[0]))
            {
                Error(node, $"unknown router '{parts[0]}' in endpoint {node.Value}; the routers are {string.Join(", ", routers.Select(r => r.Name))}");
                return null;
            }

            if (!InterfaceName().IsMatch(parts[1]))
            {
                Error(node, $"interface name '{parts[1]}' is not allowed; expected a letter then letters, digits, '_', '.', '-', at most 15 characters, not lo");
                return null;
            }

            if (used.TryGetValue((parts[0], parts[1]), out var first))
            {
                Error(node, $"interface {node.Value} is already used by the link at line {first.Start.Line}");
                return null;
            }

            used[(parts[0], parts[1])] = node;
            return new Endpoint(parts[0], parts[1], node);
        }

        private IPNetwork? Prefix(YamlMappingNode link, string key, AddressFamily family)
        {
            if (Child(link, key) is not { } node || Scalar(node, $"an {key} prefix") is not { } scalar)
            {
                return null;
            }

            var (net, error) = TopologyAddresses.ParsePrefix(scalar.Value!, family, key);
            if (net is { } parsed && TopologyAddresses.LinkAddresses(parsed) is null)
            {
                Error(scalar, $"{key} {scalar.Value} holds one address; a link needs two (use a /31 or /127)");
                return null;
            }

            if (error is not null)
            {
                Error(scalar, error);
            }

            return net;
        }

        private List<string> AssignManagement(List<RouterEntry> routers)
        {
            var taken = new Dictionary<string, RouterEntry>();
            foreach (var router in routers.Where(r => r.Management is not null))
            {
                if (taken.TryGetValue(router.Management!, out var other))
                {
                    Error(router.ManagementNode!, $"management address {router.Management} is already router {other.Name}'s");
                }
                else
                {
                    taken[router.Management!] = router;
                }
            }

            var result = new List<string>();
            for (var i = 0; i < routers.Count; i++)
            {
                var address = routers[i].Management ?? DefaultManagement(i);
                if (routers[i].Management is null && taken.TryGetValue(address, out var other))
                {
                    Error(routers[i].NameNode, $"router {routers[i].Name}'s default management address {address} is router {other.Name}'s; "
                        + "give one of them another `management:` address");
                }

                result.Add(address);
            }

            return result;
        }

        private void CheckOverlaps(List<RouterEntry> routers, List<(Endpoint A, Endpoint B, IPNetwork? V4, IPNetwork? V6, YamlNode Node)> links)
        {
            var prefixes = routers.SelectMany(r => r.Loopbacks.Select(l => (l.Net, l.Node, What: $"router {r.Name}'s loopback")))
                .Concat(links.SelectMany(l => new[] { l.V4, l.V6 }.OfType<IPNetwork>()
                    .Select(n => (Net: n, l.Node, What: $"the link {l.A.Node.ToString()}–{l.B.Node.ToString()}"))))
                .ToList();
            for (var i = 0; i < prefixes.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (TopologyAddresses.Overlaps(prefixes[i].Net, prefixes[j].Net))
                    {
                        Error(prefixes[i].Node, $"{prefixes[i].Net} overlaps {prefixes[j].Net} of {prefixes[j].What} (line {prefixes[j].Node.Start.Line})");
                    }
                }
            }
        }

        private static List<RouterInterface> Interfaces(string router, List<(Endpoint A, Endpoint B, IPNetwork? V4, IPNetwork? V6, YamlNode Node)> links)
        {
            var result = new List<RouterInterface>();
            foreach (var (a, b, v4, v6, _) in links)
            {
                var four = v4 is { } n4 ? TopologyAddresses.LinkAddresses(n4) : null;
                var six = v6 is { } n6 ? TopologyAddresses.LinkAddresses(n6) : null;
                string? At(IPAddress? address, IPNetwork? net) => address is null ? null : $"{address}/{net!.Value.PrefixLength}";
                if (a.Router == router)
                {
                    result.Add(new RouterInterface(a.Interface, At(four?.First, v4), At(six?.First, v6),
                        new InterfacePeer(b.Router, b.Interface, At(four?.Second, v4), At(six?.Second, v6))));
                }

                if (b.Router == router)
                {
                    result.Add(new RouterInterface(b.Interface, At(four?.Second, v4), At(six?.Second, v6),
                        new InterfacePeer(a.Router, a.Interface, At(four?.First, v4), At(six?.First, v6))));
                }
            }

            return result;
        }
    }
}

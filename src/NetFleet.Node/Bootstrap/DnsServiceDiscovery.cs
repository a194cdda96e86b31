using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Discovery;
using Akka.Event;

namespace NetFleet.Node.Bootstrap;

/// <summary>
/// Akka.Discovery by DNS: the contact points of a service are the addresses its name resolves to (a Kubernetes
/// headless service resolves to its ready pods), each at the bootstrap's management port.
/// </summary>
/// <remarks>
/// Written here because neither library option loads: Akka.Discovery 1.5.73's reference config names a DNS class that
/// the package does not contain (TypeLoadException), and Akka.Discovery.KubernetesApi needs KubernetesClient 17.0.14,
/// which the registry does not serve (19.0.2 throws MissingMethodException on lookup).
/// </remarks>
public sealed class DnsServiceDiscovery(ExtendedActorSystem system) : ServiceDiscovery
{
    public const string ConfigPath = "netfleet-dns";

    public override async Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
    {
        using var timeout = new CancellationTokenSource(resolveTimeout);
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(lookup.ServiceName, timeout.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            // No pods ready yet: nothing discovered, and bootstrap looks again.
            system.Log.Info("discovery: {0} does not resolve yet ({1})", lookup.ServiceName, e.Message);
            addresses = [];
        }

        var targets = addresses.Select(a => new ServiceDiscovery.ResolvedTarget(a.ToString(), null, a)).ToList();
        return new Resolved(lookup.ServiceName, targets);
    }
}

using System.Text.Json.Nodes;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Topology;
using Xunit;

namespace NetFleet.Testing;

/// <summary>
/// Starts a lab that grows a topology's FRRouting routers (deploy/topologies/line3.yaml unless
/// told otherwise) in a scratch folder on a free port, waits until every BGP peer is Established
/// and every OSPF adjacency Full, and removes every namespace and daemon after. A test class holds
/// one (<c>IClassFixture&lt;FrrLabFixture&gt;</c>) or derives from it with another topology
/// (<c>class Ring() : FrrLabFixture(FrrLabFixture.Sample("ring6.yaml"))</c>); call
/// <see cref="ResetAsync"/> after changing a router so the next test starts from the topology.
/// </summary>
public class FrrLabFixture : IAsyncLifetime
{
    public static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(60);

    public FrrLabFixture() : this(Sample("line3.yaml"))
    {
    }

    protected FrrLabFixture(string topologyFile)
    {
        TopologyFile = topologyFile;
    }

    /// <summary>A sample topology of the repository (deploy/topologies/NAME).</summary>
    public static string Sample(string name) => Path.Combine(RepositoryPaths.Root(), "deploy", "topologies", name);

    public string TopologyFile { get; }
    public LabHost Host { get; private set; } = null!;
    public LabPaths Paths => Host.Paths;
    public LabTopology Topology => Frr.Topology;
    public int Port => Host.Spec.Port;

    /// <summary>The lab's inventory folder (hosts.yaml, groups.yaml, defaults.yaml), as <c>lab up</c> writes it.</summary>
    public string InventoryPath => Paths.Inventory;

    public IReadOnlyList<FrrLabRouter> Routers => Topology.Routers.Select(r => Router(r.Name)).ToList();

    private FrrLab Frr => Host.Routers!;

    public FrrLabRouter Router(string name)
    {
        var definition = Topology[name];
        return new FrrLabRouter(name, definition.Management, Frr.RuntimeOf(name).Namespace, definition.Interfaces, definition);
    }

    public virtual async Task InitializeAsync()
    {
        var topology = TopologyLoader.Load(TopologyFile);
        var root = Directory.CreateTempSubdirectory("netfleet-frrlab-test-");
        var spec = new LabSpec(Loopback.FreePort(), TimeSpan.FromMinutes(1), []);
        Host = new LabHost(LabPaths.At(root.FullName), spec, topology: topology);
        try
        {
            await Host.StartAsync();
            LabInventoryWriter.Write(spec, Paths, Paths.Inventory, topology);
            await WaitForConvergenceAsync();
        }
        catch
        {
            // xUnit does not dispose a fixture whose start failed: nothing may be left behind.
            await Host.StopAsync();
            throw;
        }
    }

    /// <summary>Runs one vtysh command on the router, locally on its sockets (not through SSH); a refused command throws.</summary>
    public Task<string> VtyshAsync(string router, string command) => Vtysh.RunAsync(Frr.RuntimeOf(router), command);

    /// <summary>A <c>show … json</c> command's answer, e.g. <c>["ipv4Unicast"]["peers"]["198.18.0.1"]["state"]</c>.</summary>
    public Task<JsonNode> VtyshJsonAsync(string router, string command) => Vtysh.RunJsonAsync(Frr.RuntimeOf(router), command);

    /// <summary>Every BGP peer Established and every OSPF adjacency Full; throws with what was pending after the timeout.</summary>
    public Task WaitForConvergenceAsync(TimeSpan? timeout = null) => FrrConvergence.WaitAsync(Frr, timeout ?? ConvergenceTimeout);

    /// <summary>Every router back on its starting configuration (only differences are applied), then converged again.</summary>
    public async Task ResetAsync()
    {
        await Frr.ResetAsync();
        await WaitForConvergenceAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        if (Directory.Exists(Paths.Root))
        {
            Directory.Delete(Paths.Root, recursive: true);
        }
    }
}

/// <param name="Management">The address its SSH answers on (the lab's port), landing in the router's vtysh.</param>
/// <param name="Namespace">Its network namespace (<c>ip netns exec NAMESPACE …</c>).</param>
public sealed record FrrLabRouter(string Name, string Management, string Namespace, IReadOnlyList<RouterInterface> Interfaces,
    TopologyRouter Definition);

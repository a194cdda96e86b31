namespace NetFleet.Lab.Hosting;

/// <summary>What <c>lab status</c> shows.</summary>
public sealed record LabStatus(int Pid, int Port, int Devices, int SshdInstances, Dictionary<string, int> Platforms,
    long SessionsServed, long SessionsActive, DateTimeOffset StartedAt, string Root, IReadOnlyList<int> SshdPids)
{
    /// <summary>IOS devices per variant (<c>lab up --ios-variant</c> or <c>variant:</c> in lab.yaml); empty when none is named.</summary>
    public Dictionary<string, int> IosVariants { get; init; } = [];

    /// <summary>The topology's FRRouting routers (<c>lab up --topology</c>); empty when the lab grows none.</summary>
    public IReadOnlyList<Topology.RouterStatus> Routers { get; init; } = [];

    /// <summary>The lab's Debian netconfd servers (<c>lab up --netconfd N</c>); empty when it serves none.</summary>
    public IReadOnlyList<NetconfServerStatus> NetconfServers { get; init; } = [];
}

/// <summary>One netconfd of the lab: its inventory name, management address and whether its process runs.</summary>
public sealed record NetconfServerStatus(string Name, string Address, bool Running);

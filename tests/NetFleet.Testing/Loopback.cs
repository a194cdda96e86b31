using System.Net;
using System.Net.Sockets;

namespace NetFleet.Testing;

/// <summary>Where tests put their peers: a loopback port nothing listens on yet.</summary>
public static class Loopback
{
    // Below the kernel's ephemeral range (32768-60999 by default): a port handed out from that range could be taken by
    // any outgoing connection before the peer binds it, which once made a cluster node's management port "already in use".
    private const int FirstPort = 20000;
    private const int LastPort = 32000;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A TCP port outside the ephemeral range that is free on 127.0.0.1 now and not handed out before in this process.</summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(FirstPort, LastPort + 1);
                if (HandedOut.Contains(port) || !IsFree(port)) continue;
                HandedOut.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"no free loopback port between {FirstPort} and {LastPort} after 1000 tries");
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>Files of the repository the tests run from.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding NetFleet.sln, above the test's output folder.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetFleet.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("NetFleet.sln not found above " + AppContext.BaseDirectory);
    }
}

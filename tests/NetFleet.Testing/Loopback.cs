using System.Net;
using System.Net.Sockets;

namespace NetFleet.Testing;

/// <summary>Where tests put their peers: a loopback port nothing listens on yet.</summary>
public static class Loopback
{
    /// <summary>A TCP port the kernel just handed out on 127.0.0.1 (free now; taken by whoever binds it next).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
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

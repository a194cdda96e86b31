using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace NetFleet.Lab.Hosting;

/// <summary>Talks to a running lab daemon over its Unix socket (status, reset, stop).</summary>
public static class LabClient
{
    public static async Task<LabStatus?> StatusAsync(LabPaths paths, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(paths, "status", cancellationToken);
        return reply is null ? null : JsonSerializer.Deserialize<LabStatus>(reply);
    }

    public static async Task<IReadOnlyList<string>?> ResetAsync(LabPaths paths, IEnumerable<string> devices,
        CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(paths, "reset\t" + string.Join(',', devices), cancellationToken);
        return reply?.Split(',', StringSplitOptions.RemoveEmptyEntries);
    }

    public static async Task<bool> StopAsync(LabPaths paths, CancellationToken cancellationToken = default) =>
        await RequestAsync(paths, "stop", cancellationToken) is not null;

    /// <summary>Sends one request line; null when no lab daemon answers at that folder.</summary>
    private static async Task<string?> RequestAsync(LabPaths paths, string request, CancellationToken cancellationToken)
    {
        if (!File.Exists(paths.Socket))
        {
            return null;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(paths.Socket), cancellationToken);
            await socket.SendAsync(Encoding.UTF8.GetBytes(request + "\n"), SocketFlags.None, cancellationToken);
            using var stream = new NetworkStream(socket);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return (await reader.ReadToEndAsync(cancellationToken)).TrimEnd('\n');
        }
        catch (SocketException)
        {
            return null;
        }
    }
}

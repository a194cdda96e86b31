using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NetFleet.Lab.Platforms;

namespace NetFleet.Lab.Hosting;

/// <summary>The lab's Unix socket: sessions from the relays, and <c>lab status</c>, <c>lab reset</c>, <c>lab down</c>.</summary>
public sealed partial class LabHost
{
    private void StartListener()
    {
        TryDelete(paths.Socket);
        listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(paths.Socket));
        // A fleet-wide run starts a session per device at once, each relay connecting here; the kernel caps
        // the backlog at net.core.somaxconn.
        listener.Listen(Math.Max(1024, spec.Devices.Count));
        File.SetUnixFileMode(paths.Socket, (UnixFileMode)0b110_110_110);
        acceptLoop = AcceptLoopAsync(listener, stopping.Token);
    }

    private async Task AcceptLoopAsync(Socket server, CancellationToken cancellationToken)
    {
        var sessions = new ConcurrentDictionary<Task, byte>();
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await server.AcceptAsync(cancellationToken);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TooManyOpenSockets && !cancellationToken.IsCancellationRequested)
            {
                // The relay waits in the backlog; sessions ending free descriptors, so keep accepting.
                log.Error("{Reason}", LabLimits.OutOfFiles($"lab socket {paths.Socket}"));
                await Task.Delay(100, CancellationToken.None);
                continue;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }

            var task = HandleConnectionAsync(client, cancellationToken);
            sessions[task] = 0;
            _ = task.ContinueWith(t => sessions.TryRemove(t, out _), TaskScheduler.Default);
        }

        await Task.WhenAll(sessions.Keys);
    }

    private async Task HandleConnectionAsync(Socket client, CancellationToken cancellationToken)
    {
        using var connection = client;
        try
        {
            var (header, rest) = await ReadHeaderAsync(client, cancellationToken);
            var fields = header.Split('\t');
            switch (fields[0])
            {
                case "session" when fields.Length >= 5:
                    await RunSessionAsync(client, fields, rest, cancellationToken);
                    break;
                case "status":
                    await ReplyAsync(client, JsonSerializer.Serialize(Status()), cancellationToken);
                    break;
                case "reset":
                    var names = fields.Length > 1 ? fields[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
                    await ReplyAsync(client, string.Join(',', Reset(names).Concat(await ResetRoutersAsync(names, cancellationToken))), cancellationToken);
                    break;
                case "stop":
                    await ReplyAsync(client, "stopping", cancellationToken);
                    _ = Task.Run(StopAsync, CancellationToken.None);
                    break;
                default:
                    log.Warning("Lab socket: unknown request {Header}", header);
                    break;
            }
        }
        catch (Exception e) when (e is SessionEndedException or OperationCanceledException or SocketException or IOException)
        {
            log.Debug("Lab connection ended: {Reason}", e.Message);
        }
        catch (Exception e)
        {
            log.Error(e, "Lab connection failed");
        }
    }

    private async Task RunSessionAsync(Socket client, string[] fields, byte[] rest, CancellationToken cancellationToken)
    {
        // SSH_CONNECTION is "client-ip client-port server-ip server-port": the server address names the device.
        var connection = fields[1].Split(' ');
        var address = connection.Length == 4 ? connection[2] : "";
        if (!byAddress.TryGetValue(address, out var device))
        {
            await ReplyAsync(client, $"netfleet lab: no device at address '{address}'", cancellationToken);
            return;
        }

        var execCommand = Encoding.UTF8.GetString(Convert.FromBase64String(fields[4]));
        if (execCommand == netconfSubsystem)
        {
            await RunNetconfAsync(client, device, fields[3], rest, cancellationToken);
            return;
        }

        var terminal = new SocketTerminal(client, fields[2] == "tty", device.Faults, rest);
        var session = new DeviceSession(device, states[device.Name], terminal, clock, fields[3])
        {
            ExecCommand = execCommand.Length == 0 ? null : execCommand,
            Commands = commandLogs[device.Name],
        };
        Interlocked.Increment(ref sessionsServed);
        Interlocked.Increment(ref sessionsActive);
        try
        {
            await PlatformOf(device).RunSessionAsync(session, cancellationToken);
            client.Shutdown(SocketShutdown.Both);
        }
        finally
        {
            Interlocked.Decrement(ref sessionsActive);
            log.Debug("Session to {Device} from {Client} ended after {Commands} commands", device.Name, connection[0], terminal.Commands);
        }
    }

    private static async Task<(string Header, byte[] Pending)> ReadHeaderAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var filled = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', 0, filled);
            if (newline >= 0)
            {
                return (Encoding.UTF8.GetString(buffer, 0, newline), buffer[(newline + 1)..filled]);
            }

            if (filled == buffer.Length)
            {
                throw new IOException("lab request header too long");
            }

            var read = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                throw new IOException("lab connection closed before its header");
            }

            filled += read;
        }
    }

    private static async Task ReplyAsync(Socket client, string text, CancellationToken cancellationToken)
    {
        await client.SendAsync(Encoding.UTF8.GetBytes(text + "\n"), SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Both);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next start, which replaces it.
        }
    }
}

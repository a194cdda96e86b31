using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace NetFleet.Lab.Shell;

/// <summary>
/// sshd runs this for every lab session (ForceCommand). It tells the lab daemon which device was
/// reached (from SSH_CONNECTION) and then relays bytes both ways. Everything a device does lives in
/// the daemon; this program stays tiny so that a session costs little CPU (NativeAOT, no JIT).
/// </summary>
internal static partial class Program
{
    // The daemon ends its output with this byte when the device must drop the connection
    // abruptly (fault injection): device text never contains NUL.
    private const byte DropMarker = 0;

    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Native.WriteAll(2, "usage: netfleet-lab-shell DAEMON_SOCKET\n"u8);
            return 2;
        }

        var interactive = Native.isatty(0) == 1;
        var header = string.Join('\t',
            "session",
            Environment.GetEnvironmentVariable("SSH_CONNECTION") ?? "",
            interactive ? "tty" : "notty",
            Environment.GetEnvironmentVariable("USER") ?? "",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("SSH_ORIGINAL_COMMAND") ?? "")));

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(args[0]));
        }
        catch (SocketException e)
        {
            Native.WriteAll(2, Encoding.UTF8.GetBytes($"netfleet lab: the lab daemon is not running ({e.Message})\n"));
            return 1;
        }

        socket.Send(Encoding.UTF8.GetBytes(header + "\n"));

        var savedTerminal = interactive ? Terminal.MakeRaw() : null;
        try
        {
            var pump = new Thread(() => PumpInput(socket)) { IsBackground = true };
            pump.Start();
            var dropped = PumpOutput(socket);
            if (dropped)
            {
                // Kill our sshd session process so the TCP connection dies without an SSH goodbye,
                // as when a device reboots or a link fails.
                Native.kill(Native.getppid(), 9);
            }
        }
        finally
        {
            if (savedTerminal is not null)
            {
                Terminal.Restore(savedTerminal);
            }
        }

        return 0;
    }

    private static void PumpInput(Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = Native.Read(0, buffer)) > 0)
            {
                socket.Send(buffer.AsSpan(0, read));
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // The daemon ended the session first; the output pump exits on its own.
        }
    }

    private static bool PumpOutput(Socket socket)
    {
        var buffer = new byte[16384];
        var dropped = false;
        try
        {
            int read;
            while ((read = socket.Receive(buffer)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                var marker = chunk.IndexOf(DropMarker);
                if (marker >= 0)
                {
                    chunk = chunk[..marker];
                    dropped = true;
                }

                Native.WriteAll(1, chunk);
                if (dropped)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // The client went away; nothing left to relay.
        }

        return dropped;
    }

    /// <summary>
    /// stdin and stdout go through read(2) and write(2): System.Console would take over the
    /// terminal (its own echo handling and keypad escape sequences) and undo the raw mode.
    /// </summary>
    private static unsafe partial class Native
    {
        internal static int Read(int fd, byte[] buffer)
        {
            while (true)
            {
                fixed (byte* p = buffer)
                {
                    var n = (int)read(fd, p, buffer.Length);
                    if (n >= 0 || Marshal.GetLastPInvokeError() != 4)
                    {
                        return n;
                    }
                }
            }
        }

        internal static void WriteAll(int fd, ReadOnlySpan<byte> data)
        {
            fixed (byte* start = data)
            {
                var done = 0;
                while (done < data.Length)
                {
                    var n = (int)write(fd, start + done, data.Length - done);
                    if (n < 0)
                    {
                        if (Marshal.GetLastPInvokeError() == 4)
                        {
                            continue;
                        }

                        return;
                    }

                    done += n;
                }
            }
        }

        [LibraryImport("libc", SetLastError = true)]
        private static partial nint read(int fd, byte* buffer, nint count);

        [LibraryImport("libc", SetLastError = true)]
        private static partial nint write(int fd, byte* buffer, nint count);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int isatty(int fd);

        [LibraryImport("libc")]
        internal static partial int getppid();

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int kill(int pid, int signal);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int tcgetattr(int fd, byte* termios);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int tcsetattr(int fd, int optionalActions, byte* termios);

        [LibraryImport("libc")]
        internal static partial void cfmakeraw(byte* termios);
    }

    /// <summary>Raw mode: the device, not the pty, echoes and edits lines, as a router's CLI does.</summary>
    private static class Terminal
    {
        // struct termios is 60 bytes on linux-x64; a larger buffer keeps us safe on other ABIs.
        private const int TermiosSize = 128;

        internal static unsafe byte[]? MakeRaw()
        {
            var saved = new byte[TermiosSize];
            fixed (byte* p = saved)
            {
                if (Native.tcgetattr(0, p) != 0)
                {
                    return null;
                }
            }

            var raw = (byte[])saved.Clone();
            fixed (byte* p = raw)
            {
                Native.cfmakeraw(p);
                Native.tcsetattr(0, 0, p);
            }

            return saved;
        }

        internal static unsafe void Restore(byte[] saved)
        {
            fixed (byte* p = saved)
            {
                Native.tcsetattr(0, 0, p);
            }
        }
    }
}

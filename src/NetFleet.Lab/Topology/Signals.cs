using System.Runtime.InteropServices;

namespace NetFleet.Lab.Topology;

/// <summary>Stops processes the lab started but does not hold as <see cref="System.Diagnostics.Process"/> (FRR daemonises).</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>SIGTERM first, so FRR withdraws its routes and removes its pid files; SIGKILL whatever is left after <paramref name="grace"/>.</summary>
    public static async Task StopAllAsync(IReadOnlyCollection<int> pids, TimeSpan grace, CancellationToken cancellationToken)
    {
        foreach (var pid in pids)
        {
            _ = Kill(pid, SigTerm);
        }

        var deadline = DateTime.UtcNow + grace;
        while (pids.Any(Alive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken);
        }

        foreach (var pid in pids.Where(Alive))
        {
            _ = Kill(pid, SigKill);
        }

        // A process stuck in the kernel can outlive SIGKILL for a moment; don't wait for it forever.
        deadline = DateTime.UtcNow + grace;
        while (pids.Any(Alive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>A zombie counts as gone: it no longer runs and its parent (not us, FRR daemonised) reaps it.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].First() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

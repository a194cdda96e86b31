using System.Globalization;

namespace NetFleet.Lab.Hosting;

/// <summary>
/// CPU time of a process from /proc/PID/stat: its own, and that of the children it has reaped.
/// sshd's listener reaps each connection's sshd, which reaps the session and the relay, so the
/// listener's reaped-children time is everything sshd spent on finished sessions.
/// </summary>
public readonly record struct ProcessCpu(TimeSpan Own, TimeSpan ReapedChildren)
{
    public TimeSpan Total => Own + ReapedChildren;

    public static ProcessCpu Read(int pid)
    {
        var fields = StatFields(pid);
        // After the name: state is index 0, so utime (field 14) is index 11 … cstime (17) is 14.
        static double Ticks(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        const double TicksPerSecond = 100; // USER_HZ is 100 on Linux.
        var own = (Ticks(fields[11]) + Ticks(fields[12])) / TicksPerSecond;
        var children = (Ticks(fields[13]) + Ticks(fields[14])) / TicksPerSecond;
        return new ProcessCpu(TimeSpan.FromSeconds(own), TimeSpan.FromSeconds(children));
    }

    /// <summary>
    /// Processes and every live descendant: each one's own time and what it reaped. Finished processes are in their
    /// reaper's share and live ones in their own, so this is what the tree has spent even while sessions are still open
    /// (a lab's sshd listener with the sessions a client keeps).
    /// </summary>
    /// <remarks>All roots are read from one listing of /proc: a 5,000-device lab has 313 sshd listeners.</remarks>
    public static ProcessCpu ReadTrees(IEnumerable<int> roots)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                // After the name, index 1 is the parent's pid.
                var parent = int.Parse(StatFields(pid)[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
                list.Add(pid);
            }
            catch (IOException)
            {
                // Gone since the listing: its time is in its parent's reaped share.
            }
        }

        var total = default(ProcessCpu);
        var pending = new Stack<int>(roots);
        while (pending.TryPop(out var pid))
        {
            try
            {
                total += Read(pid);
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var child in children.GetValueOrDefault(pid) ?? []) pending.Push(child);
        }

        return total;
    }

    // The command name (field 2) is in parentheses and may hold spaces: the fields are counted from the last ')'.
    private static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    public static ProcessCpu operator -(ProcessCpu a, ProcessCpu b) =>
        new(a.Own - b.Own, a.ReapedChildren - b.ReapedChildren);

    public static ProcessCpu operator +(ProcessCpu a, ProcessCpu b) =>
        new(a.Own + b.Own, a.ReapedChildren + b.ReapedChildren);
}

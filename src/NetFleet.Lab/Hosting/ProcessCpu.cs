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
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the name: state is index 0, so utime (field 14) is index 11 … cstime (17) is 14.
        static double Ticks(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        const double TicksPerSecond = 100; // USER_HZ is 100 on Linux.
        var own = (Ticks(fields[11]) + Ticks(fields[12])) / TicksPerSecond;
        var children = (Ticks(fields[13]) + Ticks(fields[14])) / TicksPerSecond;
        return new ProcessCpu(TimeSpan.FromSeconds(own), TimeSpan.FromSeconds(children));
    }

    public static ProcessCpu operator -(ProcessCpu a, ProcessCpu b) =>
        new(a.Own - b.Own, a.ReapedChildren - b.ReapedChildren);

    public static ProcessCpu operator +(ProcessCpu a, ProcessCpu b) =>
        new(a.Own + b.Own, a.ReapedChildren + b.ReapedChildren);
}

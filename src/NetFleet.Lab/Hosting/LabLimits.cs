using System.Globalization;
using System.Runtime.InteropServices;
using NetFleet.Lab.Devices;

namespace NetFleet.Lab.Hosting;

/// <summary>
/// What a lab of a given size asks of the operating system when every device has one SSH session open at once
/// (a client with unlimited forks): measured on Debian 12, a session is one root sshd, one sshd of the login account
/// and the relay (4 threads), and one socket in the daemon; every device also holds one SNMP socket in the daemon.
/// </summary>
public sealed record LabDemand(int Devices, int SshdInstances)
{
    /// <summary>Tasks (processes and threads, which share pid_max and threads-max) one open session costs.</summary>
    public const int TasksPerSession = 6;

    /// <summary>Of <see cref="TasksPerSession"/>, those running as the login account (its RLIMIT_NPROC counts them).</summary>
    public const int LoginTasksPerSession = 5;

    /// <summary>The daemon's own files, threads and sockets besides those per device.</summary>
    private const int DaemonBase = 256;

    public static LabDemand Of(LabSpec spec) =>
        new(spec.Devices.Count, (spec.Devices.Count + SshdConfig.DevicesPerInstance - 1) / SshdConfig.DevicesPerInstance);

    /// <summary>Files the daemon holds open: an SNMP socket and a session socket per device, a pipe pair per sshd.</summary>
    public long DaemonOpenFiles => (2L * Devices) + (2L * SshdInstances) + DaemonBase;

    public long Tasks => ((long)TasksPerSession * Devices) + SshdInstances + DaemonBase;

    public long LoginTasks => (long)LoginTasksPerSession * Devices;
}

/// <summary>
/// The limits a large lab runs into, read from the kernel, and the check <c>lab up</c> makes against them so that it
/// fails up front naming the limit instead of half way with EMFILE or EAGAIN.
/// </summary>
/// <param name="OpenFiles">RLIMIT_NOFILE of the daemon (sshd and the relays inherit it).</param>
/// <param name="LoginProcesses">RLIMIT_NPROC the daemon hands down to the login account's sessions.</param>
public sealed partial record LabLimits(ResourceLimit OpenFiles, ResourceLimit LoginProcesses, long PidMax, long ThreadsMax)
{
    private const int RlimitNproc = 6;
    private const int RlimitNofile = 7;

    /// <summary>The limits of this process and this kernel.</summary>
    public static LabLimits Current() => new(
        GetLimit(RlimitNofile), GetLimit(RlimitNproc),
        ReadKernelNumber("/proc/sys/kernel/pid_max"), ReadKernelNumber("/proc/sys/kernel/threads-max"));

    /// <summary>
    /// Raises the soft RLIMIT_NOFILE and RLIMIT_NPROC to the hard ones where the lab needs more than the soft one
    /// allows (the .NET runtime raises RLIMIT_NOFILE at start, other hosts of this library may not), then returns
    /// one message per limit still below what the lab needs: which limit, its value, the need and how to raise it.
    /// </summary>
    public static IReadOnlyList<string> Prepare(LabDemand demand)
    {
        RaiseSoftLimit(RlimitNofile, demand.DaemonOpenFiles);
        RaiseSoftLimit(RlimitNproc, demand.LoginTasks);
        return Current().Shortfalls(demand);
    }

    /// <summary>One message per limit below what <paramref name="demand"/> needs; empty when the lab fits.</summary>
    public IReadOnlyList<string> Shortfalls(LabDemand demand)
    {
        var sessions = $"{demand.Devices} devices with a session each at once";
        var problems = new List<string>();
        if (OpenFiles.Soft < demand.DaemonOpenFiles)
        {
            problems.Add($"RLIMIT_NOFILE (open files) is {Show(OpenFiles.Soft)} (hard {Show(OpenFiles.Hard)}) but {sessions} need about "
                + $"{demand.DaemonOpenFiles} in the lab daemon (an SNMP and a session socket per device); raise the hard limit "
                + $"as root (`ulimit -Hn {demand.DaemonOpenFiles}`, LimitNOFILE= in a systemd unit, nofile in /etc/security/limits.conf)");
        }

        if (LoginProcesses.Soft < demand.LoginTasks)
        {
            problems.Add($"RLIMIT_NPROC (processes per user) is {Show(LoginProcesses.Soft)} (hard {Show(LoginProcesses.Hard)}) but {sessions} need "
                + $"about {demand.LoginTasks} tasks of the account {LabDefaults.Username} ({LabDemand.LoginTasksPerSession} per session); "
                + $"raise it as root (`ulimit -Hu {demand.LoginTasks}`, nproc in /etc/security/limits.conf)");
        }

        if (PidMax < demand.Tasks)
        {
            problems.Add($"/proc/sys/kernel/pid_max is {PidMax} but {sessions} need about {demand.Tasks} processes and threads "
                + $"({LabDemand.TasksPerSession} per session, one sshd per {SshdConfig.DevicesPerInstance} devices); "
                + $"raise it as root: `sysctl -w kernel.pid_max={Math.Max(demand.Tasks * 2, 4_194_304)}`");
        }

        if (ThreadsMax < demand.Tasks)
        {
            problems.Add($"/proc/sys/kernel/threads-max is {ThreadsMax} but {sessions} need about {demand.Tasks} processes and threads "
                + $"({LabDemand.TasksPerSession} per session); raise it as root: `sysctl -w kernel.threads-max={demand.Tasks * 2}`");
        }

        return problems;
    }

    /// <summary>What an EMFILE met while the lab runs means, for the log or the error <c>lab up</c> shows.</summary>
    public static string OutOfFiles(string where) =>
        $"{where}: out of file descriptors (EMFILE), RLIMIT_NOFILE is {Show(GetLimit(RlimitNofile).Soft)}; raise the hard limit as root "
        + "(`ulimit -Hn N` before `netfleet lab up`, LimitNOFILE= in a systemd unit) or serve fewer devices";

    /// <summary>What an EAGAIN from fork means: a process limit, whichever of them was reached.</summary>
    public static string OutOfProcesses(string where)
    {
        var limits = Current();
        return $"{where}: no process could be created (EAGAIN): RLIMIT_NPROC is {Show(limits.LoginProcesses.Soft)}, "
            + $"kernel.pid_max {limits.PidMax}, kernel.threads-max {limits.ThreadsMax}; raise the one reached "
            + "(`ulimit -Hu N`, `sysctl -w kernel.pid_max=N`) or serve fewer devices";
    }

    private static void RaiseSoftLimit(int resource, long needed)
    {
        var limit = GetLimit(resource);
        if (limit.Soft < needed && limit.Soft < limit.Hard)
        {
            var raised = new RawLimit { Current = (ulong)limit.Hard, Maximum = (ulong)limit.Hard };
            _ = SetRlimit(resource, ref raised);
        }
    }

    private static ResourceLimit GetLimit(int resource) =>
        GetRlimit(resource, out var raw) == 0 ? new ResourceLimit(Clamp(raw.Current), Clamp(raw.Maximum)) : new ResourceLimit(long.MaxValue, long.MaxValue);

    private static string Show(long limit) => limit == long.MaxValue ? "unlimited" : limit.ToString(CultureInfo.InvariantCulture);

    // RLIM_INFINITY is all ones.
    private static long Clamp(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    private static long ReadKernelNumber(string path) =>
        File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : long.MaxValue;

    [StructLayout(LayoutKind.Sequential)]
    private struct RawLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, out RawLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, ref RawLimit limit);
}

/// <summary>A soft and a hard resource limit (<c>getrlimit</c>); long.MaxValue stands for unlimited.</summary>
public sealed record ResourceLimit(long Soft, long Hard);

using NetFleet.Lab.Hosting;

namespace NetFleet.Lab.Topology;

/// <summary>
/// Where one running router lives: its network namespace and its folder for FRR's config, pid,
/// log and vty socket files. The folder sits in the lab's runtime folder, which the lab's login
/// account can reach (its sshd sessions run vtysh on these sockets) and which is short enough for
/// Unix socket paths.
/// </summary>
public sealed record RouterRuntime(string Name, string Namespace, string Folder)
{
    public const string FrrDaemons = "/usr/lib/frr";
    public const string VtyshProgram = "/usr/bin/vtysh";

    public string PidFile(string daemon) => Path.Combine(Folder, daemon + ".pid");
    public string LogFile(string daemon) => Path.Combine(Folder, daemon + ".log");
    public string ZservSocket => Path.Combine(Folder, "zserv.api");

    /// <summary>The topology's configuration for this router; <c>ResetAsync</c> goes back to it.</summary>
    public string StartingConfig => Path.Combine(Folder, "starting.conf");

    /// <summary>What vtysh's <c>write memory</c> writes (integrated configuration).</summary>
    public string Config => Path.Combine(Folder, "frr.conf");

    public string VtyshConfig => Path.Combine(Folder, "vtysh.conf");

    /// <summary>vtysh's arguments that point it at this router and not at the system's FRR.</summary>
    public IReadOnlyList<string> VtyshArguments => ["--vty_socket", Folder, "--config_dir", Folder];

    public static string RoutersFolder(LabPaths paths) => Path.Combine(paths.Runtime, "routers");

    /// <summary>
    /// "nf" and six hex digits of the lab's folder: every namespace a lab makes starts with it, so a
    /// stray one is recognisable and the next <c>lab up</c> of the same folder sweeps exactly its own.
    /// </summary>
    public static string NamespacePrefix(LabPaths paths) => "nf" + Path.GetFileName(paths.Runtime)[..6] + "-";

    public static RouterRuntime For(LabPaths paths, string router) =>
        new(router, NamespacePrefix(paths) + router, Path.Combine(RoutersFolder(paths), router));
}

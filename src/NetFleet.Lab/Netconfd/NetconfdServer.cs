using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Topology;

namespace NetFleet.Lab.Netconfd;

/// <summary>
/// One Debian <c>netconfd</c> (yuma123 2.13): a NETCONF server nobody here wrote, for the lab and for tests. It serves
/// <c>ietf-interfaces</c>, <c>iana-if-type</c> and <c>ietf-ip</c> as plain configuration data, starting empty
/// (<c>--no-startup</c>), with a candidate datastore and confirmed commits or, with <see cref="NetconfdTarget.Running"/>,
/// edits of running only. sshd reaches it through <c>netconf-subsystem</c>
/// (<see cref="SshdLines"/>); the lab account logs in and is netconfd's superuser. Stop it with <see cref="StopAsync"/>.
/// </summary>
public sealed class NetconfdServer : IAsyncDisposable
{
    public const string ServerProgram = "/usr/sbin/netconfd";
    public const string SubsystemProgram = "/usr/sbin/netconf-subsystem";
    public const string ModulesFolder = "/usr/share/yuma/modules/ietf";

    /// <summary>Loaded by path: <c>--module=ietf-interfaces</c> by name loads the package's SIL library too, whose timer runs
    /// a script Debian does not ship (<c>get-interface-ipv4</c>) and aborts netconfd within seconds.</summary>
    public static readonly IReadOnlyList<string> Modules =
        ["ietf-interfaces@2014-05-08.yang", "iana-if-type@2014-05-08.yang", "ietf-ip@2014-06-16.yang"];

    private Process? process;

    /// <param name="folder">Its own folder: log, and the HOME it writes <c>.yuma/startup-cfg.xml</c> to on every commit.</param>
    /// <param name="sshdPort">The port of the sshd serving it: netconf-subsystem reports the port the client connected to,
    /// and netconfd refuses a session whose port is not one of its <c>--port</c>s ("agt_connect error (access denied)").</param>
    /// <param name="target">netconfd's <c>--target</c>: the datastore edit-config writes to.</param>
    public NetconfdServer(string folder, int sshdPort, NetconfdTarget target = NetconfdTarget.Candidate)
    {
        Folder = Path.GetFullPath(folder);
        SshdPort = sshdPort;
        Target = target;
        // The login account runs netconf-subsystem, which connects to the socket: it lives in the lab's reachable runtime
        // folder, short enough for a Unix socket path (108 bytes).
        RuntimeFolder = Path.Combine(LabPaths.RuntimeBase, "netconfd-" + Convert.ToHexStringLower(
            SHA256.HashData(Encoding.UTF8.GetBytes(Folder)))[..12]);
    }

    public string Folder { get; }
    public int SshdPort { get; }
    public NetconfdTarget Target { get; }
    public string RuntimeFolder { get; }
    public string Socket => Path.Combine(RuntimeFolder, "ncxserver.sock");
    public string LogFile => Path.Combine(Folder, "netconfd.log");
    public string Home => Path.Combine(Folder, "home");

    /// <summary>The account sessions log in as; netconfd lets it do everything (NACM does not apply to it).</summary>
    public static string Superuser => LabDefaults.Username;

    public int? ProcessId => process is { HasExited: false } ? process.Id : null;

    /// <summary>The sshd_config line that serves this server as the <c>netconf</c> subsystem on <see cref="SshdPort"/>.</summary>
    public string SshdLines() =>
        $"Subsystem netconf \"{SubsystemProgram} --ncxserver-sockname={SshdPort.ToString(CultureInfo.InvariantCulture)}@{Socket}\"\n";

    /// <summary>Starts netconfd (making the lab account first) and returns once its socket accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (process is not null) throw new LabException($"netconfd for {Folder} was started already");
        foreach (var file in new[] { ServerProgram, SubsystemProgram }.Concat(Modules.Select(m => Path.Combine(ModulesFolder, m))))
        {
            if (!File.Exists(file))
            {
                throw new LabException($"{file} is missing: apt-get install -y netconfd netconfd-module-ietf-interfaces netconfd-module-ietf-system");
            }
        }

        await LabAccount.EnsureAsync(cancellationToken);
        Directory.CreateDirectory(Home);
        PrepareRuntimeFolder();
        File.Delete(LogFile);

        var start = new ProcessStartInfo(ServerProgram)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
        };
        foreach (var argument in Arguments())
        {
            start.ArgumentList.Add(argument);
        }

        // A shared ~/.yuma would mix every netconfd's saved configuration (it writes one on each commit).
        start.Environment["HOME"] = Home;
        process = Process.Start(start) ?? throw new LabException($"could not start {ServerProgram}");
        // Its console repeats the log file; drained so a full pipe never stops it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitUntilListeningAsync(cancellationToken);
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    private IEnumerable<string> Arguments()
    {
        yield return "--no-startup";
        yield return Target == NetconfdTarget.Running ? "--target=running" : "--target=candidate";
        yield return "--superuser=" + Superuser;
        yield return "--port=" + SshdPort.ToString(CultureInfo.InvariantCulture);
        yield return "--ncxserver-sockname=" + Socket;
        yield return "--log=" + LogFile;
        yield return "--log-level=info";
        foreach (var module in Modules)
        {
            yield return "--module=" + Path.Combine(ModulesFolder, module);
        }
    }

    private void PrepareRuntimeFolder()
    {
        const UnixFileMode Reachable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(LabPaths.RuntimeBase);
        File.SetUnixFileMode(LabPaths.RuntimeBase, Reachable);
        Directory.CreateDirectory(RuntimeFolder);
        File.SetUnixFileMode(RuntimeFolder, Reachable);
        // A socket left by a netconfd that was killed makes the next one fail to bind.
        File.Delete(Socket);
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process!.HasExited)
            {
                throw new LabException($"netconfd exited with code {process.ExitCode} while starting; its log {LogFile}: {LogTail()}");
            }

            if (File.Exists(Socket))
            {
                using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await probe.ConnectAsync(new UnixDomainSocketEndPoint(Socket), cancellationToken);
                    return;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    // Bound but not listening yet.
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new LabException($"netconfd did not listen on {Socket} within 20 s; its log {LogFile}: {LogTail()}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/> (5 s by default); safe to call twice.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (process is null) return;
        if (!process.HasExited)
        {
            await Signals.StopAllAsync([process.Id], grace ?? TimeSpan.FromSeconds(5), CancellationToken.None);
            using var reaped = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(reaped.Token);
            }
            catch (OperationCanceledException)
            {
                // Killed but stuck in the kernel; nothing more to do from here.
            }
        }

        process.Dispose();
        process = null;
        if (Directory.Exists(RuntimeFolder)) Directory.Delete(RuntimeFolder, recursive: true);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private string LogTail()
    {
        if (!File.Exists(LogFile)) return "(no log written)";
        var lines = File.ReadAllLines(LogFile);
        return string.Join(" | ", lines.Where(l => l.Trim().Length > 0).TakeLast(8));
    }
}

/// <summary>The datastore netconfd's edit-config writes to.</summary>
public enum NetconfdTarget
{
    /// <summary><c>:candidate</c>, <c>:confirmed-commit</c> 1.0 and 1.1, <c>:validate</c>; running changes by commit.</summary>
    Candidate,

    /// <summary><c>:writable-running</c> and no candidate: every edit changes running at once.</summary>
    Running,
}

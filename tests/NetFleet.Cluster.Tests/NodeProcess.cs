using System.Diagnostics;
using System.Text;
using NetFleet.Actors.Wire;
using NetFleet.Testing;

namespace NetFleet.Cluster.Tests;

/// <summary>A real <c>netfleet</c> process (a cluster node or a client), its stderr kept for assertions and failure
/// messages; killed with SIGKILL on dispose if still running.</summary>
internal sealed class NetfleetProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder stderr = new();
    private readonly StringBuilder stdout = new();
    private readonly TaskCompletionSource up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NetfleetProcess(string name, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        Name = name;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment[WireFormat.ClusterKeyVariable] = ClusterKey;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netfleet.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.StartsWith("node ", StringComparison.Ordinal) && e.Data.Contains(" up: ", StringComparison.Ordinal)) up.TrySetResult();
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stdout) stdout.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    /// <summary>The nodes of a test run share one cluster key, as the nodes of a deployment must (their device requests
    /// carry the lab's password across, sealed under it).</summary>
    public static readonly string ClusterKey = SecretSeal.NewKey();

    public string Name { get; }
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    public string Stderr
    {
        get { lock (stderr) return stderr.ToString(); }
    }

    public string Stdout
    {
        get { lock (stdout) return stdout.ToString(); }
    }

    public static NetfleetProcess Start(string name, params string[] args) => new(name, args);

    public static NetfleetProcess Start(string name, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        new(name, args, environment);

    /// <summary>Waits for the node's "up" line (it is a member of the cluster).</summary>
    public async Task WaitUpAsync()
    {
        var done = await Task.WhenAny(up.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(up.Task.IsCompleted, $"{Name} did not come up:\n{Stderr}");
        await done;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Name} did not finish in {timeout}:\n{Stderr}");
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>SIGTERM, as <c>docker stop</c> and Kubernetes send: the node should leave the cluster and exit.</summary>
    public void Terminate()
    {
        if (!process.HasExited) _ = Kill(process.Id, SigTerm);
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>SIGKILL: no goodbye to the cluster, as when a machine dies.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    /// <summary>An operator token for the API, made with <c>netfleet token add</c> in the store the nodes share.</summary>
    public static async Task<string> AddOperatorTokenAsync(string store)
    {
        await using var add = Start("token add", "token", "add", "tests-" + Guid.NewGuid().ToString("N")[..8], "--role", "operator", "--store", store);
        Assert.Equal(0, await add.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        return add.Stdout.Trim();
    }
}

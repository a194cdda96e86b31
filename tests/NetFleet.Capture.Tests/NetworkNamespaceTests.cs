using System.Net.NetworkInformation;

namespace NetFleet.Capture.Tests;

/// <summary>Code run inside a network namespace, and the process's own threads left where they were (as root).</summary>
public sealed class NetworkNamespaceTests : IAsyncLifetime
{
    private NamespacePair _pair = null!;

    public async Task InitializeAsync() => _pair = await NamespacePair.CreateAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    private static string? NamespaceOf(string path) => new FileInfo(path).LinkTarget;

    [Fact]
    public async Task The_function_runs_inside_the_namespace_and_sees_its_interfaces()
    {
        var (inside, names) = await NetworkNamespace.RunAsync(_pair.A,
            () => (NamespaceOf("/proc/thread-self/ns/net"), NetworkInterface.GetAllNetworkInterfaces().Select(i => i.Name).Order().ToList()));

        Assert.NotEqual(NamespaceOf("/proc/self/ns/net"), inside);
        Assert.Equal(["lo", NamespacePair.Link], names);
    }

    [Fact]
    public async Task What_the_function_throws_reaches_the_caller()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => NetworkNamespace.RunAsync<int>(_pair.A, () => throw new InvalidOperationException("boom")));

        Assert.Equal("boom", e.Message);
    }

    [Fact]
    public async Task The_result_is_reported_from_the_callers_own_namespace_never_from_inside()
    {
        // Reporting may start thread-pool workers, and a thread is born in its creator's namespace. The continuation is
        // queued through a context that notes the namespace of the thread queuing it: the thread that ran the function.
        var context = new RecordingContext();
        using var registered = new ManualResetEventSlim();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        Task continued;
        try
        {
            var scheduler = TaskScheduler.FromCurrentSynchronizationContext();
            continued = NetworkNamespace.RunAsync(_pair.A, () => registered.Wait(TimeSpan.FromSeconds(10))).ContinueWith(_ => { }, scheduler);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        registered.Set();
        await continued;

        Assert.Equal(NamespaceOf("/proc/self/ns/net"), context.PostedFrom);
    }

    [Fact]
    public async Task No_thread_of_the_process_is_left_in_a_namespace_after_calls_and_captures_there()
    {
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => NetworkNamespace.RunAsync(_pair.A, () => 0)));
        await using (var capture = await CaptureSession.StartAsync(new CaptureOptions { Namespace = _pair.A, Interface = NamespacePair.Link }))
        {
            await capture.StopAsync();
        }

        var home = NamespaceOf("/proc/self/ns/net");
        var elsewhere = Directory.EnumerateDirectories("/proc/self/task")
            .Select(task => TryNamespaceOf(Path.Combine(task, "ns", "net")))
            .Where(ns => ns is not null && ns != home)
            .ToList();
        Assert.Empty(elsewhere);
        await using var own = await CaptureSession.StartAsync(new CaptureOptions { Interface = "lo", Filter = "udp port 9" });
        Assert.Null((await own.StopAsync()).Error);
    }

    [Fact]
    public async Task A_leftover_file_that_is_no_namespace_is_reported_as_missing()
    {
        var stray = Path.Combine(NetworkNamespace.Directory, $"nfct{Environment.ProcessId}stray");
        await File.WriteAllTextAsync(stray, "");
        try
        {
            var e = await Assert.ThrowsAsync<NetworkNamespaceException>(() => NetworkNamespace.RunAsync(Path.GetFileName(stray), () => 0));

            Assert.Equal(NetworkNamespaceErrorKind.Missing, e.Kind);
            Assert.StartsWith($"network namespace '{Path.GetFileName(stray)}' is not a network namespace", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(stray);
        }
    }

    /// <summary>A thread may end between listing and reading.</summary>
    private static string? TryNamespaceOf(string path)
    {
        try
        {
            return NamespaceOf(path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private sealed class RecordingContext : SynchronizationContext
    {
        public string? PostedFrom { get; private set; }

        public override void Post(SendOrPostCallback d, object? state)
        {
            PostedFrom ??= NamespaceOf("/proc/thread-self/ns/net");
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }
    }
}

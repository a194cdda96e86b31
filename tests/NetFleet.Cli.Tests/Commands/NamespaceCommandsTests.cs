using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetFleet.Capture;

namespace NetFleet.Cli.Tests.Commands;

/// <summary><c>netfleet probe --netns</c> and <c>netfleet pcap capture -i NETNS/INTERFACE</c> against a namespace the
/// test makes (an nf… name with only loopback, up; deleted afterwards). Needs root.</summary>
public sealed class NamespaceCommandsTests : IAsyncLifetime
{
    private readonly string ns = string.Create(CultureInfo.InvariantCulture, $"nfcl{Environment.ProcessId}");

    public Task InitializeAsync() => IpAsync("netns", "add", ns).ContinueWith(_ => IpAsync("-n", ns, "link", "set", "lo", "up")).Unwrap();

    public Task DisposeAsync() => IpAsync("netns", "delete", ns);

    [Fact]
    public async Task A_tcp_probe_with_netns_reaches_a_listener_only_that_namespace_has()
    {
        using var listener = await NetworkNamespace.RunAsync(ns, () =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen();
            return socket;
        });
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);

        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("probe", "tcp", $"127.0.0.1:{port}", "--netns", ns, "-c", "3", "--interval", "50ms");

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("3 sent, 3 ok, 0% loss", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_that_does_not_exist_is_named_with_the_ones_that_do()
    {
        var probe = await NetfleetProcess.RunAsync("probe", "icmp", "127.0.0.1", "--netns", "nf-no-such-router", "-c", "1");
        var capture = await NetfleetProcess.RunAsync("pcap", "capture", "-i", "nf-no-such-router/lo", "-d", "1s");

        Assert.Equal(2, probe.ExitCode);
        Assert.Contains($"network namespace 'nf-no-such-router' does not exist (/run/netns has ", probe.Stdout + probe.Stderr, StringComparison.Ordinal);
        Assert.Contains(ns, probe.Stdout + probe.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, capture.ExitCode);
        Assert.Contains("network namespace 'nf-no-such-router' does not exist", capture.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_capture_inside_the_namespace_counts_what_crosses_its_loopback()
    {
        var run = NetfleetProcess.RunAsync("pcap", "capture", "-i", $"{ns}/lo", "-f", "icmp", "-c", "4", "-d", "60s");
        // Pings inside the namespace until the capture has its four packets (two echoes, each seen twice on lo) and ends.
        var pings = 0;
        while (!run.IsCompleted && pings++ < 100)
        {
            await Capture.Probes.Prober.RunAsync(new Capture.Probes.ProbeRequest
            {
                Kind = Capture.Probes.ProbeKind.Icmp, Host = "127.0.0.1", Count = 1, Namespace = ns,
            });
            await Task.WhenAny(run, Task.Delay(200));
        }

        var (code, stdout, stderr) = await run;

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains($"Capturing on {ns}/lo", stdout, StringComparison.Ordinal);
        Assert.Contains("Stopped (packet count reached)", stdout, StringComparison.Ordinal);
    }

    private static async Task IpAsync(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
    }
}

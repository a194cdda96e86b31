using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NetFleet.Capture.Tests;

/// <summary>
/// Two network namespaces joined by a veth pair, as two lab routers and their link: <see cref="A"/> holds
/// <see cref="AddressA"/> and <see cref="B"/> holds <see cref="AddressB"/> (198.18.0.0/15, never routed out), both on
/// an interface named <see cref="Link"/> in their own namespace, loopback up in each. Names start with nf and carry
/// this process's id; namespaces a crashed run left behind are removed on the next start. Needs root.
/// </summary>
internal sealed partial class NamespacePair : IAsyncDisposable
{
    public const string Link = "nfv0";
    public const string AddressA = "198.18.201.1";
    public const string AddressB = "198.18.201.2";

    private const string Prefix = "nfct";
    private static int _made;

    private NamespacePair(string a, string b)
    {
        A = a;
        B = b;
    }

    public string A { get; }

    public string B { get; }

    public static async Task<NamespacePair> CreateAsync()
    {
        await RemoveLeftoversAsync();
        var n = Interlocked.Increment(ref _made);
        var pair = new NamespacePair(
            string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}a{n}"),
            string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}b{n}"));
        try
        {
            await IpAsync("netns", "add", pair.A);
            await IpAsync("netns", "add", pair.B);
            await IpAsync("link", "add", Link, "netns", pair.A, "type", "veth", "peer", "name", Link, "netns", pair.B);
            foreach (var (ns, address) in new[] { (pair.A, AddressA), (pair.B, AddressB) })
            {
                await IpAsync("-n", ns, "address", "add", address + "/30", "dev", Link);
                await IpAsync("-n", ns, "link", "set", Link, "up");
                await IpAsync("-n", ns, "link", "set", "lo", "up");
            }
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }

        return pair;
    }

    /// <summary>Drops every packet namespace <paramref name="ns"/> sends to <paramref name="address"/> (a blackhole
    /// route), as a broken route change on a router would.</summary>
    public static Task BlackholeAsync(string ns, string address) => IpAsync("-n", ns, "route", "add", "blackhole", address + "/32");

    public static async Task<string> IpAsync(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
    }

    /// <summary>Deleting a namespace also deletes the veth end inside it, and with it the peer.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var ns in new[] { A, B }.Where(ns => File.Exists(Path.Combine(NetworkNamespace.Directory, ns))))
        {
            await IpAsync("netns", "delete", ns);
        }
    }

    private static async Task RemoveLeftoversAsync()
    {
        foreach (var ns in NetworkNamespace.List())
        {
            if (Leftover().Match(ns) is { Success: true } match && !Directory.Exists($"/proc/{match.Groups[1].Value}"))
            {
                await IpAsync("netns", "delete", ns);
            }
        }
    }

    [GeneratedRegex("^" + Prefix + "([0-9]+)[ab][0-9]+$")]
    private static partial Regex Leftover();
}

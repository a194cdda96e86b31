using System.Diagnostics;
using System.Globalization;

namespace NetFleet.Actors.Tests;

/// <summary>
/// A network namespace of its own (root only) with nothing but loopback, up: where a lab router would be. Its name
/// starts with nf and carries this process's id; it is deleted on dispose.
/// </summary>
internal sealed class ScratchNamespace : IAsyncDisposable
{
    private static int _made;

    private ScratchNamespace(string name) => Name = name;

    public string Name { get; }

    public static async Task<ScratchNamespace> CreateAsync()
    {
        var ns = new ScratchNamespace(string.Create(CultureInfo.InvariantCulture, $"nfat{Environment.ProcessId}n{Interlocked.Increment(ref _made)}"));
        await IpAsync("netns", "add", ns.Name);
        try
        {
            await IpAsync("-n", ns.Name, "link", "set", "lo", "up");
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }

        return ns;
    }

    public async ValueTask DisposeAsync() => await IpAsync("netns", "delete", Name);

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

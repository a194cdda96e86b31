using System.Diagnostics;

namespace NetFleet.Capture.Tests;

/// <summary>Debian's tcpdump as the reference: a capture beside ours, and a reader of pcap files.</summary>
internal sealed class Tcpdump : IAsyncDisposable
{
    private readonly Process _process;

    private Tcpdump(Process process, string file)
    {
        _process = process;
        File = file;
    }

    public static TimeSpan BufferTimeout { get; } = TimeSpan.FromSeconds(1);

    public string File { get; }

    /// <summary>
    /// Starts <c>tcpdump -i lo -U -w FILE FILTER</c> and returns once it is listening. Not in
    /// immediate mode: with it, libpcap 1.10.3 lost packets on lo without counting drops. Without it,
    /// tcpdump reads packets in blocks at least every <see cref="BufferTimeout"/>.
    /// </summary>
    public static async Task<Tcpdump> StartAsync(string file, string filter)
    {
        var start = new ProcessStartInfo("tcpdump") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-i", "lo", "-n", "-U", "-w", file, filter })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains("listening on", StringComparison.Ordinal))
            {
                _ = process.StandardError.ReadToEndAsync();
                return new Tcpdump(process, file);
            }
        }

        throw new InvalidOperationException($"tcpdump did not start (exit {process.ExitCode})");
    }

    /// <summary>
    /// Waits out tcpdump's buffer timeout (so it has read every block), interrupts it (it flushes and
    /// closes its file) and waits for it.
    /// </summary>
    public async Task StopAsync()
    {
        await Task.Delay(BufferTimeout + TimeSpan.FromMilliseconds(500));
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary><c>tcpdump -r FILE | wc -l</c>: the packets tcpdump reads back from a file.</summary>
    public static async Task<int> CountAsync(string file)
    {
        var (exit, stdout, stderr) = await ReadAsync(file);
        return exit == 0 ? stdout.Count : throw new InvalidOperationException($"tcpdump -r {file} failed: {stderr}");
    }

    public static async Task<(int Exit, List<string> Lines, string Error)> ReadAsync(string file)
    {
        var start = new ProcessStartInfo("tcpdump") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-n", "-r", file })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, lines, await error);
    }
}

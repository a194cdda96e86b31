using System.Diagnostics;

namespace NetFleet.Testing;

/// <summary>The real <c>netfleet</c> program, run as a separate process as a user would (its netfleet.dll sits in the
/// output folder of every test project that references the CLI).</summary>
public static class NetfleetCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary><c>dotnet netfleet.dll ARGS</c> with its output captured, in <paramref name="workingDirectory"/> if given.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netfleet.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(StartInfo(args), DefaultTimeout);

    /// <summary>Runs it to the end; past <paramref name="timeout"/> it is killed (with anything it started) and the
    /// wait throws.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}

using System.Diagnostics;

namespace NetFleet.Cli;

/// <summary>Starts this same program again (the apphost, or <c>dotnet netfleet.dll</c>).</summary>
internal static class SelfProcess
{
    public static (string Program, IReadOnlyList<string> Prefix) Invocation()
    {
        var process = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, [typeof(SelfProcess).Assembly.Location])
            : (process, []);
    }

    public static async Task<int> RunAsync(params string[] args)
    {
        var (program, prefix) = Invocation();
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var arg in prefix.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        await child.WaitForExitAsync();
        return child.ExitCode;
    }
}

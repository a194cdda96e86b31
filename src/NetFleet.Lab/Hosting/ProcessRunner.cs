using System.Diagnostics;

namespace NetFleet.Lab.Hosting;

/// <summary>Runs the short setup commands the lab needs (ssh-keygen, useradd, chpasswd).</summary>
internal static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args,
        string? stdin = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    public static async Task RunCheckedAsync(string file, IEnumerable<string> args, string? stdin = null,
        CancellationToken cancellationToken = default)
    {
        var list = args.ToList();
        var (code, output) = await RunAsync(file, list, stdin, cancellationToken);
        if (code != 0)
        {
            throw new LabException($"`{file} {string.Join(' ', list)}` failed with exit code {code}: {output}");
        }
    }

    /// <summary>Finds a program the way a shell would, plus the sbin folders that a non-login
    /// root shell may lack on its PATH.</summary>
    public static string? Which(string program)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
        return path.Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
    }
}

public sealed class LabException(string message) : Exception(message);

using System.Diagnostics;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;

namespace NetFleet.Testing;

/// <summary>Drives lab devices with the OpenSSH client, the way an engineer would.</summary>
public static class OpenSsh
{
    public static async Task<(int ExitCode, string Output)> RunAsync(LabPaths paths, int port, string address,
        string? remoteCommand = null, string? input = null, bool tty = false, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-i", paths.ClientKey,
            "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes",
            "-o", "UserKnownHostsFile=" + paths.KnownHosts,
            "-o", "StrictHostKeyChecking=yes",
            "-o", "ConnectTimeout=10",
            "-o", "LogLevel=ERROR",
        ];
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        if (tty)
        {
            start.ArgumentList.Add("-tt");
        }

        start.ArgumentList.Add($"{LabDefaults.Username}@{address}");
        if (remoteCommand is not null)
        {
            start.ArgumentList.Add(remoteCommand);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"ssh to {address} did not finish; output so far: {await stdout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

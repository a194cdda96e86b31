using NetFleet.Testing;

namespace NetFleet.Cli.Tests;

/// <summary>Runs the real `netfleet` program as a separate process, as a user would.</summary>
internal static class NetfleetProcess
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => NetfleetCommand.RunAsync(args);
}

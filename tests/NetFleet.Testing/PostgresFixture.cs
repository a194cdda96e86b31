using System.Diagnostics;
using Npgsql;
using Xunit;

namespace NetFleet.Testing;

/// <summary>
/// A real Debian PostgreSQL 15 server for one test class: <c>initdb</c> into a scratch folder as the
/// <c>postgres</c> user, <c>pg_ctl</c> on a free loopback port with its socket in that folder; stopped and
/// removed in <see cref="DisposeAsync"/>. Each test gets a database of its own from <see cref="NewStoreAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private string root = "";
    private int port;
    private int databases;

    public async Task InitializeAsync()
    {
        root = Directory.CreateTempSubdirectory("netfleet-pg-").FullName;
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await RunAsync("chown", "postgres", root);
        port = Loopback.FreePort();
        await RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/initdb", "-D", Path.Combine(root, "data"), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8");
        await RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/pg_ctl", "-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "log"), "-w",
            "-o", $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} -c fsync=off", "start");
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={port};Username=postgres;Database={database}";

    /// <summary>A fresh, empty database; returns its <c>--store</c> setting.</summary>
    public async Task<string> NewStoreAsync()
    {
        var name = $"netfleet_{Interlocked.Increment(ref databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return "postgres:" + ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/pg_ctl", "-D", Path.Combine(root, "data"), "-m", "immediate", "-w", "stop");
        Directory.Delete(root, recursive: true);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stdout}{await stderr}");
        }
    }
}

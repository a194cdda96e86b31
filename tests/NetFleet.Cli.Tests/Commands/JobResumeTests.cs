using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary>
/// The issue's bar for job history: a real <c>netfleet run</c> on 100 devices is killed with SIGKILL
/// mid-way, <c>netfleet jobs resume</c> finishes it, and every device was changed exactly once — on
/// SQLite and on PostgreSQL.
/// </summary>
public sealed partial class JobResumeTests : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const int Devices = 100;
    private readonly PostgresFixture postgres;

    // Slow replies stretch each device's work to about a second, so that the kill lands mid-job.
    private readonly LabFixture lab = new(port => new LabSpec(port, TimeSpan.FromSeconds(1),
        Enumerable.Range(0, Devices).Select(i => new LabDevice($"junos-{i + 1}", LabSpec.AddressOf(i), "juniper_junos",
            new DeviceFaults { SlowReplyMs = 60 })).ToList()));

    public JobResumeTests(PostgresFixture postgres) => this.postgres = postgres;

    public Task InitializeAsync() => lab.InitializeAsync();

    public Task DisposeAsync() => lab.DisposeAsync();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Job_killed_mid_way_resumes_and_changes_every_device_exactly_once(string database)
    {
        var store = database == "sqlite" ? "sqlite:" + Path.Combine(lab.Paths.Root, $"history-{Guid.NewGuid():N}.db") : await postgres.NewStoreAsync();
        var server = $"192.0.2.{(database == "sqlite" ? 41 : 42)}";
        var playbook = Path.Combine(lab.Paths.Root, $"rollout-{database}.yaml");
        await File.WriteAllTextAsync(playbook, $"""
            - name: NTP rollout
              hosts: all
              serial: 10
              confirm_minutes: 60
              tasks:
                - name: Read the version
                  command: show version
                - name: Add the NTP server
                  config:
                    lines:
                      - set system ntp server {server}
            """);
        var commitsBefore = lab.Spec.Devices.ToDictionary(d => d.Name, d => lab.Host.StateOf(d.Name).Read(s => s.Commits.Count));

        // Start the job and kill it once a quarter of the devices have the change.
        var jobId = await RunAndKillMidwayAsync(playbook, store, server);
        var changedAtKill = ChangedDevices(server);
        Assert.InRange(changedAtKill, 1, Devices - 1);

        var resume = await NetfleetProcess.RunAsync("jobs", "resume", jobId, "--store", store, "-o", "json");
        Assert.True(resume.ExitCode == 0, $"resume exit {resume.ExitCode}\n{resume.Stderr}");

        foreach (var device in lab.Spec.Devices)
        {
            // A change is a commit confirmed and the commit that confirms it; only the first changes the configuration.
            var (config, changes) = lab.Host.StateOf(device.Name).Read(s => (s.RunningConfig,
                Enumerable.Range(0, s.Commits.Count - commitsBefore[device.Name]).Count(i => s.Commits[i].Config != s.Commits[i + 1].Config)));
            Assert.Equal(1, Regex.Count(config, $@"server {Regex.Escape(server)};"));
            Assert.True(changes == 1, $"{device.Name}: {changes} configuration changes");
        }

        // The history tells one coherent job: succeeded, resumed once, one result per device and task.
        var list = await NetfleetProcess.RunAsync("jobs", "list", "--store", store, "-o", "json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        using var jobs = JsonDocument.Parse(list.Stdout);
        var job = Assert.Single(jobs.RootElement.EnumerateArray());
        Assert.Equal(jobId, job.GetProperty("job_id").GetString());
        Assert.Equal("succeeded", job.GetProperty("status").GetString());

        var show = await NetfleetProcess.RunAsync("jobs", "show", jobId, "--store", store, "-o", "json");
        Assert.True(show.ExitCode == 0, show.Stderr);
        using var results = JsonDocument.Parse(show.Stdout);
        var rows = results.RootElement.EnumerateArray().ToList();
        Assert.Equal(Devices * 2, rows.Count);
        Assert.Equal(Devices, rows.Where(r => r.GetProperty("task").GetString() == "Add the NTP server").Select(r => r.GetProperty("device").GetString()).Distinct().Count());

        var history = await NetfleetProcess.RunAsync("history", "junos-1", "--store", store, "-o", "json");
        using var changeRows = JsonDocument.Parse(history.Stdout);
        var change = Assert.Single(changeRows.RootElement.EnumerateArray(), c => c.GetProperty("job_id").GetString() == jobId);
        Assert.Contains(server, change.GetProperty("diff").GetString());
    }

    private int ChangedDevices(string server) =>
        lab.Spec.Devices.Count(d => lab.Host.StateOf(d.Name).Read(s => s.RunningConfig).Contains($"server {server};", StringComparison.Ordinal));

    private async Task<string> RunAndKillMidwayAsync(string playbook, string store, string server)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "netfleet.dll"), "run", playbook, "-i", lab.Paths.Inventory,
            "--known-hosts", lab.Paths.KnownHosts, "--store", store, "-o", "json",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var jobId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }

            if (JobLine().Match(e.Data) is { Success: true } m)
            {
                jobId.TrySetResult(m.Groups["id"].Value);
            }
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();

        // Read under the lock, and only to report a failure: output may still be arriving.
        string Stderr()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }

        var deadline = Stopwatch.StartNew();
        while (ChangedDevices(server) < Devices / 4)
        {
            if (process.HasExited) Assert.Fail($"the job ended before it could be killed:\n{Stderr()}");
            if (deadline.Elapsed > TimeSpan.FromMinutes(2)) Assert.Fail($"no progress:\n{Stderr()}");
            await Task.Delay(20);
        }

        process.Kill();
        await process.WaitForExitAsync();
        if (!jobId.Task.IsCompleted) Assert.Fail($"the run never named its job:\n{Stderr()}");
        return await jobId.Task;
    }

    [GeneratedRegex(@"job (?<id>\S+) recorded in")]
    private static partial Regex JobLine();
}

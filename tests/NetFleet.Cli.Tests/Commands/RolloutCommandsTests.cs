using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary>
/// Approval gates and rollback across processes: <c>netfleet run</c> waits between batches until a separate
/// <c>netfleet jobs approve</c> stores an approval, and a later <c>netfleet rollback</c> puts every device back.
/// </summary>
public sealed partial class RolloutCommandsTests : IAsyncLifetime
{
    private static readonly string[] Devices = ["ios-g1", "eos-g2", "junos-g3"];

    private readonly LabFixture lab = new(port => new LabSpec(port, TimeSpan.FromSeconds(1),
    [
        new LabDevice("ios-g1", "127.0.11.1", "cisco_ios", DeviceFaults.None),
        new LabDevice("eos-g2", "127.0.11.2", "arista_eos", DeviceFaults.None),
        new LabDevice("junos-g3", "127.0.11.3", "juniper_junos", DeviceFaults.None),
    ]));

    public Task InitializeAsync() => lab.InitializeAsync();

    public Task DisposeAsync() => lab.DisposeAsync();

    private string Running(string device) => lab.Host.StateOf(device).Read(s => s.RunningConfig);

    [Fact]
    public async Task Approval_gate_waits_for_jobs_approve_from_another_process_and_rollback_restores_every_device()
    {
        var store = "sqlite:" + Path.Combine(lab.Paths.Root, "history.db");
        var playbook = Path.Combine(lab.Paths.Root, "gated.yaml");
        await File.WriteAllTextAsync(playbook, """
            - name: Gated NTP rollout
              hosts: all
              serial: 1
              approval: true
              tasks:
                - name: Add the NTP server
                  config:
                    lines:
                      - "{{ if host.platform == 'juniper_junos' }}set system ntp server 192.0.2.131{{ else }}ntp server 192.0.2.131{{ end }}"
            """);
        var before = Devices.ToDictionary(d => d, Running);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "netfleet.dll"), "run", playbook, "-i", lab.Paths.Inventory,
            "--known-hosts", lab.Paths.KnownHosts, "--store", store, "-o", "json",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var run = Process.Start(start)!;
        var jobId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        run.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (JobLine().Match(e.Data) is { Success: true } m) jobId.TrySetResult(m.Groups["id"].Value);
        };
        run.BeginErrorReadLine();
        _ = run.StandardOutput.ReadToEndAsync();
        var id = await jobId.Task.WaitAsync(TimeSpan.FromSeconds(60));

        for (var gate = 1; gate < Devices.Length; gate++)
        {
            await WaitUntil(() => Running(Devices[gate - 1]).Contains("192.0.2.131", StringComparison.Ordinal), stderr);
            // The next batch waits: its device is untouched while no approval is stored.
            await Task.Delay(1500);
            Assert.False(run.HasExited, stderr.ToString());
            Assert.Equal(before[Devices[gate]], Running(Devices[gate]));

            var approve = await NetfleetProcess.RunAsync("jobs", "approve", id, "--store", store);
            Assert.True(approve.ExitCode == 0, approve.Stderr);
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await run.WaitForExitAsync(timeout.Token);
        }

        Assert.True(run.ExitCode == 0, stderr.ToString());
        foreach (var device in Devices) Assert.Contains("192.0.2.131", Running(device));

        var rollback = await NetfleetProcess.RunAsync("rollback", id, "--store", store, "-o", "json");
        Assert.True(rollback.ExitCode == 0, rollback.Stderr);
        foreach (var device in Devices) Assert.Equal(before[device], Running(device));
        using (var results = JsonDocument.Parse(rollback.Stdout))
        {
            Assert.All(results.RootElement.EnumerateArray(), r => Assert.Equal("changed", r.GetProperty("status").GetString()));
        }

        // Rolled back already: a second rollback finds every device on its backup and touches nothing.
        var again = await NetfleetProcess.RunAsync("rollback", id, "--store", store, "-o", "json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        using (var results = JsonDocument.Parse(again.Stdout))
        {
            Assert.All(results.RootElement.EnumerateArray(), r => Assert.Equal("ok", r.GetProperty("status").GetString()));
        }

        // The device's audit trail has the change and, from the rollback job, its reversal.
        var history = await NetfleetProcess.RunAsync("history", "junos-g3", "--store", store, "-o", "json");
        using (var changes = JsonDocument.Parse(history.Stdout))
        {
            var diffs = changes.RootElement.EnumerateArray().Select(c => c.GetProperty("diff").GetString() ?? "").ToList();
            Assert.Equal(2, diffs.Count);
            Assert.Contains("192.0.2.131", diffs[0]);
            Assert.Contains("- set system ntp server 192.0.2.131", diffs[1]);
        }

        var list = await NetfleetProcess.RunAsync("jobs", "list", "--store", store, "-o", "json");
        using var jobs = JsonDocument.Parse(list.Stdout);
        Assert.Equal(3, jobs.RootElement.GetArrayLength());
    }

    private static async Task WaitUntil(Func<bool> condition, StringBuilder log)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"timed out:\n{log}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"job (?<id>\S+) recorded in")]
    private static partial Regex JobLine();
}

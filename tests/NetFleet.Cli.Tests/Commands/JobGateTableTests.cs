namespace NetFleet.Cli.Tests.Commands;

/// <summary>
/// <c>jobs show</c> of a job whose play has a gate: the baseline and the measurement after the batch, each with its
/// numbers, and the verdict with the limit that was broken. The probe goes to a loopback port nothing listens on, so
/// it fails before and after the batch and no lab is needed.
/// </summary>
public sealed class JobGateTableTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("netfleet-gate-table-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Fact]
    public async Task Jobs_show_lists_the_gate_before_and_after_the_batch_with_its_verdict()
    {
        var inventory = Directory.CreateDirectory(Path.Combine(work, "inventory")).FullName;
        await File.WriteAllTextAsync(Path.Combine(inventory, "hosts.yaml"), "edge-1:\n  hostname: 127.0.0.1\n  port: 1\n  platform: cisco_ios\n  password: nothing\n");
        await File.WriteAllTextAsync(Path.Combine(inventory, "defaults.yaml"), "username: nobody\n");
        var playbook = Path.Combine(work, "gated.yaml");
        await File.WriteAllTextAsync(playbook, """
            - name: gated
              hosts: all
              gate:
                probes: [{to: "127.0.0.1:1", kind: tcp, count: 3, interval: 20ms, timeout: 200ms}]
                max_loss: 50%
                window: 100ms
              tasks:
                - command: show version
            """);
        var store = "sqlite:" + Path.Combine(work, "jobs.db");
        var (code, _, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", inventory, "--store", store);
        Assert.True(code != 0, stderr);
        var (_, list, _) = await NetfleetProcess.RunAsync("jobs", "list", "--store", store, "-o", "json");
        var id = System.Text.Json.JsonDocument.Parse(list).RootElement.EnumerateArray().Single().GetProperty("job_id").GetString()!;

        var (showCode, stdout, showErr) = await NetfleetProcess.RunAsync("jobs", "show", id, "--store", store);

        Assert.True(showCode == 0, showErr);
        var lines = stdout.Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("PLAY", StringComparison.Ordinal) && l.Contains("VERDICT", StringComparison.Ordinal));
        Assert.True(header >= 0, stdout);
        Assert.Matches(@"^\s*1\s+1\s+before\s+100\s+-\s+-\s+-\s*$", lines[header + 1]);
        Assert.Matches(@"^\s*1\s+1\s+after\s+100\s+-\s+-\s+-\s+failed: probe 127\.0\.0\.1:1 \(tcp\): loss 100% > max_loss 50%", lines[header + 2]);
    }
}

using NetFleet.Actors.Jobs;
using NetFleet.Configs;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Node;
using NetFleet.Testing;

namespace NetFleet.Actors.Tests.Jobs;

/// <summary>An IOS, an EOS and a Junos lab device over the lab's real sshd, backed up by jobs into an archive in a scratch folder.</summary>
public sealed class BackupLab() : JobLab("netfleet-backup-", port => LabSpec.Generate(3, LabPlatforms.All, port, TimeSpan.FromSeconds(1)));

/// <summary>
/// Backups as the CLI runs them (a node with a SQLite journal and history, the built-in backup playbook): the archive gets
/// one commit per job; a change made with the OpenSSH client is drift, with its diff and the device's user; a change
/// NetFleet made is committed by its own job and is not drift.
/// </summary>
public sealed class BackupJobTests(BackupLab lab) : IClassFixture<BackupLab>
{
    [Fact]
    public async Task Backups_commit_per_job_and_only_changes_made_outside_netfleet_are_drift()
    {
        var folder = Path.Combine(lab.Scratch, "run-" + Guid.NewGuid().ToString("N")[..6]);
        var archive = new ConfigArchive(new ConfigArchiveSettings(Path.Combine(folder, "configs"), null));
        await using var node = await NetFleetNode.StartAsync(JobStore.Parse("sqlite:" + Path.Combine(folder, "netfleet.db")), Serilog.Core.Logger.None);
        var ios = lab.Spec.Devices.First(d => d.Platform == "cisco_ios");
        var eos = lab.Spec.Devices.First(d => d.Platform == "arista_eos");
        var junos = lab.Spec.Devices.First(d => d.Platform == "juniper_junos");

        var first = await RunAsync(node, archive, BuiltInPlaybooks.PathOf("backup"), BuiltInPlaybooks.Backup);
        Assert.True(first.Archive?.Commit is not null, $"{first.Archive} {string.Join(" | ", first.Results.Select(r => r.Device + ":" + r.Outcome + ":" + r.Output))}");
        Assert.Equal(lab.Spec.Devices.Select(d => d.Name).Order(StringComparer.Ordinal), first.Archive!.Changed);
        Assert.Empty(first.Archive.Drifted);
        Assert.Equal(first.JobId, archive.CommitOfJob(first.JobId)?.JobId);
        var iosConfig = archive.Latest(ios.Name)!;
        Assert.Contains("hostname " + ios.Name, iosConfig, StringComparison.Ordinal);
        Assert.DoesNotContain("Current configuration", iosConfig, StringComparison.Ordinal);
        Assert.DoesNotContain("Last configuration change", iosConfig, StringComparison.Ordinal);
        Assert.NotNull(archive.Latest(eos.Name, ConfigKind.Startup));
        Assert.Null(archive.Latest(junos.Name, ConfigKind.Startup));
        Assert.StartsWith("set ", archive.Latest(junos.Name), StringComparison.Ordinal);

        // Nothing changed: the next backup makes no commit and finds no drift.
        var same = await RunAsync(node, archive, BuiltInPlaybooks.PathOf("backup"), BuiltInPlaybooks.Backup);
        Assert.Null(same.Archive?.Commit);
        Assert.Empty(same.Archive!.Drifted);

        var script = $"terminal length 0\renable\r{LabDefaults.EnableSecret}\rconfigure terminal\r"
            + "interface Loopback77\rdescription changed by hand\rend\rexit\r";
        var (code, output) = await OpenSsh.RunAsync(lab.Paths, lab.Spec.Port, ios.Address, input: script, tty: true);
        Assert.True(code == 0, output);

        var drifted = await RunAsync(node, archive, BuiltInPlaybooks.PathOf("backup"), BuiltInPlaybooks.Backup);
        Assert.Equal([ios.Name], drifted.Archive!.Drifted);
        Assert.Equal([ios.Name], drifted.Archive.Changed);
        await node.Projector.CatchUpAsync();
        var drift = Assert.Single(await node.History.DriftAsync(ios.Name));
        Assert.Equal(drifted.JobId, drift.JobId);
        Assert.Equal(LabDefaults.Username, drift.ChangedBy);
        Assert.NotNull(drift.ChangedAt);
        Assert.Equal("backup", drift.Source);
        Assert.Contains("+interface Loopback77\n+ description changed by hand\n", drift.Diff, StringComparison.Ordinal);
        Assert.Contains("description changed by hand", archive.Show(ios.Name, drifted.JobId).Text, StringComparison.Ordinal);
        Assert.Contains("+ description changed by hand", archive.Diff(ios.Name, first.JobId, drifted.JobId), StringComparison.Ordinal);

        var change = await RunAsync(node, archive, Path.Combine(folder, "change.yaml"), $$"""
            - name: change by netfleet
              hosts: {{ios.Name}}
              tasks:
                - name: loopback
                  config:
                    lines:
                      - interface Loopback78
                      - description changed by netfleet
            """);
        Assert.Equal(JobOutcome.Succeeded, change.Outcome);
        Assert.Equal([ios.Name], change.Archive!.Changed);
        Assert.Empty(change.Archive.Drifted);
        Assert.Contains("description changed by netfleet", archive.Latest(ios.Name), StringComparison.Ordinal);

        var after = await RunAsync(node, archive, BuiltInPlaybooks.PathOf("backup"), BuiltInPlaybooks.Backup);
        Assert.Empty(after.Archive!.Drifted);
        Assert.Null(after.Archive.Commit);

        // A rollback is NetFleet's change too: committed by its own job, not drift.
        var submitted = await node.FindSubmissionAsync(change.JobId);
        var (rollback, error) = JobLauncher.Rollback(submitted!, new JobOptions("tester") { JobId = JobLauncher.NewJobId() });
        Assert.True(rollback is not null, error);
        var rolledBack = await node.Runner.RunAsync(rollback, JobOptions.Resuming(rollback.Submission, "tester") with { Configs = archive }, _ => { },
            CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal([ios.Name], rolledBack.Archive!.Changed);
        Assert.DoesNotContain("Loopback78", archive.Latest(ios.Name), StringComparison.Ordinal);
        var afterRollback = await RunAsync(node, archive, BuiltInPlaybooks.PathOf("backup"), BuiltInPlaybooks.Backup);
        Assert.Empty(afterRollback.Archive!.Drifted);
        await node.Projector.CatchUpAsync();
        Assert.Single(await node.History.DriftAsync(ios.Name));
    }

    private async Task<JobSummary> RunAsync(NetFleetNode node, ConfigArchive archive, string path, string playbook)
    {
        var options = new JobOptions("tester")
        {
            JobId = JobLauncher.NewJobId(), InventoryPath = Path.Combine(lab.Scratch, "inventory"), KnownHostsPath = lab.KnownHosts, Configs = archive,
        };
        var (job, check) = await JobLauncher.PrepareAsync(new JobRequest(path, options) { PlaybookText = playbook }, CancellationToken.None);
        Assert.True(job is not null, check.Report);
        var summary = await node.Runner.RunAsync(job, options, _ => { }, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(summary.Recap.All(r => r.Failed == 0 && r.Unreachable == 0),
            string.Join("\n", summary.Results.Where(r => r.Outcome is TaskOutcome.Failed or TaskOutcome.Unreachable).Select(r => $"{r.Device}: {r.Message}")));
        return summary;
    }
}

using NetFleet.Actors.Jobs;
using NetFleet.Configs;
using NetFleet.Core.Inventory;

namespace NetFleet.Actors.Tests.Jobs;

/// <summary>What a job commits to the archive and calls drift, from its journal alone (no devices).</summary>
public sealed class JobArchiveTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly string folder = Directory.CreateTempSubdirectory("nf-job-archive-").FullName;

    [Fact]
    public void A_change_whose_pre_change_read_differs_from_the_archive_is_drift_and_its_read_back_is_the_new_version()
    {
        var archive = new ConfigArchive(new ConfigArchiveSettings(Path.Combine(folder, "configs"), null));
        archive.Commit("job0", "alice", At.AddDays(-1), [new ConfigFile("r1", ConfigKind.Running, "hostname r1\n!\nend\n")], "backup");
        const string header = "Building configuration...\n\nCurrent configuration : 99 bytes\n! Last configuration change at 11:00:00 UTC Thu Dec 3 2026 by bob\n";
        var journal = new JobJournal.State();
        journal.Apply(new JobJournal.DeviceChanged("job1", At, "r1", 0, 0, 0, "ntp", header + "hostname r1\ninterface Lo9\n!\nend\n",
            header + "hostname r1\ninterface Lo9\nntp server 192.0.2.1\n!\nend\n", "+ ntp server 192.0.2.1"));
        journal.Apply(new JobJournal.TaskFinished("job1", At, "r1", 0, 0, 0, "ntp", "config", "changed", false, true, null, null, null, null, false,
            null, null, At, 10, false));
        // The journal's snapshot keeps what the commit needs.
        journal = JobJournal.State.From(journal.ToSnapshot());

        var seen = JobArchive.Collect(journal, Hosts());
        var outcome = JobArchive.Commit(archive, "job1", "carol", seen, At);

        var drift = Assert.Single(outcome.Drifts);
        Assert.Equal(("r1", "pre-change"), (drift.Device, drift.Source));
        Assert.Contains("+interface Lo9\n", drift.Diff, StringComparison.Ordinal);
        Assert.DoesNotContain("ntp server", drift.Diff, StringComparison.Ordinal);
        Assert.Equal("hostname r1\ninterface Lo9\nntp server 192.0.2.1\n!\nend\n", archive.Latest("r1"));
        Assert.Equal(["r1"], outcome.Commit!.ChangedDevices);

        // Resumed after the commit: the same commit, no drift found twice.
        var again = JobArchive.Commit(archive, "job1", "carol", seen, At);
        Assert.Equal(outcome.Commit.Commit!.Id, again.Commit!.Commit!.Id);
        Assert.Empty(again.Drifts);
    }

    private Dictionary<string, Host> Hosts()
    {
        var inventory = Path.Combine(folder, "inventory");
        Directory.CreateDirectory(inventory);
        File.WriteAllText(Path.Combine(inventory, "hosts.yaml"), "r1:\n  hostname: 127.0.0.1\n  platform: cisco_ios\n");
        var loaded = InventoryLoader.Load(inventory).Inventory!;
        return loaded.Hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
    }

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)) File.SetAttributes(file, FileAttributes.Normal);
        Directory.Delete(folder, recursive: true);
    }
}

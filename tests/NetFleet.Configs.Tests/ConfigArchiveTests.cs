using LibGit2Sharp;

namespace NetFleet.Configs.Tests;

public sealed class ConfigArchiveTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("nf-archive-").FullName;
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private ConfigArchive Archive(string? remote = null) => new(new ConfigArchiveSettings(Path.Combine(root, "configs"), remote));

    [Fact]
    public void A_job_is_one_commit_naming_the_job_and_user_with_one_file_per_device()
    {
        var archive = Archive();
        var outcome = archive.Commit("job1", "alice", Monday,
            [new ConfigFile("r1", ConfigKind.Running, "hostname r1\n"), new ConfigFile("r1", ConfigKind.Startup, "hostname r1\n"),
             new ConfigFile("r2", ConfigKind.Running, "hostname r2\n")], "backup of 2 devices");

        Assert.Equal(["r1", "r2"], outcome.ChangedDevices);
        using var repo = new Repository(archive.Path);
        var commit = Assert.Single(repo.Commits);
        Assert.Equal(outcome.Commit!.Id, commit.Sha);
        Assert.Equal("alice", commit.Author.Name);
        Assert.Contains("NetFleet-Job: job1", commit.Message, StringComparison.Ordinal);
        Assert.Equal(["r1.cfg", "r1.startup.cfg", "r2.cfg"], commit.Tree.Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("../escape", "%2E.%2Fescape.cfg")]
    [InlineData(".git", "%2Egit.cfg")]
    [InlineData("core/sw 1", "core%2Fsw%201.cfg")]
    [InlineData("edge-1.lon_2", "edge-1.lon_2.cfg")]
    [InlineData("zürich", "z%C3%BCrich.cfg")]
    public void A_device_name_the_inventory_allows_stays_one_file_inside_the_repository(string device, string file)
    {
        var archive = Archive();
        archive.Commit("job1", "alice", Monday, [new ConfigFile(device, ConfigKind.Running, "hostname x\n")], "backup");

        using var repo = new Repository(archive.Path);
        Assert.Equal(file, Assert.Single(repo.Head.Tip.Tree).Name);
        Assert.Equal("hostname x\n", archive.Latest(device));
        Assert.False(File.Exists(Path.Combine(root, "escape.cfg")));
    }

    [Fact]
    public void A_job_committed_before_is_not_committed_again_and_unchanged_files_make_no_commit()
    {
        var archive = Archive();
        var first = archive.Commit("job1", "alice", Monday, [new ConfigFile("r1", ConfigKind.Running, "hostname r1\n")], "backup");
        var again = archive.Commit("job1", "alice", Monday.AddHours(1), [new ConfigFile("r1", ConfigKind.Running, "hostname other\n")], "backup");
        var unchanged = archive.Commit("job2", "bob", Monday.AddHours(2), [new ConfigFile("r1", ConfigKind.Running, "hostname r1\n")], "backup");

        Assert.True(again.Existing);
        Assert.Equal(first.Commit!.Id, again.Commit!.Id);
        Assert.Equal(["r1"], again.ChangedDevices);
        Assert.Null(unchanged.Commit);
        Assert.Equal("hostname r1\n", archive.Latest("r1"));
        using var repo = new Repository(archive.Path);
        Assert.Single(repo.Commits);
    }

    [Fact]
    public void Log_show_and_diff_find_versions_by_job_commit_and_date()
    {
        var archive = Archive();
        archive.Commit("job1", "alice", Monday, [new ConfigFile("r1", ConfigKind.Running, "hostname r1\ninterface Gi1\n shutdown\n")], "backup");
        var second = archive.Commit("job2", "bob", Monday.AddDays(1),
            [new ConfigFile("r1", ConfigKind.Running, "hostname r1\ninterface Gi1\n no shutdown\n"), new ConfigFile("r2", ConfigKind.Running, "x\n")], "change");
        archive.Commit("job3", "carol", Monday.AddDays(2), [new ConfigFile("r2", ConfigKind.Running, "y\n")], "backup");

        var log = archive.Log("r1");
        Assert.Equal(["job2", "job1"], log.Select(c => c.JobId));
        Assert.Equal(["bob", "alice"], log.Select(c => c.User));
        Assert.Contains(" shutdown", archive.Show("r1", "job1").Text, StringComparison.Ordinal);
        Assert.Contains("no shutdown", archive.Show("r1", second.Commit!.Id[..8]).Text, StringComparison.Ordinal);
        Assert.Contains(" shutdown", archive.Show("r1", "2026-11-30").Text, StringComparison.Ordinal);
        Assert.Contains("no shutdown", archive.Show("r1", "2026-12-01T10:00:00Z").Text, StringComparison.Ordinal);
        // job3 did not touch r1: r1 as it stood then.
        Assert.Contains("no shutdown", archive.Show("r1", "job3").Text, StringComparison.Ordinal);

        var diff = archive.Diff("r1", "job1", "job2");
        Assert.Contains("@@ -1,3 +1,3 @@", diff, StringComparison.Ordinal);
        Assert.Contains("\n- shutdown\n+ no shutdown\n", diff, StringComparison.Ordinal);
        Assert.Equal("", archive.Diff("r1", "job2", "job3"));
    }

    [Fact]
    public void Unknown_devices_jobs_and_revisions_say_what_is_missing()
    {
        var archive = Archive();
        Assert.Contains("no configuration archive", Assert.Throws<ArchiveLookupException>(() => archive.Show("r1", null)).Message, StringComparison.Ordinal);
        archive.Commit("job1", "alice", Monday, [new ConfigFile("r1", ConfigKind.Running, "a\n")], "backup");
        Assert.Contains("r9: no configuration", Assert.Throws<ArchiveLookupException>(() => archive.Show("r9", null)).Message, StringComparison.Ordinal);
        Assert.Contains("'nojob' is not a job id", Assert.Throws<ArchiveLookupException>(() => archive.Show("r1", "nojob")).Message, StringComparison.Ordinal);
        Assert.Contains("at 2020-01-01", Assert.Throws<ArchiveLookupException>(() => archive.Show("r1", "2020-01-01")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_commit_is_pushed_to_the_remote()
    {
        var bare = Path.Combine(root, "remote.git");
        Repository.Init(bare, isBare: true);
        var archive = Archive(bare);
        var first = archive.Commit("job1", "alice", Monday, [new ConfigFile("r1", ConfigKind.Running, "a\n")], "backup");
        var second = archive.Commit("job2", "alice", Monday.AddHours(1), [new ConfigFile("r1", ConfigKind.Running, "b\n")], "backup");

        using var remote = new Repository(bare);
        Assert.Equal(second.Commit!.Id, remote.Head.Tip.Sha);
        Assert.Equal(first.Commit!.Id, remote.Head.Tip.Parents.Single().Sha);
        Assert.Equal("b\n", ((Blob)remote.Head.Tip["r1.cfg"].Target).GetContentText());
    }

    [Fact]
    public void A_unified_diff_has_hunks_with_three_lines_of_context()
    {
        var before = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"line {i}")) + "\n";
        var after = before.Replace("line 2\n", "line two\n", StringComparison.Ordinal).Replace("line 18\n", "", StringComparison.Ordinal);
        Assert.Equal("""
            --- a
            +++ b
            @@ -1,5 +1,5 @@
             line 1
            -line 2
            +line two
             line 3
             line 4
             line 5
            @@ -15,6 +15,5 @@
             line 15
             line 16
             line 17
            -line 18
             line 19
             line 20

            """.ReplaceLineEndings("\n"), UnifiedDiff.Create(before, after, "a", "b"));
        Assert.Equal("--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n", UnifiedDiff.Create("", "x\ny\n", "a", "b"));
    }

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)) File.SetAttributes(file, FileAttributes.Normal);
        Directory.Delete(root, recursive: true);
    }
}

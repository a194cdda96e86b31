using System.Text.Json;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary><c>netfleet backup</c>, <c>configs</c> and <c>drift</c> as a user runs them: separate processes against a lab over real SSH,
/// with the archive and the store in the lab's scratch folder.</summary>
public sealed class BackupCommandTests(BackupCommandTests.Lab lab) : IClassFixture<BackupCommandTests.Lab>
{
    [Fact]
    public async Task Backup_commits_and_configs_and_drift_read_it_back_with_clear_errors()
    {
        var root = lab.Fixture.Paths.Root;
        string[] where = ["--store", "sqlite:" + Path.Combine(root, "cli.db")];
        string[] archive = ["--configs", Path.Combine(root, "configs")];
        var bare = Path.Combine(root, "remote.git");
        LibGit2Sharp.Repository.Init(bare, isBare: true);

        var (code, stdout, stderr) = await NetfleetProcess.RunAsync(["backup", "-i", lab.Fixture.Paths.Inventory, "--known-hosts",
            lab.Fixture.Paths.KnownHosts, "-o", "json", "--configs-remote", bare, .. where, .. archive]);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        using var summary = JsonDocument.Parse(stdout);
        var job = summary.RootElement.GetProperty("job").GetString()!;
        var commit = summary.RootElement.GetProperty("commit").GetString()!;
        Assert.Equal(2, summary.RootElement.GetProperty("backed_up").GetInt32());
        Assert.Equal(2, summary.RootElement.GetProperty("changed").GetArrayLength());
        using (var remote = new LibGit2Sharp.Repository(bare)) Assert.Equal(commit, remote.Head.Tip.Sha);

        (code, stdout, stderr) = await NetfleetProcess.RunAsync(["configs", "log", "ios-9", "-o", "json", .. archive]);
        Assert.True(code == 0, stderr);
        Assert.Contains(job, stdout, StringComparison.Ordinal);

        (code, stdout, stderr) = await NetfleetProcess.RunAsync(["configs", "show", "ios-9", "--at", job, .. archive]);
        Assert.True(code == 0, stderr);
        Assert.Contains("hostname ios-9", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Current configuration", stdout, StringComparison.Ordinal);

        (code, _, stderr) = await NetfleetProcess.RunAsync(["configs", "show", "nope-1", .. archive]);
        Assert.Equal(2, code);
        Assert.Contains("nope-1: no configuration in the archive", stderr, StringComparison.Ordinal);
        (code, _, stderr) = await NetfleetProcess.RunAsync(["configs", "diff", "ios-9", "--from", "not-a-job", .. archive]);
        Assert.Equal(2, code);
        Assert.Contains("'not-a-job' is not a job id, a commit or a date", stderr, StringComparison.Ordinal);
        (code, stdout, _) = await NetfleetProcess.RunAsync(["configs", "diff", "ios-9", "--from", job, .. archive]);
        Assert.Equal((0, ""), (code, stdout));

        (code, stdout, stderr) = await NetfleetProcess.RunAsync(["drift", "-o", "json", .. where]);
        Assert.True(code == 0, stderr);
        Assert.Equal(0, JsonDocument.Parse(stdout).RootElement.GetArrayLength());
    }

    public sealed class Lab : IAsyncLifetime
    {
        public LabFixture Fixture { get; } = new(port => new LabSpec(port, TimeSpan.FromSeconds(1),
        [
            new LabDevice("ios-9", "127.0.97.1", "cisco_ios", DeviceFaults.None),
            new LabDevice("junos-9", "127.0.97.2", "juniper_junos", DeviceFaults.None),
        ]));

        public Task InitializeAsync() => Fixture.InitializeAsync();

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }
}

using System.Globalization;
using System.Text.Json;
using NetFleet.Cli.Tests.Output;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary>
/// <c>jobs list</c> and <c>jobs show</c> read by a person through a pipe: kubectl's short columns by default, more with
/// <c>-o wide</c>, every cell whole on its row. The job is a real run whose one device refuses the connection, so no
/// lab is needed; its long path, long task name and long message are what used to break the table apart.
/// </summary>
public sealed class JobTablesTests(JobTablesTests.RecordedJob recorded) : IClassFixture<JobTablesTests.RecordedJob>
{
    private const string Device = RecordedJob.Device;
    private const string Task = RecordedJob.Task;
    private readonly string store = recorded.Store;
    private readonly string playbook = recorded.Playbook;
    private readonly JsonElement job = recorded.Job;

    /// <summary>The one job all these tests read, run once.</summary>
    public sealed class RecordedJob : IAsyncLifetime
    {
        public const string Device = "core-router-with-a-long-name";
        public const string Task = "Read the software version of every router in the fleet";

        public string Work { get; } = Directory.CreateTempSubdirectory("netfleet-tables-").FullName;
        public string Store { get; private set; } = "";
        public string Playbook { get; private set; } = "";
        public JsonElement Job { get; private set; }

        public async Task InitializeAsync()
        {
            var inventory = Directory.CreateDirectory(Path.Combine(Work, "inventory")).FullName;
            // Port 1 on loopback refuses at once: the task is unreachable and the job is recorded.
            await File.WriteAllTextAsync(Path.Combine(inventory, "hosts.yaml"),
                $"{Device}:\n  hostname: 127.0.0.1\n  port: 1\n  platform: cisco_ios\n  password: nothing\n");
            await File.WriteAllTextAsync(Path.Combine(inventory, "defaults.yaml"), "username: nobody\n");
            var folder = Directory.CreateDirectory(Path.Combine(Work, "playbooks", "reachability", "weekly")).FullName;
            Playbook = Path.Combine(folder, "reachability-check.yaml");
            await File.WriteAllTextAsync(Playbook, $"- hosts: all\n  tasks:\n    - name: {Task}\n      command: show version\n");
            Store = "sqlite:" + Path.Combine(Work, "jobs.db");
            var (code, _, stderr) = await RunInAsync(Work, "run", Playbook, "-i", inventory, "--store", Store);
            Assert.True(code == 4, stderr);
            var (_, json, _) = await RunInAsync(Work, "jobs", "list", "--store", Store, "-o", "json");
            Job = JsonDocument.Parse(json).RootElement.EnumerateArray().Single().Clone();
        }

        public Task DisposeAsync()
        {
            Directory.Delete(Work, recursive: true);
            return System.Threading.Tasks.Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Jobs_list_in_a_pipe_has_the_short_columns_each_cell_whole_on_one_line()
    {
        var (code, stdout, stderr) = await RunAsync("jobs", "list", "--store", store);

        Assert.True(code == 0, stderr);
        var lines = Lines(stdout);
        Assert.Equal(["ID", "STATUS", "PLAYBOOK", "USER", "STARTED", "DURATION", "OK", "CHANGED", "FAILED", "UNREACHABLE"],
            TextTableTests.Columns(lines[0]));
        var row = Assert.Single(lines.Skip(1));
        var cells = TextTableTests.Columns(row);
        Assert.Equal(job.GetProperty("job_id").GetString(), cells[0]);
        Assert.Equal(["failed", "reachability-check", Environment.UserName, LocalTime("started")], cells[1..5]);
        Assert.Matches(@"^\d+(ms|\.\ds)$", cells[5]);
        Assert.Equal(["0", "0", "0", "1"], cells[6..]);
        AssertPlain(stdout);
    }

    [Fact]
    public async Task Jobs_list_wide_adds_the_path_hash_end_and_other_counts()
    {
        var (code, stdout, stderr) = await RunAsync("jobs", "list", "--store", store, "-o", "wide");

        Assert.True(code == 0, stderr);
        var lines = Lines(stdout);
        Assert.Equal(["ID", "STATUS", "PLAYBOOK", "HASH", "USER", "STARTED", "FINISHED", "DURATION", "DEVICES", "OK", "CHANGED", "FAILED",
            "UNREACHABLE", "SKIPPED", "RESUMES"], TextTableTests.Columns(lines[0]));
        var cells = TextTableTests.Columns(Assert.Single(lines.Skip(1)));
        Assert.Equal(playbook, cells[2]);
        Assert.Equal(job.GetProperty("playbook_hash").GetString()![..12], cells[3]);
        Assert.Equal([LocalTime("started"), LocalTime("finished")], cells[5..7]);
        Assert.Equal(["1", "0", "0", "0", "1", "0", "0"], cells[8..]);
        AssertPlain(stdout);
    }

    [Fact]
    public async Task Jobs_show_in_a_pipe_keeps_each_result_and_its_whole_message_on_one_row()
    {
        var id = job.GetProperty("job_id").GetString()!;
        var (code, stdout, stderr) = await RunAsync("jobs", "show", id, "--store", store);

        Assert.True(code == 0, stderr);
        var lines = Lines(stdout);
        var header = Array.FindIndex(lines, l => l.StartsWith("DEVICE", StringComparison.Ordinal));
        Assert.Equal(["DEVICE", "TASK", "STATUS", "DURATION", "DETAIL"], TextTableTests.Columns(lines[header]));
        var cells = TextTableTests.Columns(lines[header + 1]);
        Assert.Equal([Device, Task, "unreachable"], cells[..3]);
        Assert.Matches($"^{Device}: cannot connect to 127.0.0.1:1: \\w+", cells[4]);
        Assert.Equal(header + 2, lines.Length);
        AssertPlain(stdout);

        (code, stdout, stderr) = await RunAsync("jobs", "show", id, "--store", store, "-o", "wide");
        Assert.True(code == 0, stderr);
        lines = Lines(stdout);
        header = Array.FindIndex(lines, l => l.StartsWith("DEVICE", StringComparison.Ordinal));
        Assert.Equal(["DEVICE", "PLAY", "TASK#", "TASK", "MODULE", "STATUS", "DURATION", "RECONCILED", "DETAIL", "DIFF"], TextTableTests.Columns(lines[header]));
        Assert.Equal([Device, "1", "1", Task, "command", "unreachable"], TextTableTests.Columns(lines[header + 1])[..6]);
        AssertPlain(stdout);
    }

    /// <summary>Nothing cut, no box drawing, no padding after the text.</summary>
    private static void AssertPlain(string stdout)
    {
        Assert.DoesNotContain("…", stdout);
        Assert.DoesNotContain("─", stdout);
        Assert.All(Lines(stdout), l => Assert.Equal(l.TrimEnd(), l));
    }

    private string LocalTime(string field) =>
        DateTimeOffset.Parse(job.GetProperty(field).GetString()!, CultureInfo.InvariantCulture).ToLocalTime()
            .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string[] Lines(string stdout) => stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunInAsync(recorded.Work, args);

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunInAsync(string work, params string[] args) =>
        NetfleetCommand.RunAsync(NetfleetCommand.StartInfo(args, work), NetfleetCommand.DefaultTimeout);
}

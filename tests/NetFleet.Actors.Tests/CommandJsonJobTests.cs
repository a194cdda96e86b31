using System.Collections.Concurrent;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Results;

namespace NetFleet.Actors.Tests;

/// <summary><c>parse: json</c> in a job: output that is not JSON fails the task (and, in a post-check, rolls the change
/// back) with the reader's place and the output's beginning.</summary>
[Collection(ActorLabCollection.Name)]
public sealed class CommandJsonJobTests(ActorLab lab) : IAsyncLifetime
{
    private JobRunner runner = null!;
    private readonly ConcurrentQueue<JobEvent> events = new();

    public Task InitializeAsync()
    {
        runner = JobRunner.Start(Serilog.Core.Logger.None);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await runner.DisposeAsync();

    private async Task<JobSummary> RunAsync(string yaml, string limit)
    {
        var path = Path.Combine(lab.Scratch, $"play-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var loaded = PlaybookLoader.Load(path);
        var playbook = loaded.Playbook ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
        var options = new JobOptions("tester") { Limit = limit, KnownHostsPath = lab.KnownHosts, IdleTimeout = TimeSpan.FromSeconds(2) };
        return await runner.RunAsync(path, playbook, lab.Inventory, options, events.Enqueue, CancellationToken.None);
    }

    [Fact]
    public async Task Output_that_is_not_json_fails_the_task_with_where_and_how_it_begins()
    {
        var summary = await RunAsync("""
            - hosts: all
              tasks:
                - name: version as json
                  command:
                    command: show version
                    parse: json
                  register: version
                - name: not reached
                  command: show clock
            """, "ios-1");

        Assert.Equal(JobOutcome.Failed, summary.Outcome);
        var failed = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Failed, failed.Outcome);
        Assert.StartsWith("the output of 'show version' is not JSON: 'C' is an invalid start of a value (line 1, byte 1); it begins: \"Cisco IOS",
            failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_check_whose_output_is_not_json_rolls_the_change_back()
    {
        var before = lab.Running("ios-2");
        var summary = await RunAsync("""
            - hosts: all
              post_checks:
                - name: clock as json
                  command:
                    command: show clock
                    parse: json
                  that: parsed.time != ""
              tasks:
                - config:
                    lines: [ntp server 192.0.2.61]
            """, "ios-2");

        var result = Assert.Single(summary.Results);
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains("post-check 'clock as json' failed: the output of 'show clock' is not JSON", result.Message, StringComparison.Ordinal);
        Assert.Equal(before, lab.Running("ios-2"));
    }
}

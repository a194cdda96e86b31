using System.Text.Json;
using System.Text.RegularExpressions;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary><c>netfleet run</c> as a user runs it: a separate process against a lab over real SSH.</summary>
public sealed class RunCommandTests : IClassFixture<RunCommandTests.Lab>
{
    private readonly Lab lab;

    public RunCommandTests(Lab lab) => this.lab = lab;

    [Fact]
    public async Task Sample_playbook_changes_healthy_devices_and_fails_the_one_that_rejects_ntp()
    {
        var results = Path.Combine(lab.Fixture.Paths.Root, "results.json");
        var logFile = Path.Combine(lab.Fixture.Paths.Root, "run-log.json");
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("run", lab.Playbook, "-i", lab.Fixture.Paths.Inventory,
            "--known-hosts", lab.Fixture.Paths.KnownHosts, "-o", "json", "--out", results, "--log-file", logFile, "--verbose");
        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("PLAY RECAP", stderr);
        Assert.Matches(@"ios-1\s+: ok=4\s+changed=1\s+unreachable=0\s+failed=0\s+skipped=1", stderr);
        Assert.Matches(@"eos-1\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=1", stderr);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(results));
        var rows = json.RootElement.EnumerateArray().ToList();
        var rejected = rows.Single(r => r.GetProperty("device").GetString() == "eos-1" && r.GetProperty("status").GetString() == "failed");
        Assert.Contains("Invalid input", rejected.GetProperty("message").GetString());
        // Secrets are resolved only inside the SSH layer: not in results, output or the structured log.
        var log = await File.ReadAllTextAsync(logFile);
        Assert.Contains("\"JobId\"", log);
        Assert.Contains("\"Device\":\"eos-1\"", log);
        foreach (var secret in new[] { LabDefaults.Password, LabDefaults.EnableSecret })
        {
            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(results));
            Assert.DoesNotContain(secret, stdout + stderr);
            Assert.DoesNotContain(secret, log);
        }
    }

    [Fact]
    public async Task Check_mode_reports_changes_and_leaves_the_device_untouched()
    {
        var before = lab.Fixture.Host.StateOf("ios-2").Read(s => s.RunningConfig);
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("run", lab.Playbook, "-i", lab.Fixture.Paths.Inventory,
            "--known-hosts", lab.Fixture.Paths.KnownHosts, "--limit", "ios-2", "--check", "-o", "csv");
        Assert.True(code is 0 or 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.StartsWith("job_id,device,play,task_index,task,module,status,changed,", stdout);
        Assert.Contains("ios-2,0,1,Push the NTP servers,config,changed,true", stdout);
        Assert.Equal(before, lab.Fixture.Host.StateOf("ios-2").Read(s => s.RunningConfig));
    }

    [Fact]
    public async Task Unknown_host_key_fails_unless_trusting_new_keys()
    {
        var knownHosts = Path.Combine(lab.Fixture.Paths.Root, "empty_known_hosts");
        await File.WriteAllTextAsync(knownHosts, "");
        // A read-only playbook: the outcome depends on the host key alone, not on what other tests configured.
        var playbook = Path.Combine(lab.Fixture.Paths.Root, "version.yaml");
        await File.WriteAllTextAsync(playbook, "- hosts: all\n  tasks:\n    - command: show version\n");
        var (code, _, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", lab.Fixture.Paths.Inventory,
            "--known-hosts", knownHosts, "--limit", "junos-1");
        Assert.Equal(4, code);
        Assert.Contains("unreachable=1", stderr);
        // The message names the option that fixes it, and the way to add the key without trusting blindly.
        var address = lab.Fixture.Spec.Devices.Single(d => d.Name == "junos-1").Address;
        Assert.Contains("to accept a device's key the first time it is seen, run again with --trust-new-host-keys, "
            + $"or add it beforehand: ssh-keyscan -p {lab.Fixture.Spec.Port} {address} >> {knownHosts}", stderr);

        (code, _, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", lab.Fixture.Paths.Inventory,
            "--known-hosts", knownHosts, "--limit", "junos-1", "--trust-new-host-keys");
        Assert.True(code == 0, stderr);
        Assert.Contains($"[{lab.Fixture.Spec.Devices.Single(d => d.Name == "junos-1").Address}]:{lab.Fixture.Spec.Port}",
            await File.ReadAllTextAsync(knownHosts));
    }

    [Fact]
    public async Task A_failure_is_printed_once_and_its_warning_goes_to_the_log_file_unless_verbose()
    {
        var playbook = await RejectedCommandPlaybook();
        var logFile = Path.Combine(lab.Fixture.Paths.Root, "quiet-log.json");
        var (code, _, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", lab.Fixture.Paths.Inventory,
            "--known-hosts", lab.Fixture.Paths.KnownHosts, "--limit", "ios-1", "--log-file", logFile);
        Assert.True(code == 2, stderr);
        var message = FailureMessage(stderr);
        Assert.Equal(1, Occurrences(stderr, message));
        Assert.DoesNotContain(" WRN ", stderr);
        Assert.Contains(File.ReadLines(logFile), line =>
        {
            using var e = JsonDocument.Parse(line);
            return e.RootElement.TryGetProperty("@l", out var level) && level.GetString() == "Warning"
                && e.RootElement.TryGetProperty("Device", out var device) && device.GetString() == "ios-1"
                && e.RootElement.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == message);
        });

        (code, _, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", lab.Fixture.Paths.Inventory,
            "--known-hosts", lab.Fixture.Paths.KnownHosts, "--limit", "ios-1", "--log-file", logFile, "-v");
        Assert.True(code == 2, stderr);
        Assert.Contains(stderr.Split('\n'), line => line.Contains(" WRN ", StringComparison.Ordinal) && line.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Results_table_in_a_pipe_keeps_the_whole_detail_on_the_row()
    {
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("run", await RejectedCommandPlaybook(), "-i", lab.Fixture.Paths.Inventory,
            "--known-hosts", lab.Fixture.Paths.KnownHosts, "--limit", "ios-1");
        Assert.True(code == 2, stderr);
        var message = FailureMessage(stderr);
        Assert.True(message.Length > 80, message);
        Assert.Matches(@"(?m)^\s*ios-1\s+rejected\s+failed\s+[\d.]+m?s\s+" + Regex.Escape(message) + @"\s*$", stdout);
        Assert.DoesNotContain("…", stdout);
        // Standard error in a pipe is not wrapped at 80 columns either.
        Assert.Matches(@"job \w+ recorded in \S+ \(if this process dies: netfleet jobs resume \w+\)", stderr);
    }

    /// <summary>A read-only playbook whose one command IOS rejects, with a message longer than a terminal is wide.</summary>
    private async Task<string> RejectedCommandPlaybook()
    {
        var playbook = Path.Combine(lab.Fixture.Paths.Root, "rejected.yaml");
        await File.WriteAllTextAsync(playbook,
            "- hosts: all\n  tasks:\n    - name: rejected\n      command: show no-such-thing on this device ever at all\n");
        return playbook;
    }

    /// <summary>The failure as the plain progress line on standard error gives it.</summary>
    private static string FailureMessage(string stderr) =>
        Regex.Match(stderr, @"failed: \[ios-1\] rejected \([\d.]+ s\): (.+)").Groups[1].Value.TrimEnd('\r') is { Length: > 0 } message
            ? message
            : throw new Xunit.Sdk.XunitException("no failure line in:\n" + stderr);

    private static int Occurrences(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    [Fact]
    public async Task Textfsm_parsed_records_reach_results_and_asserts()
    {
        var playbook = Path.Combine(lab.Fixture.Paths.Root, "parse.yaml");
        await File.WriteAllTextAsync(playbook, """
            - name: interfaces as records
              hosts: ios-1,junos-1
              tasks:
                - name: interfaces
                  command:
                    command: "{{ host.platform == 'juniper_junos' ? 'show interfaces terse' : 'show ip interface brief' }}"
                    parse: textfsm
                  register: interfaces
                - name: Loopback0 or lo0 is among them
                  assert:
                    that:
                      - '(interfaces.parsed | array.map "interface") | array.contains (host.platform == "juniper_junos" ? "lo0" : "Loopback0")'
            """);
        var (code, stdout, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", lab.Fixture.Paths.Inventory,
            "--known-hosts", lab.Fixture.Paths.KnownHosts, "-o", "json");
        Assert.True(code == 0, stdout + stderr);
        using var json = JsonDocument.Parse(stdout);
        var ios = json.RootElement.EnumerateArray().Single(r => r.GetProperty("device").GetString() == "ios-1" && r.GetProperty("module").GetString() == "command");
        var records = ios.GetProperty("parsed").EnumerateArray().ToList();
        Assert.Contains(records, r => r.GetProperty("interface").GetString() == "Loopback0" && r.GetProperty("status").GetString() == "up");
    }

    [Fact]
    public async Task Bad_playbook_is_reported_with_its_place_and_nothing_runs()
    {
        var playbook = Path.Combine(lab.Fixture.Paths.Root, "bad.yaml");
        await File.WriteAllTextAsync(playbook, "- hosts: all\n  tasks:\n    - comand: show version\n");
        var sessionsBefore = lab.Fixture.Host.SessionsServed;
        var (code, _, stderr) = await NetfleetProcess.RunAsync("run", playbook, "-i", lab.Fixture.Paths.Inventory);
        Assert.Equal(2, code);
        Assert.Contains("bad.yaml:3:7: error", stderr);
        Assert.Contains("did you mean 'command'?", stderr);
        Assert.Equal(sessionsBefore, lab.Fixture.Host.SessionsServed);
    }

    public sealed class Lab : IAsyncLifetime
    {
        public LabFixture Fixture { get; } = new(port => new LabSpec(port, TimeSpan.FromSeconds(1),
        [
            new LabDevice("ios-1", "127.0.3.1", "cisco_ios", DeviceFaults.None),
            new LabDevice("eos-1", "127.0.3.2", "arista_eos", new DeviceFaults { RejectConfig = ["^ntp server"] }),
            new LabDevice("junos-1", "127.0.3.3", "juniper_junos", DeviceFaults.None),
            new LabDevice("ios-2", "127.0.3.4", "cisco_ios", DeviceFaults.None),
        ]));

        public string Playbook => Path.Combine(RepositoryPaths.Root(), "playbooks", "sample.yaml");

        public Task InitializeAsync() => Fixture.InitializeAsync();

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }
}

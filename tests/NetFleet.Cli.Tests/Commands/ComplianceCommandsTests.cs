using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Testing;

namespace NetFleet.Cli.Tests.Commands;

/// <summary>
/// <c>netfleet compliance run|report</c> against a real lab: the sample rules (compliance/) flag what the lab's factory
/// configurations break, an approved remediation fixes it (each batch waiting for <c>jobs approve</c>, the canary's too), the
/// next run is clean, and the report reads every verdict and the trend back from the history in each export format.
/// </summary>
public sealed partial class ComplianceCommandsTests : IAsyncLifetime
{
    private static readonly string[] Devices = ["ios-k1", "eos-k2", "junos-k3"];

    private readonly LabFixture lab = new(port => new LabSpec(port, TimeSpan.FromSeconds(1),
    [
        new LabDevice("ios-k1", "127.0.19.1", "cisco_ios", DeviceFaults.None),
        new LabDevice("eos-k2", "127.0.19.2", "arista_eos", DeviceFaults.None),
        new LabDevice("junos-k3", "127.0.19.3", "juniper_junos", DeviceFaults.None),
    ]));

    private static string Rules => Path.Combine(RepositoryPaths.Root(), "compliance");

    private string Store => "sqlite:" + Path.Combine(lab.Paths.Root, "history.db");

    public Task InitializeAsync() => lab.InitializeAsync();

    public Task DisposeAsync() => lab.DisposeAsync();

    private string[] Run(params string[] extra) =>
    [
        "compliance", "run", "--rules", Rules, "-i", lab.Paths.Inventory, "--known-hosts", lab.Paths.KnownHosts, "--store", Store, .. extra,
    ];

    [Fact]
    public async Task A_run_flags_the_broken_rules_an_approved_remediation_fixes_them_and_the_next_run_is_clean()
    {
        var report = Path.Combine(lab.Paths.Root, "first.json");
        var first = await NetfleetProcess.RunAsync(Run("--out", report));
        Assert.True(first.ExitCode == 2, $"exit {first.ExitCode}\n{first.Stderr}");
        Assert.Contains("0 of 3 device(s) compliant", first.Stderr);
        using (var verdicts = JsonDocument.Parse(await File.ReadAllTextAsync(report)))
        {
            var failing = verdicts.RootElement.EnumerateArray().Where(v => !v.GetProperty("passed").GetBoolean())
                .Select(v => $"{v.GetProperty("device").GetString()} {v.GetProperty("rule").GetString()} {v.GetProperty("severity").GetString()}")
                .Order(StringComparer.Ordinal).ToList();
            Assert.Equal(
            [
                "eos-k2 eos-interface-description warning", "ios-k1 interface-description error", "ios-k1 password-encryption error",
                "junos-k3 junos-interface-description error",
            ], failing);
            var description = verdicts.RootElement.EnumerateArray().Single(v => v.GetProperty("rule").GetString() == "interface-description");
            Assert.Equal("missing 'regex:^description \\S' in interface GigabitEthernet0/2, interface GigabitEthernet0/3",
                description.GetProperty("message").GetString());
            Assert.Equal("interface GigabitEthernet0/2\n description unused port of ios-k1\ninterface GigabitEthernet0/3\n description unused port of ios-k1",
                description.GetProperty("remediation").GetString());
        }

        var before = Devices.ToDictionary(d => d, lab.Running);
        using var remediation = Start(Run("--remediate"));
        var id = await remediation.WaitFor(RemediationJob(), "id");
        await remediation.WaitFor(WaitingFor(1), "batch");
        // The first batch waits too: nothing has changed while no approval is stored.
        await Task.Delay(1000);
        Assert.All(Devices, d => Assert.Equal(before[d], lab.Running(d)));
        await Approve(id);

        await remediation.WaitFor(WaitingFor(2), "batch");
        var canary = Assert.Single(Devices, d => lab.Running(d) != before[d]);
        await Approve(id);
        var fixedCode = await remediation.ExitAsync();
        Assert.True(fixedCode == 0, $"exit {fixedCode}\n{remediation.Stderr}");
        Assert.All(Devices, d => Assert.NotEqual(before[d], lab.Running(d)));
        Assert.Contains("service password-encryption", lab.Running("ios-k1").Split('\n'));
        Assert.Contains($"BATCH 1/2: {canary}", remediation.Stderr);

        var clean = await NetfleetProcess.RunAsync(Run("-o", "csv"));
        Assert.True(clean.ExitCode == 0, $"exit {clean.ExitCode}\n{clean.Stderr}");
        var rows = clean.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("job_id,device,rule,severity,passed,message,remediation,at", rows[0]);
        Assert.Equal(12, rows.Length);
        Assert.All(rows.Skip(1), r => Assert.Contains(",true,", r));

        var json = await NetfleetProcess.RunAsync("compliance", "report", "--store", Store, "-o", "json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        using (var history = JsonDocument.Parse(json.Stdout))
        {
            Assert.Equal(11, history.RootElement.GetProperty("latest").GetArrayLength());
            Assert.All(history.RootElement.GetProperty("latest").EnumerateArray(), v => Assert.True(v.GetProperty("passed").GetBoolean()));
            var trend = history.RootElement.GetProperty("trend").EnumerateArray().Single(t => t.GetProperty("rule").GetString() == "password-encryption");
            // The first run, the remediating run's check before and after its fix, the clean run.
            Assert.Equal(["0/1", "0/1", "1/1", "1/1"], trend.GetProperty("runs").EnumerateArray()
                .Select(r => $"{r.GetProperty("passed").GetInt32()}/{r.GetProperty("checked").GetInt32()}"));
        }

        var xml = await NetfleetProcess.RunAsync("compliance", "report", "--store", Store, "-o", "xml");
        var document = XDocument.Parse(xml.Stdout);
        Assert.Equal(11, document.Root!.Elements("verdict").Count());
        Assert.Equal(4, document.Root.Element("trend")!.Elements("rule").Single(r => (string?)r.Attribute("name") == "interface-description").Elements("run").Count());

        var table = await NetfleetProcess.RunAsync("compliance", "report", "--store", Store, "--since", "1h");
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Matches(@"ios-k1\s+pass\s+-\s+pass", table.Stdout);
        Assert.Contains("3 of 3 device(s) compliant", table.Stdout);
    }

    [Fact]
    public async Task A_broken_rule_file_stops_the_run_before_any_device_is_asked()
    {
        var rules = Path.Combine(lab.Paths.Root, "bad.yaml");
        await File.WriteAllTextAsync(rules, "- name: ntp\n  must_contian: ntp server 10.255.0.1\n");
        var result = await NetfleetProcess.RunAsync("compliance", "run", "--rules", rules, "-i", lab.Paths.Inventory, "--store", Store);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{rules}:2:3", result.Stderr);
        Assert.Contains("must_contain", result.Stderr);
        Assert.DoesNotContain("job ", result.Stderr);
    }

    [Fact]
    public async Task An_unreachable_device_makes_the_run_exit_1()
    {
        var inventory = Directory.CreateDirectory(Path.Combine(lab.Paths.Root, "broken-inventory")).FullName;
        foreach (var file in Directory.GetFiles(lab.Paths.Inventory)) File.Copy(file, Path.Combine(inventory, Path.GetFileName(file)));
        var hosts = Path.Combine(inventory, "hosts.yaml");
        await File.WriteAllTextAsync(hosts, (await File.ReadAllTextAsync(hosts)).Replace("127.0.19.2", "127.0.19.99", StringComparison.Ordinal));
        var result = await NetfleetProcess.RunAsync("compliance", "run", "--rules", Rules, "-i", inventory, "--known-hosts", lab.Paths.KnownHosts,
            "--store", Store, "-o", "json");
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.Stderr}");
        using var verdicts = JsonDocument.Parse(result.Stdout);
        Assert.DoesNotContain(verdicts.RootElement.EnumerateArray(), v => v.GetProperty("device").GetString() == "eos-k2");
    }

    private async Task Approve(string id)
    {
        var approve = await NetfleetProcess.RunAsync("jobs", "approve", id, "--store", Store);
        Assert.True(approve.ExitCode == 0, approve.Stderr);
    }

    private static Background Start(string[] args)
    {
        var start = NetfleetCommand.StartInfo(args);
        return new Background(Process.Start(start)!);
    }

    /// <summary>A netfleet process whose standard error is read as it comes, to wait for lines in it.</summary>
    private sealed class Background : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder stderr = new();

        public Background(Process process)
        {
            this.process = process;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (stderr) stderr.AppendLine(e.Data);
            };
            process.BeginErrorReadLine();
            _ = process.StandardOutput.ReadToEndAsync();
        }

        public string Stderr
        {
            get
            {
                lock (stderr) return stderr.ToString();
            }
        }

        public async Task<string> WaitFor(Regex line, string group)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (line.Match(Stderr) is { Success: true } m) return m.Groups[group].Value;
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited, $"no '{line}' in:\n{Stderr}");
                await Task.Delay(50);
            }
        }

        public async Task<int> ExitAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }

    [GeneratedRegex(@"job (?<id>\S+) \(compliance-remediation\) recorded in")]
    private static partial Regex RemediationJob();

    private static Regex WaitingFor(int batch) => new($@"WAITING for approval of batch (?<batch>{batch.ToString(CultureInfo.InvariantCulture)}):");
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Node;
using NetFleet.Testing;

// Device entities at scale (EntityBench, entities.sh): --entities N [--idle SECONDS]; its workers run this program too.
if (EntityBench.IsNode(args)) return await EntityBench.RunNodeAsync(args);
if (args.Contains("--entities")) return await EntityBench.RunAsync(Option("--entities", 0), TimeSpan.FromSeconds(Option("--idle", 30)));

// Load benchmark: N jobs submitted at once to a 3-node cluster (one orchestrator+worker, two workers), each job a
// read-only playbook over every lab device. Reports the wall time, throughput and, per job, the time from its
// submission until its first task started and until it finished. Nothing here is asserted: it reports what it measured.
var jobs = Option("--jobs", 50);
var devices = Option("--devices", 30);
var output = Path.Combine(RepositoryPaths.Root(), "artifacts", "bench", "cluster-load.json");
// The node processes inherit one cluster key: the device requests they pass each other carry sealed passwords.
Environment.SetEnvironmentVariable(NetFleet.Actors.Wire.WireFormat.ClusterKeyVariable, NetFleet.Actors.Wire.SecretSeal.NewKey());

await using var postgres = new Fixture<PostgresFixture>(new PostgresFixture());
var lab = new LabFixture(port => LabSpec.Generate(devices, LabPlatforms.All, port, TimeSpan.FromMilliseconds(200)));
await using var labScope = new Fixture<LabFixture>(lab);
await Task.WhenAll(postgres.StartAsync(), labScope.StartAsync());
LabInventoryWriter.Write(lab.Spec, lab.Paths, lab.Paths.Inventory);
var store = await postgres.Value.NewStoreAsync();
var token = await ApiTokens.CreateAsync(JobStore.Parse(store), "bench", ApiRole.Operator);
var playbook = Path.Combine(lab.Paths.Root, "load.yaml");
await File.WriteAllTextAsync(playbook, """
    - name: Read-only load
      hosts: all
      tasks:
        - name: Version
          command: show version
        - name: Interfaces (IOS, EOS)
          command: show ip interface brief
          when: host.platform != "juniper_junos"
        - name: Interfaces (Junos)
          command: show interfaces terse
          when: host.platform == "juniper_junos"
    """);

var managementPorts = Enumerable.Range(0, 3).Select(_ => Loopback.FreePort()).ToList();
var contactPoints = string.Join(',', managementPorts.Select(p => $"127.0.0.1:{p}"));
var apiPort = Loopback.FreePort();
var nodes = new List<Process>();
try
{
    string[] roles = ["orchestrator,worker", "worker", "worker"];
    var up = new List<Task>();
    for (var i = 0; i < 3; i++)
    {
        var (process, started) = StartNode(i, roles[i], managementPorts[i], contactPoints, apiPort, store);
        nodes.Add(process);
        up.Add(started);
    }

    await Task.WhenAll(up).WaitAsync(TimeSpan.FromMinutes(2));
    Console.Error.WriteLine($"cluster of 3 up; {devices} lab devices; submitting {jobs} jobs at once");

    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = Timeout.InfiniteTimeSpan };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var clock = Stopwatch.StartNew();
    var results = await Task.WhenAll(Enumerable.Range(0, jobs).Select(_ => RunJobAsync(http, clock, playbook, lab.Paths)));
    var wall = clock.Elapsed;

    var accepted = results.Select(r => r.Accepted.TotalMilliseconds).Order().ToList();
    var jobStarted = results.Select(r => r.Started.TotalMilliseconds).Order().ToList();
    var firstTask = results.Select(r => r.FirstTask.TotalMilliseconds).Order().ToList();
    var finished = results.Select(r => r.Finished.TotalMilliseconds).Order().ToList();
    var deviceTasks = results.Sum(r => r.DeviceTasks);
    var report = new
    {
        jobs,
        devices,
        nodes = 3,
        wallSeconds = wall.TotalSeconds,
        jobsPerMinute = jobs / wall.TotalMinutes,
        taskResultsPerSecond = deviceTasks / wall.TotalSeconds,
        statuses = results.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count()),
        acceptedMs = Percentiles(accepted),
        jobStartedMs = Percentiles(jobStarted),
        firstTaskMs = Percentiles(firstTask),
        finishedMs = Percentiles(finished),
        cpuCount = Environment.ProcessorCount,
        at = DateTimeOffset.UtcNow,
    };
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"{jobs} jobs x {devices} devices x 2 commands on 3 nodes: {wall.TotalSeconds:0.0} s wall, {report.jobsPerMinute:0.0} jobs/min, " +
        $"{report.taskResultsPerSecond:0} task results/s (skips included); statuses {string.Join(", ", report.statuses.Select(s => $"{s.Key} {s.Value}"))}");
    Console.WriteLine($"time to 202 Accepted (ms): p50 {report.acceptedMs.p50:0} p90 {report.acceptedMs.p90:0} max {report.acceptedMs.max:0}");
    Console.WriteLine($"time to job-started (ms):  p50 {report.jobStartedMs.p50:0} p90 {report.jobStartedMs.p90:0} max {report.jobStartedMs.max:0}");
    Console.WriteLine($"time to first task (ms): p50 {report.firstTaskMs.p50:0} p90 {report.firstTaskMs.p90:0} max {report.firstTaskMs.max:0}");
    Console.WriteLine($"time to finish (ms):     p50 {report.finishedMs.p50:0} p90 {report.finishedMs.p90:0} max {report.finishedMs.max:0}");
    Console.WriteLine($"written to {output}");
}
finally
{
    foreach (var node in nodes.Where(n => !n.HasExited)) node.Kill(entireProcessTree: true);
    foreach (var node in nodes) await node.WaitForExitAsync();
}

return 0;

static async Task<JobTiming> RunJobAsync(HttpClient http, Stopwatch clock, string playbook, LabPaths paths)
{
    var submitted = clock.Elapsed;
    using var response = await http.PostAsJsonAsync("/api/jobs", new { playbook, inventory = paths.Inventory, knownHosts = paths.KnownHosts });
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"submit refused: {(int)response.StatusCode} {body}");
    using var accepted = JsonDocument.Parse(body);
    var events = accepted.RootElement.GetProperty("events").GetString()!;
    using var stream = await http.GetStreamAsync(events);
    using var reader = new StreamReader(stream);
    TimeSpan? firstTask = null;
    TimeSpan? jobStarted = null;
    var accepted202 = clock.Elapsed - submitted;
    string? eventName = null;
    while (await reader.ReadLineAsync() is { } line)
    {
        if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line[7..];
        else if (line.StartsWith("data: ", StringComparison.Ordinal))
        {
            switch (eventName)
            {
                case "job-started":
                    jobStarted ??= clock.Elapsed - submitted;
                    break;
                case "task-started":
                    firstTask ??= clock.Elapsed - submitted;
                    break;
                case "job-finished":
                    using (var finished = JsonDocument.Parse(line[6..]))
                    {
                        var summary = finished.RootElement.GetProperty("summary");
                        var failure = summary.GetProperty("results").EnumerateArray()
                            .Select(r => r.TryGetProperty("message", out var m) ? m.ToString() : "").FirstOrDefault(m => m.Length > 0);
                        if (OutcomeName(summary.GetProperty("outcome")) != "Succeeded")
                        {
                            Console.Error.WriteLine($"job {accepted.RootElement.GetProperty("jobId")}: {OutcomeName(summary.GetProperty("outcome"))}; " +
                                $"{(summary.TryGetProperty("haltReason", out var h) ? h.ToString() : "")} {failure}");
                        }

                        return new JobTiming(accepted202, jobStarted ?? TimeSpan.Zero, firstTask ?? TimeSpan.Zero, clock.Elapsed - submitted, summary.GetProperty("results").GetArrayLength(),
                            OutcomeName(summary.GetProperty("outcome")));
                    }
            }
        }
    }

    throw new InvalidOperationException("the event stream ended before job-finished");
}

static string OutcomeName(JsonElement outcome) =>
    outcome.ValueKind == JsonValueKind.Number ? ((NetFleet.Core.Results.JobOutcome)outcome.GetInt32()).ToString() : outcome.ToString();

static (Process, Task) StartNode(int index, string roles, int managementPort, string contactPoints, int apiPort, string store)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
    start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netfleet.dll"));
    foreach (var arg in new[] { "node", "--roles", roles, "--port", Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
        "--management-port", managementPort.ToString(CultureInfo.InvariantCulture), "--discovery", "config", "--contact-points", contactPoints,
        "--api-port", apiPort.ToString(CultureInfo.InvariantCulture), "--store", store })
    {
        start.ArgumentList.Add(arg);
    }

    var process = Process.Start(start)!;
    var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    process.ErrorDataReceived += (_, e) =>
    {
        if (e.Data is null) return;
        if (e.Data.Contains(" up: ", StringComparison.Ordinal)) up.TrySetResult();
        Console.Error.WriteLine($"[node {index}] {e.Data}");
    };
    process.OutputDataReceived += (_, _) => { };
    process.BeginErrorReadLine();
    process.BeginOutputReadLine();
    return (process, up.Task);
}

static Spread Percentiles(List<double> sorted) =>
    new(sorted[0], sorted[(int)(0.5 * (sorted.Count - 1))], sorted[(int)(0.9 * (sorted.Count - 1))], sorted[^1]);

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

#pragma warning disable IDE1006 // lower-case: the JSON report's field names
internal sealed record Spread(double min, double p50, double p90, double max);
#pragma warning restore IDE1006

internal sealed record JobTiming(TimeSpan Accepted, TimeSpan Started, TimeSpan FirstTask, TimeSpan Finished, int DeviceTasks, string Status);

/// <summary>Starts and stops an xunit fixture outside a test run.</summary>
internal sealed class Fixture<T>(T value) : IAsyncDisposable where T : Xunit.IAsyncLifetime
{
    private bool started;

    public T Value { get; } = value;

    public async Task StartAsync()
    {
        await Value.InitializeAsync();
        started = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (started) await Value.DisposeAsync();
    }
}

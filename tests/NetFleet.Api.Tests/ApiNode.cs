using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Node;
using NetFleet.Testing;

namespace NetFleet.Api.Tests;

/// <summary>A real node (orchestrator and worker roles, SQLite store in a scratch folder) serving the API on a free
/// loopback port, a lab of three devices (IOS, EOS, Junos) on addresses no other test uses, and tokens for an
/// operator (alice) and a viewer (victor).</summary>
public sealed class ApiNode : IAsyncLifetime
{
    public static readonly string[] Devices = ["ios-api", "eos-api", "junos-api"];

    private readonly LabFixture lab = new(port => new LabSpec(port, TimeSpan.FromMilliseconds(200),
    [
        new LabDevice(Devices[0], "127.0.88.1", "cisco_ios", DeviceFaults.None),
        new LabDevice(Devices[1], "127.0.88.2", "arista_eos", DeviceFaults.None),
        new LabDevice(Devices[2], "127.0.88.3", "juniper_junos", DeviceFaults.None),
    ]));

    public string Folder { get; } = Directory.CreateTempSubdirectory("netfleet-api-test-").FullName;
    public JobStore Store { get; private set; } = null!;
    public ClusterNode Node { get; private set; } = null!;
    public string OperatorToken { get; private set; } = "";
    public string ViewerToken { get; private set; } = "";
    public string Inventory => Path.Combine(Folder, "inventory");

    public async Task InitializeAsync()
    {
        await lab.InitializeAsync();
        LabInventoryWriter.Write(lab.Spec, lab.Paths, Inventory);
        Store = JobStore.Parse($"sqlite:{Path.Combine(Folder, "netfleet.db")}");
        OperatorToken = await ApiTokens.CreateAsync(Store, "alice", ApiRole.Operator);
        ViewerToken = await ApiTokens.CreateAsync(Store, "victor", ApiRole.Viewer);
        var settings = NodeSettings.Resolve(new NodeOptions
            {
                Roles = "orchestrator,worker", Hostname = "127.0.0.1", Port = Loopback.FreePort(), ApiHost = "127.0.0.1", ApiPort = 0, Store = Store.Display,
            }, _ => null) with
            {
                Playbooks = Path.Combine(RepositoryPaths.Root(), "playbooks"),
                Inventory = Inventory,
                KnownHosts = lab.Paths.KnownHosts,
                Configs = new(Path.Combine(Folder, "configs"), null),
            };
        Node = await ClusterNode.StartAsync(settings, Serilog.Core.Logger.None, api: new NetFleetApi());
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await lab.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    public HttpClient Client(string? token)
    {
        var http = new HttpClient { BaseAddress = Node.ApiUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, NetFleetApi.Json)!;
    }

    public static async Task<T> GetAsync<T>(HttpClient http, string path) => await ReadAsync<T>(await http.GetAsync(path));

    /// <summary>Submits and returns the job's id; the submission must be accepted.</summary>
    public static async Task<string> SubmitAsync(HttpClient http, object request)
    {
        using var response = await http.PostAsJsonAsync("/api/jobs", request, NetFleetApi.Json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await ReadAsync<SubmitResponse>(response)).JobId;
    }

    /// <summary>Polls the job until it is no longer running.</summary>
    public static async Task<JobDetail> WaitFinishedAsync(HttpClient http, string jobId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            using var response = await http.GetAsync($"/api/jobs/{jobId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var job = await ReadAsync<JobDetail>(response);
                if (job.Status != "running") return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not finish in time");
            await Task.Delay(250);
        }
    }

    /// <summary>Reads the job's Server-Sent Events until one named <paramref name="name"/> arrives; returns the names seen.</summary>
    public static async Task<List<string>> ReadEventsUntilAsync(HttpClient http, string jobId, string name, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var response = await http.GetAsync($"/api/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var seen = new List<string>();
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (!line.StartsWith("event: ", StringComparison.Ordinal)) continue;
            seen.Add(line[7..]);
            if (line[7..] == name) return seen;
        }

        Assert.Fail($"the event stream of job {jobId} ended before {name}: {string.Join(", ", seen)}");
        return seen;
    }

    /// <summary>Runs the real <c>netfleet</c> program, as a user would.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunNetfleetAsync(params string[] args) =>
        NetfleetCommand.RunAsync(NetfleetCommand.StartInfo(args), TimeSpan.FromMinutes(1));
}

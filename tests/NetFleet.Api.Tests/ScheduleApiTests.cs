using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using NetFleet.Node;
using NetFleet.Testing;
using static NetFleet.Actors.Scheduling.ScheduleProtocol;

namespace NetFleet.Api.Tests;

/// <summary>The schedule endpoints over real HTTP against a node of their own (no devices: the playbook runs a local task).</summary>
public sealed class ScheduleApiTests : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-schedule-api-").FullName;
    private ClusterNode node = null!;
    private string operatorToken = "";
    private string viewerToken = "";

    private const string Playbook = """
        - hosts: all
          tasks:
            - set_fact:
                seen: true
        """;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(folder, "inventory"));
        await File.WriteAllTextAsync(Path.Combine(folder, "inventory", "hosts.yaml"), "r1:\n  hostname: 127.0.0.1\n  platform: cisco_ios\n");
        var store = JobStore.Parse($"sqlite:{Path.Combine(folder, "netfleet.db")}");
        operatorToken = await ApiTokens.CreateAsync(store, "alice", ApiRole.Operator);
        viewerToken = await ApiTokens.CreateAsync(store, "victor", ApiRole.Viewer);
        var settings = NodeSettings.Resolve(new NodeOptions
        {
            Roles = "orchestrator,worker", Hostname = "127.0.0.1", Port = Loopback.FreePort(), ApiHost = "127.0.0.1", ApiPort = 0, Store = store.Display,
        }, _ => null) with { Inventory = Path.Combine(folder, "inventory") };
        node = await ClusterNode.StartAsync(settings, Serilog.Core.Logger.None, api: new NetFleetApi());
    }

    public async Task DisposeAsync()
    {
        await node.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    private HttpClient Client(string token)
    {
        var http = new HttpClient { BaseAddress = node.ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<ScheduleView> OneAsync(HttpClient http, string name) =>
        (await http.GetFromJsonAsync<List<ScheduleView>>("/api/schedules", NetFleetApi.Json))!.Single(s => s.Name == name);

    [Fact]
    public async Task An_operator_adds_pauses_resumes_and_removes_a_schedule_and_its_slots_run_as_jobs()
    {
        using var http = Client(operatorToken);
        using var added = await http.PostAsJsonAsync("/api/schedules",
            new ScheduleRequest("facts", "* * * * * *") { TimeZone = "Europe/Paris", PlaybookText = Playbook, Overlap = OverlapQueue }, NetFleetApi.Json);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        ScheduleView view;
        while ((view = await OneAsync(http, "facts")).Recent.All(s => s.State != "submitted"))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "no slot was submitted");
            await Task.Delay(200);
        }

        Assert.Equal(("active", "Europe/Paris", "once", "queue", "alice"), (view.State, view.TimeZone, view.CatchUp, view.Overlap, view.User));
        Assert.NotNull(view.NextSlot);
        var jobId = view.Recent.First(s => s.State == "submitted").JobId!;
        Assert.StartsWith("s-facts-", jobId);
        // The job manager has accepted the slot's job; the history shows it once the projector has read its journal.
        while ((await http.GetAsync($"/api/jobs/{jobId}")).StatusCode == HttpStatusCode.NotFound)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline.AddSeconds(30), $"the slot's job {jobId} never reached the job history");
            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/jobs/{jobId}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/schedules/facts/pause", null)).StatusCode);
        Assert.Equal("paused", (await OneAsync(http, "facts")).State);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/schedules/facts/resume", null)).StatusCode);
        Assert.Equal("active", (await OneAsync(http, "facts")).State);
        Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync("/api/schedules/facts")).StatusCode);
        Assert.DoesNotContain(await http.GetFromJsonAsync<List<ScheduleView>>("/api/schedules", NetFleetApi.Json) ?? [], s => s.Name == "facts");
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync("/api/schedules/facts")).StatusCode);
    }

    [Fact]
    public async Task Bad_schedules_are_refused_with_the_reason_and_viewers_may_only_read()
    {
        using var http = Client(operatorToken);
        async Task<string> RefusedAsync(ScheduleRequest request)
        {
            using var response = await http.PostAsJsonAsync("/api/schedules", request, NetFleetApi.Json);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<ApiError>(NetFleetApi.Json))!.Error;
        }

        Assert.Contains("expected 5", await RefusedAsync(new ScheduleRequest("bad", "0 * *") { PlaybookText = Playbook }));
        Assert.Contains("expected an IANA zone", await RefusedAsync(new ScheduleRequest("bad", "0 * * * *") { PlaybookText = Playbook, TimeZone = "Nowhere/Else" }));
        Assert.Contains("expected once or skip", await RefusedAsync(new ScheduleRequest("bad", "0 * * * *") { PlaybookText = Playbook, CatchUp = "twice" }));
        Assert.Contains("unknown module 'set_facts'", await RefusedAsync(new ScheduleRequest("bad", "0 * * * *")
        {
            PlaybookText = "- hosts: all\n  tasks:\n    - set_facts: {a: 1}\n",
        }));

        using var viewer = Client(viewerToken);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/schedules")).StatusCode);
        using var forbidden = await viewer.PostAsJsonAsync("/api/schedules", new ScheduleRequest("v", "0 * * * *") { PlaybookText = Playbook }, NetFleetApi.Json);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.DeleteAsync("/api/schedules/v")).StatusCode);
    }
}

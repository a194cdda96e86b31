using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using NetFleet.Node;
using NetFleet.Testing;

namespace NetFleet.Api.Tests;

/// <summary>The API over real HTTP on loopback against a real node and the lab: who may do what, jobs submitted,
/// followed, listed, shown, cancelled, approved and rolled back, and the OpenAPI document.</summary>
public sealed class ApiTests(ApiNode node) : IClassFixture<ApiNode>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    /// <summary>A read-only playbook, one device per batch, slow enough per device that a cancel lands mid-job.</summary>
    private const string SlowSerialPlaybook = """
        - name: One device at a time
          hosts: all
          serial: 1
          tasks:
            - command: show version
            - pause: {seconds: 2}
        """;

    [Fact]
    public async Task Anonymous_and_unknown_tokens_get_401_viewers_get_403_on_writes_health_is_open()
    {
        using var anonymous = node.Client(null);
        using var stranger = node.Client("not-a-token");
        using var viewer = node.Client(node.ViewerToken);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/health")).StatusCode);
        // The dashboard's files are public: the page asks for a token itself.
        using (var page = await anonymous.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }

        foreach (var path in new[] { "/api/jobs", "/api/inventory", "/api/playbooks", "/api/cluster", "/api/whoami", "/api/stats/jobs" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/jobs", new { playbook = "sample" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/jobs", new { playbook = "sample" })).StatusCode);
        foreach (var action in new[] { "cancel", "approve", "rollback" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/jobs/some-job/{action}", null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/captures", new { @interface = "lo" })).StatusCode);
        var me = await ApiNode.GetAsync<WhoAmI>(viewer, "/api/whoami");
        Assert.Equal(("victor", "viewer"), (me.Name, me.Role));
        Assert.Empty(await ApiNode.GetAsync<List<JobListItem>>(viewer, "/api/jobs?user=victor"));
    }

    [Fact]
    public async Task Operator_runs_the_sample_playbook_and_every_read_endpoint_shows_what_it_did()
    {
        using var http = node.Client(node.OperatorToken);
        var playbooks = await ApiNode.GetAsync<List<PlaybookView>>(http, "/api/playbooks");
        Assert.Contains(playbooks, p => p.Name == "sample");
        var inventory = await ApiNode.GetAsync<List<InventoryHostView>>(http, "/api/inventory");
        Assert.Equal(ApiNode.Devices.Order(), inventory.Select(h => h.Name).Order());
        using (var raw = await http.GetAsync("/api/inventory"))
        {
            var text = await raw.Content.ReadAsStringAsync();
            Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        }

        var jobId = await ApiNode.SubmitAsync(http, new { playbook = "sample" });
        var events = await ApiNode.ReadEventsUntilAsync(http, jobId, "job-finished", JobTimeout);
        Assert.Equal("job-started", events[0]);
        Assert.Contains("task-finished", events);
        var job = await ApiNode.WaitFinishedAsync(http, jobId);

        Assert.Equal(("succeeded", "alice", false), (job.Status, job.User, job.Check));
        Assert.Equal(ApiNode.Devices.Order(), job.Devices.Select(d => d.Device).Order());
        Assert.All(job.Devices, d => Assert.Contains(d.Status, new[] { "ok", "changed" }));
        // serial: [1, "50%"] over three devices: a canary, then half of the three (one) at a time.
        Assert.Equal([1, 1, 1], job.Batches.Select(b => b.Devices.Count));
        Assert.All(job.Batches, b => Assert.NotNull(b.Finished));
        Assert.Contains(job.Audit, a => a is { Action: "submit", User: "alice" });

        var listed = await ApiNode.GetAsync<List<JobListItem>>(http, "/api/jobs?user=alice&status=succeeded&playbook=sample&limit=50");
        var row = Assert.Single(listed, j => j.JobId == jobId);
        Assert.Equal(3, row.Devices);
        Assert.NotNull(row.DurationSeconds);
        Assert.DoesNotContain(await ApiNode.GetAsync<List<JobListItem>>(http, "/api/jobs?status=failed"), j => j.JobId == jobId);
        Assert.Contains(await ApiNode.GetAsync<List<JobStat>>(http, "/api/stats/jobs?days=1"), s => s.JobId == jobId && s.Status == "succeeded");

        foreach (var device in job.Devices)
        {
            var diff = await ApiNode.GetAsync<DiffView>(http, $"/api/jobs/{jobId}/devices/{device.Device}/diff");
            if (device.Status == "changed")
            {
                Assert.Contains("192.0.2.10", diff.Diff);
                var history = await ApiNode.GetAsync<List<DeviceHistoryItem>>(http, $"/api/devices/{device.Device}/history");
                var change = Assert.Single(history, h => h.JobId == jobId);
                Assert.Equal("alice", change.User);
                Assert.Contains("192.0.2.10", change.Diff);
            }
        }

        Assert.Contains(job.Devices, d => d.Status == "changed");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/jobs/no-such-job")).StatusCode);
    }

    [Fact]
    public async Task A_bad_playbook_is_refused_with_the_validators_file_line_and_column()
    {
        using var http = node.Client(node.OperatorToken);
        using var response = await http.PostAsJsonAsync("/api/jobs", new
        {
            playbookText = "- name: typo\n  hosts: all\n  tasks:\n    - confg:\n        lines: [ntp server 192.0.2.1]\n",
        }, NetFleetApi.Json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<ApiError>(NetFleetApi.Json))!.Error;
        Assert.Matches(new Regex(@"\.yaml:4:\d+: error NF\d+: unknown module 'confg'"), error);
        Assert.Contains("did you mean 'config'", error);

        using var missing = await http.PostAsJsonAsync("/api/jobs", new { playbook = "no-such-playbook" }, NetFleetApi.Json);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task Cancel_stops_a_running_job_before_its_later_batches_and_records_who_cancelled()
    {
        using var http = node.Client(node.OperatorToken);
        var jobId = await ApiNode.SubmitAsync(http, new { playbookText = SlowSerialPlaybook });
        await ApiNode.ReadEventsUntilAsync(http, jobId, "task-finished", JobTimeout);

        using var cancel = await http.PostAsync($"/api/jobs/{jobId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var job = await ApiNode.WaitFinishedAsync(http, jobId);

        Assert.Equal("cancelled", job.Status);
        // The first device's batch was let finish; no batch started after the cancel, so a device never ran.
        Assert.True(job.Batches.Count < 3, $"{job.Batches.Count} batches ran");
        Assert.Contains(job.Devices, d => d.Status == "skipped");
        Assert.Contains(job.Audit, a => a is { Action: "cancel", User: "alice" });
        var listed = await ApiNode.GetAsync<List<JobListItem>>(http, "/api/jobs?status=cancelled");
        Assert.Contains(listed, j => j.JobId == jobId);

        // Stopped for good: nothing runs after the end, and it cannot be cancelled again.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await ApiNode.GetAsync<JobDetail>(http, $"/api/jobs/{jobId}");
        Assert.Equal(job.Devices.Select(d => d.Status), later.Devices.Select(d => d.Status));
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/api/jobs/{jobId}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/api/jobs/no-such-job/cancel", null)).StatusCode);

        // The CLI shows the same audit trail.
        var (code, shown, _) = await ApiNode.RunNetfleetAsync("jobs", "show", jobId, "--store", node.Store.Display);
        Assert.Equal(0, code);
        Assert.Matches(new Regex(@"alice\W+cancel"), shown);
    }

    [Fact]
    public async Task Approve_lets_a_waiting_batch_go_on_and_is_recorded()
    {
        using var http = node.Client(node.OperatorToken);
        var jobId = await ApiNode.SubmitAsync(http, new
        {
            playbookText = "- name: Gated\n  hosts: all\n  serial: 1\n  approval: true\n  tasks:\n    - command: show version\n",
            limit = $"{ApiNode.Devices[0]},{ApiNode.Devices[1]}",
        });
        var beforeGate = await ApiNode.ReadEventsUntilAsync(http, jobId, "approval-requested", JobTimeout);
        Assert.Contains("task-finished", beforeGate);
        // Without an approval the second batch does not start, and the job says it waits.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var waiting = await ApiNode.GetAsync<JobDetail>(http, $"/api/jobs/{jobId}");
        Assert.Single(waiting.Batches);
        Assert.True(waiting.WaitingForApproval);

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/jobs/{jobId}/approve", null)).StatusCode);
        var events = await ApiNode.ReadEventsUntilAsync(http, jobId, "job-finished", JobTimeout);
        Assert.Equal(new[] { "approval-requested", "approval-granted", "batch-started" },
            events.SkipWhile(e => e != "approval-requested").Where(e => e.StartsWith("approval-", StringComparison.Ordinal) || e == "batch-started"));
        var job = await ApiNode.WaitFinishedAsync(http, jobId);
        Assert.Equal("succeeded", job.Status);
        Assert.False(job.WaitingForApproval);
        Assert.Equal(2, job.Batches.Count);
        Assert.Contains(job.Audit, a => a is { Action: "approve", User: "alice" });
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/api/jobs/{jobId}/approve", null)).StatusCode);
    }

    [Fact]
    public async Task Rollback_of_a_finished_job_runs_as_a_job_of_its_own_and_restores_the_device()
    {
        using var http = node.Client(node.OperatorToken);
        var device = ApiNode.Devices[1];
        var jobId = await ApiNode.SubmitAsync(http, new
        {
            playbookText = "- name: Banner\n  hosts: all\n  tasks:\n    - config:\n        lines: [ntp server 192.0.2.77]\n",
            limit = device,
        });
        var job = await ApiNode.WaitFinishedAsync(http, jobId);
        Assert.Equal("succeeded", job.Status);
        Assert.Equal("changed", Assert.Single(job.Devices).Status);

        using var response = await http.PostAsync($"/api/jobs/{jobId}/rollback", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var rollbackId = (await ApiNode.ReadAsync<JobAccepted>(response)).JobId;
        Assert.NotEqual(jobId, rollbackId);
        var rollback = await ApiNode.WaitFinishedAsync(http, rollbackId);

        Assert.Equal(("succeeded", "alice"), (rollback.Status, rollback.User));
        Assert.Equal("changed", Assert.Single(rollback.Devices).Status);
        Assert.Contains((await ApiNode.GetAsync<JobDetail>(http, $"/api/jobs/{jobId}")).Audit,
            a => a.Action == "rollback" && a.User == "alice" && a.Detail!.Contains(rollbackId, StringComparison.Ordinal));
        var history = await ApiNode.GetAsync<List<DeviceHistoryItem>>(http, $"/api/devices/{device}/history");
        Assert.Contains("192.0.2.77", Assert.Single(history, h => h.JobId == rollbackId).Diff);
        // The rollback's own page shows what it restored.
        Assert.Contains("192.0.2.77", (await ApiNode.GetAsync<DiffView>(http, $"/api/jobs/{rollbackId}/devices/{device}/diff")).Diff);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/api/jobs/no-such-job/rollback", null)).StatusCode);
    }

    [Fact]
    public async Task A_compliance_job_fills_the_compliance_grid_and_its_trend()
    {
        using var http = node.Client(node.OperatorToken);
        var rules = Path.Combine(RepositoryPaths.Root(), "compliance");
        var jobId = await ApiNode.SubmitAsync(http, new { playbookText = Core.Playbooks.BuiltInPlaybooks.Compliance(rules) });
        Assert.Equal("succeeded", (await ApiNode.WaitFinishedAsync(http, jobId, JobTimeout)).Status);

        using var viewer = node.Client(node.ViewerToken);
        var compliance = await ApiNode.GetAsync<ComplianceView>(viewer, "/api/compliance");
        // The lab's IOS factory configuration keeps passwords in clear; its NTP server is there.
        Assert.Contains(compliance.Latest, v => v is { Device: "ios-api", Rule: "password-encryption", Passed: false, Severity: "error" });
        Assert.Contains(compliance.Latest, v => v is { Device: "ios-api", Rule: "ntp-server", Passed: true });
        Assert.DoesNotContain(compliance.Latest, v => v.Device == "junos-api" && v.Rule == "password-encryption");
        var trend = Assert.Single(compliance.Trend, t => t.Rule == "password-encryption");
        Assert.Contains(trend.Runs, r => r is { JobId: var id, Passed: 0, Checked: 1 } && id == jobId);

        var later = await ApiNode.GetAsync<ComplianceView>(viewer, $"/api/compliance?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}");
        Assert.Empty(later.Latest);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_endpoints_and_the_bearer_scheme()
    {
        using var anonymous = node.Client(null);
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[]
                 {
                     "/api/health", "/api/whoami", "/api/playbooks", "/api/inventory", "/api/jobs", "/api/jobs/{jobId}",
                     "/api/jobs/{jobId}/devices/{device}/diff", "/api/jobs/{jobId}/cancel", "/api/jobs/{jobId}/approve",
                     "/api/jobs/{jobId}/rollback", "/api/jobs/{jobId}/events", "/api/devices/{device}/history", "/api/stats/jobs",
                     "/api/captures", "/api/cluster", "/api/compliance",
                 })
        {
            Assert.Contains(path, paths);
        }

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        var submit = document.RootElement.GetProperty("paths").GetProperty("/api/jobs").GetProperty("post");
        Assert.Equal("Bearer", submit.GetProperty("security")[0].EnumerateObject().Single().Name);
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_hashes_and_a_revoked_token_is_refused()
    {
        var token = await ApiTokens.CreateAsync(node.Store, "temp-op", ApiRole.Operator);
        Assert.True(token.Length >= 43, "32 random bytes in base64url");
        var tokens = await ApiTokens.ListAsync(node.Store);
        Assert.Contains(tokens, t => t is { Name: "temp-op", Role: ApiRole.Operator });

        // Every column of every row, and the database file itself, hold no token in clear.
        await using (var connection = new SqliteConnection(node.Store.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, role, token_hash, created_at FROM nf_api_tokens";
            await using var reader = await command.ExecuteReaderAsync();
            var hashes = new List<string>();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
                    foreach (var clear in new[] { token, node.OperatorToken, node.ViewerToken }) Assert.DoesNotContain(clear, value);
                }

                hashes.Add(reader.GetString(2));
            }

            Assert.Contains(ApiTokens.Hash(token), hashes);
        }

        var path = new SqliteConnectionStringBuilder(node.Store.ConnectionString).DataSource;
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            Assert.DoesNotContain(token, System.Text.Encoding.ASCII.GetString(await ReadSharedAsync(file)));
        }

        using var http = node.Client(token);
        Assert.Equal("temp-op", (await ApiNode.GetAsync<WhoAmI>(http, "/api/whoami")).Name);
        Assert.True(await ApiTokens.RevokeAsync(node.Store, "temp-op"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/whoami")).StatusCode);
        Assert.False(await ApiTokens.RevokeAsync(node.Store, "temp-op"));
        await Assert.ThrowsAsync<ArgumentException>(() => ApiTokens.CreateAsync(node.Store, "alice", ApiRole.Viewer));
        await Assert.ThrowsAsync<ArgumentException>(() => ApiTokens.CreateAsync(node.Store, "bad name!", ApiRole.Viewer));
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}

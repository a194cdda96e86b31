using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace NetFleet.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser against a real node and lab (<see cref="DashboardFixture"/>): logging in with a
/// token, submitting the sample playbook and watching the device grid as the job runs, a device's diff and change
/// history, the jobs table and chart, what a viewer may not do, and how refusals are shown. Screenshots of each step
/// go to artifacts/test-results/screenshots/. Waits are on page conditions (Playwright's auto-waiting assertions).
/// </summary>
public sealed partial class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    /// <summary>A job on six lab devices over SSH, on two shared cores, with other tests running.</summary>
    private static readonly LocatorAssertionsToHaveCountOptions JobTime = new() { Timeout = 180_000 };
    private static readonly LocatorAssertionsToHaveAttributeOptions JobStatusTime = new() { Timeout = 180_000 };

    // Records every state a device cell shows, with the job's status at that moment, from the page's first load on.
    private const string RecordGrid = """
        window.gridChanges = [];
        new MutationObserver(records => {
          for (const record of records) {
            const nodes = record.type === 'attributes' ? [record.target]
              : [...record.addedNodes].filter(n => n.nodeType === 1).flatMap(n => [n, ...n.querySelectorAll('.device-cell')]);
            for (const node of nodes) {
              if (!node.classList?.contains('device-cell')) continue;
              window.gridChanges.push({ device: node.dataset.device, status: node.dataset.status,
                job: document.getElementById('job-status')?.dataset.jobStatus });
            }
          }
        }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
        """;

    static DashboardTests() => SetDefaultExpectTimeout(20_000);

    [Fact]
    public async Task Operator_submits_the_sample_playbook_watches_the_grid_fill_live_reads_a_diff_and_rolls_it_back()
    {
        await fixture.InPageAsync(nameof(Operator_submits_the_sample_playbook_watches_the_grid_fill_live_reads_a_diff_and_rolls_it_back), SubmitAndWatchAsync);
    }

    private async Task SubmitAndWatchAsync(IPage page)
    {
        await page.AddInitScriptAsync(RecordGrid);
        await LogInAsync(page, fixture.OperatorToken);
        await Expect(page.Locator("#who-name")).ToHaveTextAsync(DashboardFixture.Operator);
        await Expect(page.Locator("#who-role")).ToHaveTextAsync("operator");
        await Expect(page.Locator("#jobs-table, #no-jobs")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "01-jobs-after-login");

        await page.GetByRole(AriaRole.Link, new() { Name = "Submit" }).ClickAsync();
        await page.Locator("#playbook").SelectOptionAsync("sample");
        await Expect(page.Locator("#check")).Not.ToBeCheckedAsync();
        await page.Locator("#submit-job").ClickAsync();
        await Expect(page).ToHaveURLAsync(JobPage());
        var jobId = JobPage().Match(page.Url).Groups["id"].Value;

        var devices = fixture.Lab.Spec.Devices.Select(d => d.Name).ToList();
        var grid = page.Locator("#device-grid .device-cell");
        await Expect(grid).ToHaveCountAsync(devices.Count);
        // The first batch is one device: it is amber while the other five are still waiting or running.
        await Expect(page.Locator("#device-grid .device-cell[data-status=changed]")).Not.ToHaveCountAsync(0, new() { Timeout = 180_000 });
        await fixture.ScreenshotAsync(page, "02-job-running");

        await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-job-status", "succeeded", JobStatusTime);
        await Expect(page.Locator("#device-grid .device-cell[data-status=changed]")).ToHaveCountAsync(devices.Count, JobTime);
        Assert.Equal(devices.Order(), (await grid.EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.device)")).Order());
        await Expect(page.Locator("#timeline .timeline-row")).ToHaveCountAsync(3); // serial: [1, "50%"] of six devices
        await fixture.ScreenshotAsync(page, "03-job-finished");

        // The grid changed as the job's events came, not only when it was reloaded at the end.
        var changes = await page.EvaluateAsync<JsonElement>("window.gridChanges");
        var seen = changes.EnumerateArray().Select(c => (Device: c.GetProperty("device").GetString(), Status: c.GetProperty("status").GetString(),
            Job: c.GetProperty("job").GetString())).ToList();
        Assert.Contains(seen, c => c is { Status: "changed", Job: "running" });
        // The first batch's device may be done before the page subscribed (a loaded machine); the later batches' devices
        // were each seen waiting or running.
        Assert.All(devices.Skip(1), d => Assert.Contains(seen, c => c.Device == d && c.Status is "pending" or "running"));

        var device = devices.First(d => d.StartsWith("ios-", StringComparison.Ordinal));
        await page.Locator($"#device-grid .device-cell[data-device='{device}']").ClickAsync();
        await Expect(page.Locator("#diff-panel")).ToHaveAttributeAsync("data-device", device);
        var added = page.Locator("#diff-text .line.add");
        await Expect(added.Filter(new() { HasText = "ntp server 192.0.2.10" })).ToHaveCountAsync(1);
        await Expect(added.Filter(new() { HasText = "ntp server 192.0.2.11" })).ToHaveCountAsync(1);
        await Expect(page.Locator("#diff-panel .error-box")).ToHaveCountAsync(0);
        await fixture.ScreenshotAsync(page, "04-device-diff");

        await page.Locator("#device-history-link").ClickAsync();
        var change = page.Locator($"#device-history article[data-job-id='{jobId}']");
        await Expect(change).ToHaveCountAsync(1);
        await Expect(change.Locator(".diff")).ToContainTextAsync("ntp server 192.0.2.10");
        await fixture.ScreenshotAsync(page, "05-device-history");

        await page.GetByRole(AriaRole.Link, new() { Name = "Devices", Exact = true }).ClickAsync();
        await Expect(page.Locator("#devices-table tbody tr")).ToHaveCountAsync(devices.Count);
        await Expect(page.Locator($"#devices-table tr[data-device='{device}']")).ToContainTextAsync("cisco_ios");

        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        var row = page.Locator($"#jobs-table tr[data-job-id='{jobId}']");
        await Expect(row.Locator("[data-status]")).ToHaveTextAsync("succeeded");
        await Expect(row).ToContainTextAsync(DashboardFixture.Operator);
        await Expect(page.Locator($"#duration-chart circle[data-job-id='{jobId}']")).ToHaveAttributeAsync("data-status", "succeeded");
        await fixture.ScreenshotAsync(page, "06-jobs-and-chart");
        // Every job of this fixture succeeded (or never started), so none is left when only failed ones are asked for.
        await page.Locator("#filter-status").SelectOptionAsync("failed");
        await Expect(page).ToHaveURLAsync(new Regex("status=failed"));
        await Expect(page.Locator("#no-jobs")).ToBeVisibleAsync();
        await Expect(row).ToHaveCountAsync(0);
        await page.Locator("#filter-status").SelectOptionAsync("succeeded");
        await Expect(row).ToHaveCountAsync(1);
        await fixture.ScreenshotAsync(page, "07-jobs-filtered");

        // The same playbook again finds every line there: the grid turns green (ok) for every device this time.
        await page.GetByRole(AriaRole.Link, new() { Name = "Submit" }).ClickAsync();
        await page.Locator("#playbook").SelectOptionAsync("sample");
        await page.Locator("#submit-job").ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex($"#/jobs/{jobId}$"));
        await Expect(page).ToHaveURLAsync(JobPage());
        await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-job-status", "succeeded", JobStatusTime);
        await Expect(page.Locator("#device-grid .device-cell[data-status=ok]")).ToHaveCountAsync(devices.Count, JobTime);
        await fixture.ScreenshotAsync(page, "07b-rerun-all-green");

        // Roll the job back from its page (the button asks first): a job of its own that takes the NTP lines out again.
        await page.GotoAsync($"/#/jobs/{jobId}");
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.Locator("#job-actions button[data-action=rollback]").ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex($"#/jobs/{jobId}$"));
        await Expect(page).ToHaveURLAsync(JobPage());
        await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-job-status", "succeeded", JobStatusTime);
        await Expect(page.Locator("#device-grid .device-cell[data-status=changed]")).ToHaveCountAsync(devices.Count, JobTime);
        var rollbackId = JobPage().Match(page.Url).Groups["id"].Value;
        await fixture.ScreenshotAsync(page, "08-rollback-job");
        await page.Locator($"#device-grid .device-cell[data-device='{device}']").ClickAsync();
        // The rollback's own page shows what it took out.
        await Expect(page.Locator("#diff-text .line.del").Filter(new() { HasText = "ntp server 192.0.2.10" })).ToHaveCountAsync(1);
        await page.Locator("#device-history-link").ClickAsync();
        var undone = page.Locator($"#device-history article[data-job-id='{rollbackId}'] .diff .line.del");
        await Expect(undone.Filter(new() { HasText = "ntp server 192.0.2.10" })).ToHaveCountAsync(1);
        await Expect(page.Locator("#device-history article")).ToHaveCountAsync(2);
        await fixture.ScreenshotAsync(page, "09-device-history-after-rollback");
    }

    [Fact]
    public Task A_token_the_node_does_not_know_is_refused_on_the_login_page() =>
        fixture.InPageAsync(nameof(A_token_the_node_does_not_know_is_refused_on_the_login_page), async page =>
        {
            await LogInAsync(page, "not-a-token-of-this-node", refused: true);
            await Expect(page.Locator("#login-form .error-box")).ToContainTextAsync("refused");
            await Expect(page.Locator("#who")).ToBeHiddenAsync();
            Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('netfleet.token')"));
            await fixture.ScreenshotAsync(page, "10-bad-token");

            await page.Locator("#token").FillAsync(fixture.ViewerToken);
            await page.Locator("#login-form button[type=submit]").ClickAsync();
            await Expect(page.Locator("#who-name")).ToHaveTextAsync(DashboardFixture.Viewer);
        });

    [Fact]
    public async Task A_viewer_sees_jobs_but_no_submit_form_or_job_buttons()
    {
        var jobId = await SubmitAsOperatorAsync(new { playbookText = ShowVersion, limit = "ios-1" });

        await fixture.InPageAsync(nameof(A_viewer_sees_jobs_but_no_submit_form_or_job_buttons), async viewer =>
        {
            await LogInAsync(viewer, fixture.ViewerToken);
            await Expect(viewer.Locator("#who-role")).ToHaveTextAsync("viewer");
            await Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true })).ToBeVisibleAsync();
            await Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Submit" })).ToBeHiddenAsync();
            await viewer.GotoAsync("/#/submit");
            await Expect(viewer.Locator("#operators-only")).ToBeVisibleAsync();
            await Expect(viewer.Locator("#submit-form")).ToHaveCountAsync(0);

            await viewer.GotoAsync($"/#/jobs/{jobId}");
            await Expect(viewer.Locator("#job-status")).ToHaveAttributeAsync("data-job-status", "succeeded", JobStatusTime);
            await Expect(viewer.Locator("#device-grid .device-cell[data-device='ios-1']")).ToHaveAttributeAsync("data-status", "ok");
            await Expect(viewer.Locator("#job-actions button")).ToHaveCountAsync(0);
            await fixture.ScreenshotAsync(viewer, "11-viewer-job");
        });

        // The same page for an operator has the button the viewer lacks.
        await fixture.InPageAsync(nameof(A_viewer_sees_jobs_but_no_submit_form_or_job_buttons) + "-operator", async operatorPage =>
        {
            await LogInAsync(operatorPage, fixture.OperatorToken);
            await operatorPage.GotoAsync($"/#/jobs/{jobId}");
            await Expect(operatorPage.Locator("#job-actions button[data-action=rollback]")).ToBeVisibleAsync();
        });
    }

    [Fact]
    public Task A_playbook_the_validator_refuses_shows_its_diagnostics_with_file_line_and_column() =>
        fixture.InPageAsync(nameof(A_playbook_the_validator_refuses_shows_its_diagnostics_with_file_line_and_column), async page =>
        {
            await LogInAsync(page, fixture.OperatorToken);
            await page.GotoAsync("/#/submit");
            await page.Locator("#source-text").CheckAsync();
            await page.Locator("#playbook-text").FillAsync("""
                - name: Misspelt module
                  hosts: all
                  tasks:
                    - confg:
                        lines: ["ntp server 192.0.2.99"]
                """);
            await page.Locator("#submit-job").ClickAsync();
            var diagnostic = page.Locator("#submit-status .diagnostic").Filter(new() { HasText = "confg" });
            await Expect(diagnostic).ToContainTextAsync("did you mean 'config'");
            await Expect(diagnostic.Locator(".place")).ToHaveTextAsync(new Regex(@"\.yaml:4:\d+$"));
            await Expect(page).ToHaveURLAsync(new Regex("#/submit$"));
            await fixture.ScreenshotAsync(page, "12-validator-error");
        });

    [Fact]
    public Task A_job_at_an_approval_gate_says_it_waits_and_offers_Approve_only_then() =>
        fixture.InPageAsync(nameof(A_job_at_an_approval_gate_says_it_waits_and_offers_Approve_only_then), async page =>
        {
            var devices = fixture.Lab.Spec.Devices.Select(d => d.Name).Take(2).ToList();
            var jobId = await SubmitAsOperatorAsync(new
            {
                playbookText = "- name: Gated\n  hosts: all\n  serial: 1\n  approval: true\n  tasks:\n    - command: show version\n",
                limit = string.Join(',', devices),
            });
            await LogInAsync(page, fixture.OperatorToken);
            await page.GotoAsync($"/#/jobs/{jobId}");
            var approve = page.Locator("#job-actions button[data-action=approve]");
            var waiting = page.Locator("#approval-wait");
            await Expect(waiting).ToBeVisibleAsync(new() { Timeout = 180_000 });
            await Expect(waiting).ToContainTextAsync("Waiting for approval of batch 2");
            await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-job-status", "running");
            await fixture.ScreenshotAsync(page, "13-waiting-for-approval");

            await approve.ClickAsync();
            await Expect(waiting).ToBeHiddenAsync();
            await Expect(approve).ToHaveCountAsync(0);
            await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-job-status", "succeeded", JobStatusTime);
            await Expect(page.Locator("#audit")).ToContainTextAsync("approve");
        });

    private const string ShowVersion = """
        - name: Read the version
          hosts: all
          tasks:
            - command: show version
        """;

    /// <summary>Logs in on the log-in page; unless the token is meant to be refused, waits until the header shows the
    /// user (the token is then in the tab's session).</summary>
    private static async Task LogInAsync(IPage page, string token, bool refused = false)
    {
        await page.GotoAsync("/");
        await page.Locator("#token").FillAsync(token);
        await page.Locator("#login-form button[type=submit]").ClickAsync();
        if (!refused) await Expect(page.Locator("#who")).ToBeVisibleAsync();
    }

    private async Task<string> SubmitAsOperatorAsync(object body)
    {
        using var http = new HttpClient { BaseAddress = fixture.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.OperatorToken);
        using var response = await http.PostAsJsonAsync("/api/jobs", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("jobId").GetString()!;
    }

    [GeneratedRegex("#/jobs/(?<id>[^/?]+)$")]
    private static partial Regex JobPage();
}

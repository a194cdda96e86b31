using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace NetFleet.Dashboard.Tests;

/// <summary>The compliance page: the grid of devices × rules and each rule's trend, after a compliance job.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task A_compliance_run_shows_in_the_grid_with_failures_by_severity_and_the_trend()
    {
        await fixture.InPageAsync(nameof(A_compliance_run_shows_in_the_grid_with_failures_by_severity_and_the_trend), async page =>
        {
            var rules = Path.Combine(fixture.RepositoryRoot, "compliance");
            var jobId = await SubmitAsOperatorAsync(new { playbookText = Core.Playbooks.BuiltInPlaybooks.Compliance(rules) });
            await LogInAsync(page, fixture.ViewerToken);
            await page.GotoAsync($"/#/jobs/{jobId}");
            await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-job-status", "succeeded", JobStatusTime);

            await page.GotoAsync("/#/compliance");
            var ios = page.Locator("#compliance-grid tbody tr").Filter(new() { HasText = "ios" }).First;
            var header = page.Locator("#compliance-grid thead th");
            await Expect(header).ToContainTextAsync(["Device", "bgp-log-neighbor-changes"]);
            // Every IOS device of the lab keeps passwords in clear (an error) and has unused ports without a description.
            var column = (await header.AllTextContentsAsync()).ToList().IndexOf("password-encryption");
            Assert.True(column > 0);
            await Expect(ios.Locator("td, th").Nth(column)).ToHaveAttributeAsync("data-verdict", "FAIL");
            await Expect(page.Locator("#compliance-grid [data-verdict=pass]")).Not.ToHaveCountAsync(0);
            await Expect(page.Locator("#compliance-trend tr[data-rule='password-encryption'] td").Nth(1)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^0/\d+$"));
            await fixture.ScreenshotAsync(page, "compliance");
        });
    }
}

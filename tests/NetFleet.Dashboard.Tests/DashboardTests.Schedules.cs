using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace NetFleet.Dashboard.Tests;

public sealed partial class DashboardTests
{
    [Fact]
    public Task An_operator_pauses_resumes_and_removes_a_schedule_on_the_schedules_page_and_a_viewer_gets_no_buttons() =>
        fixture.InPageAsync(nameof(An_operator_pauses_resumes_and_removes_a_schedule_on_the_schedules_page_and_a_viewer_gets_no_buttons), async page =>
        {
            using (var http = new HttpClient { BaseAddress = fixture.Url })
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.OperatorToken);
                // New Year at midnight in Paris: it never fires while the test runs.
                using var added = await http.PostAsJsonAsync("/api/schedules", new
                {
                    name = "new-year", cron = "0 0 1 1 *", timeZone = "Europe/Paris",
                    playbookText = "- hosts: all\n  tasks:\n    - set_fact:\n        year: new\n",
                });
                Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
            }

            await LogInAsync(page, fixture.OperatorToken);
            await page.GetByRole(AriaRole.Link, new() { Name = "Schedules" }).ClickAsync();
            var row = page.Locator("#schedules-table tr[data-schedule='new-year']");
            await Expect(row).ToHaveAttributeAsync("data-state", "active");
            await Expect(row).ToContainTextAsync("0 0 1 1 * Europe/Paris");
            await fixture.ScreenshotAsync(page, "schedules-01-active");

            await row.Locator("button[data-action=pause]").ClickAsync();
            await Expect(row).ToHaveAttributeAsync("data-state", "paused");
            await row.Locator("button[data-action=resume]").ClickAsync();
            await Expect(row).ToHaveAttributeAsync("data-state", "active");

            await page.Locator("#logout").ClickAsync();
            await LogInAsync(page, fixture.ViewerToken);
            await page.GotoAsync("/#/schedules");
            await Expect(row).ToBeVisibleAsync();
            await Expect(row.Locator("button")).ToHaveCountAsync(0);

            await page.Locator("#logout").ClickAsync();
            await LogInAsync(page, fixture.OperatorToken);
            await page.GotoAsync("/#/schedules");
            await row.Locator("button[data-action=remove]").ClickAsync();
            await Expect(row).ToHaveCountAsync(0);
        });
}

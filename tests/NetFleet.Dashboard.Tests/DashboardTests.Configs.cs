using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using NetFleet.Core.Playbooks;
using NetFleet.Lab.Devices;
using NetFleet.Testing;
using static Microsoft.Playwright.Assertions;

namespace NetFleet.Dashboard.Tests;

/// <summary>Backups in the dashboard: a change made with the OpenSSH client between two backups marks the device as
/// drifted in the devices table, on the drift page and in its configuration timeline, with the diff.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task A_change_made_outside_netfleet_shows_as_drift_in_the_device_timeline()
    {
        const string device = "ios-1";
        await WaitJobAsync(await SubmitAsOperatorAsync(new { playbookText = BuiltInPlaybooks.Backup, limit = device }));
        var address = fixture.Lab.Spec.Devices.Single(d => d.Name == device).Address;
        var (code, output) = await OpenSsh.RunAsync(fixture.Lab.Paths, fixture.Lab.Spec.Port, address, tty: true,
            input: $"terminal length 0\renable\r{LabDefaults.EnableSecret}\rconfigure terminal\rinterface Loopback66\rdescription by hand\rend\rexit\r");
        Assert.True(code == 0, output);
        var found = await SubmitAsOperatorAsync(new { playbookText = BuiltInPlaybooks.Backup, limit = device });
        await WaitJobAsync(found);

        await fixture.InPageAsync(nameof(A_change_made_outside_netfleet_shows_as_drift_in_the_device_timeline), async page =>
        {
            await LogInAsync(page, fixture.ViewerToken);
            await page.GotoAsync("/#/devices");
            await Expect(page.Locator($"#devices-table tr[data-device='{device}']")).ToHaveAttributeAsync("data-drift", "true");

            await page.GotoAsync($"/#/devices/{device}");
            var version = page.Locator($"#config-timeline article[data-drift='true']").Filter(new() { HasText = found });
            await Expect(version).ToContainTextAsync("+interface Loopback66");
            await Expect(version.Locator(".badge")).ToHaveTextAsync("drift");
            await fixture.ScreenshotAsync(page, "20-config-timeline-drift");

            await page.GotoAsync("/#/drift");
            await Expect(page.Locator($"#drift-list article[data-job-id='{found}']")).ToContainTextAsync(LabDefaults.Username);
        });
    }

    private async Task WaitJobAsync(string jobId)
    {
        using var http = new HttpClient { BaseAddress = fixture.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.OperatorToken);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            using var response = await http.GetAsync($"/api/jobs/{jobId}");
            if (response.IsSuccessStatusCode
                && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString() is { } status
                && status != "running")
            {
                Assert.Equal("succeeded", status);
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not finish in time");
            await Task.Delay(250);
        }
    }
}

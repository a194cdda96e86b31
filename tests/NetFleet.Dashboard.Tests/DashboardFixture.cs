using Microsoft.Playwright;
using NetFleet.Api;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Node;
using NetFleet.Testing;

namespace NetFleet.Dashboard.Tests;

/// <summary>
/// The real thing on loopback: the device lab (six devices, three platforms), one in-process node with the orchestrator
/// and worker roles serving the API and the dashboard (the repository's playbooks, the lab's inventory and known_hosts,
/// a SQLite store of its own), an operator and a viewer token, and Debian's chromium driven headless by Playwright.
/// Each test opens its own browser context (its own sessionStorage); everything is stopped in <see cref="DisposeAsync"/>.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Operator = "alice";
    public const string Viewer = "victor";
    private const string Chromium = "/usr/bin/chromium";

    private readonly string folder = Directory.CreateTempSubdirectory("netfleet-dashboard-test-").FullName;
    private ClusterNode? node;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private bool labStarted;
    private bool disposed;

    /// <summary>Every lab device answers each command this late, so a job runs for seconds: long enough that the browser
    /// is surely following it before it ends, which is what the live-grid test watches.</summary>
    private const int SlowReplyMs = 150;

    public LabFixture Lab { get; } = new(SlowLab);
    public Uri Url => node!.ApiUrl!;
    public string OperatorToken { get; private set; } = "";
    public string ViewerToken { get; private set; } = "";
    public IBrowser Browser => browser ?? throw new InvalidOperationException("the browser has not started");
    public string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Screenshots kept as test artifacts: artifacts/test-results/screenshots/ under the repository root.</summary>
    public string Screenshots => Path.Combine(RepositoryRoot, "artifacts", "test-results", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: install Debian's chromium (deploy/install-deps.sh); browsers are never downloaded");
        }

        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        await Lab.InitializeAsync();
        labStarted = true;
        LabInventoryWriter.Write(Lab.Spec, Lab.Paths, Lab.Paths.Inventory);
        var settings = NodeSettings.Resolve(new NodeOptions
        {
            Roles = "orchestrator,worker", Hostname = "127.0.0.1", Port = Loopback.FreePort(), ApiHost = "127.0.0.1", ApiPort = 0,
            Store = $"sqlite:{Path.Combine(folder, "netfleet.db")}",
        }, _ => null) with
        {
            Playbooks = Path.Combine(RepositoryRoot, "playbooks"),
            Inventory = Lab.Paths.Inventory,
            KnownHosts = Lab.Paths.KnownHosts,
            Configs = new(Path.Combine(folder, "configs"), null),
        };
        node = await ClusterNode.StartAsync(settings, Serilog.Core.Logger.None, api: new NetFleetApi());
        OperatorToken = await ApiTokens.CreateAsync(node.Store, Operator, ApiRole.Operator);
        ViewerToken = await ApiTokens.CreateAsync(node.Store, Viewer, ApiRole.Viewer);

        Directory.CreateDirectory(Screenshots);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
    }

    /// <summary>Runs a test's steps in a page of a fresh browser context (no session) on the dashboard's address; when a
    /// step fails, the page as it was is saved as FAILED-<paramref name="test"/>.png beside the other screenshots.</summary>
    public async Task InPageAsync(string test, Func<IPage, Task> steps)
    {
        await using var context = await Browser.NewContextAsync(new() { BaseURL = Url.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        try
        {
            await steps(page);
        }
        catch
        {
            await ScreenshotAsync(page, "FAILED-" + test);
            throw;
        }
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        if (node is not null) await node.DisposeAsync();
        if (labStarted) await Lab.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    private static LabSpec SlowLab(int port)
    {
        var spec = LabSpec.Generate(6, LabPlatforms.All, port, TimeSpan.FromMilliseconds(200));
        return spec with { Devices = spec.Devices.Select(d => d with { Faults = new DeviceFaults { SlowReplyMs = SlowReplyMs } }).ToList() };
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetFleet.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("NetFleet.sln not found above " + AppContext.BaseDirectory);
    }
}

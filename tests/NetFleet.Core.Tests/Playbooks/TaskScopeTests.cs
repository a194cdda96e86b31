using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Tests.Playbooks;

/// <summary>Templating, conditions and loops as a runner will use them: real playbook, real inventory.</summary>
public class TaskScopeTests
{
    private static readonly Play Play = PlaybookLoader.Load(TestFiles.Path("Playbooks", "Good", "ntp.yaml")).Playbook!.Plays[0];
    private static readonly NetFleet.Core.Inventory.Inventory Inventory = InventoryLoader.Load(TestFiles.Path("Inventory", "Good")).Inventory!;

    private static readonly Dictionary<string, object?> NoFacts = [];

    private static VariableScope ScopeFor(string host, int task, IReadOnlyDictionary<string, object?>? facts = null) =>
        TaskScope.ForTask(Play.Tasks[task], TaskScope.ForPlay(Play, Inventory.FindHost(host)!, facts ?? NoFacts));

    [Fact]
    public void Play_selection_uses_the_inventory()
    {
        Assert.Equal("lon-r1 lon-r2 lon-sw1 nyc-r1 ios-1", string.Join(' ', Play.Hosts.Evaluate(Inventory, out var hosts).Count == 0 ? hosts.Select(h => h.Name) : []));
    }

    [Fact]
    public void Play_vars_are_templates_over_the_host()
    {
        Assert.True(ScopeFor("lon-r1", 0).TryGet("greeting", out var greeting));
        Assert.Equal("hello lon-r1", greeting);
    }

    [Fact]
    public void Loop_over_a_template_expression_keeps_the_list_and_binds_item()
    {
        var task = Play.Tasks[1];
        var scope = ScopeFor("lon-r1", 1);

        var items = task.Loop!.Expand(scope);
        var requests = items.Select(i => ((IDeviceModule)task.Module).Prepare(task.Args, TaskScope.ForItem(scope, i))).ToList();

        Assert.Equal(["192.0.2.10", "192.0.2.11"], items);
        Assert.Equal(new SendCommand("show ntp associations | include 192.0.2.11", null, "^\\*"), requests[1]);
    }

    [Theory]
    [InlineData("lon-r1", new[] { "ntp server 192.0.2.10", "ntp server 192.0.2.11" })]
    [InlineData("nyc-r1", new[] { "set system ntp server 192.0.2.10", "set system ntp server 192.0.2.11" })]
    public void Config_template_renders_platform_specific_lines(string host, string[] lines)
    {
        var task = Play.Tasks[2];

        var request = Assert.IsType<ApplyConfig>(((IDeviceModule)task.Module).Prepare(task.Args, ScopeFor(host, 2)));

        Assert.Equal(lines, request.Lines);
        Assert.True(request.Save);
    }

    [Fact]
    public void Config_lines_see_host_fields_and_inherited_data()
    {
        var task = Play.Tasks[3];

        var request = (ApplyConfig)((IDeviceModule)task.Module).Prepare(task.Args, ScopeFor("lon-r2", 3));

        Assert.Equal(["hostname lon-r2.lab.example"], request.Lines);
    }

    [Theory]
    [InlineData("lon-r1", true)]
    [InlineData("lon-sw1", false)]
    [InlineData("nyc-r1", false)]
    public void When_is_a_bare_expression_over_the_host(string host, bool runs) =>
        Assert.Equal(runs, Play.Tasks[3].When!.IsTrue(ScopeFor(host, 3)));

    [Fact]
    public async Task Set_fact_evaluates_templates_and_keeps_native_lists()
    {
        var task = Play.Tasks[4];

        var result = await ((ILocalModule)task.Module).ExecuteAsync(task.Args, new TaskContext(ScopeFor("nyc-r1", 4)), default);

        Assert.False(result.Failed);
        Assert.Equal("NYC", result.Facts["site_upper"]);
        Assert.Equal(["192.0.2.10", "192.0.2.11"], Assert.IsAssignableFrom<IEnumerable<object?>>(result.Facts["servers"]));
    }

    [Fact]
    public async Task Assert_sees_registered_results_and_facts()
    {
        var task = Play.Tasks[5];
        var module = (ILocalModule)task.Module;
        var ok = ModuleResult.Ok().ToRegistered();
        var failed = ModuleResult.Fail("timeout").ToRegistered();

        var pass = await module.ExecuteAsync(task.Args, new TaskContext(ScopeFor("lon-r1", 5, new Dictionary<string, object?> { ["version"] = ok, ["site_upper"] = "LON" })), default);
        var fail = await module.ExecuteAsync(task.Args, new TaskContext(ScopeFor("lon-r1", 5, new Dictionary<string, object?> { ["version"] = failed, ["site_upper"] = "LON" })), default);

        Assert.False(pass.Failed);
        Assert.True(fail.Failed);
        Assert.Equal("failed on lon-r1", fail.Message);
        Assert.Equal("version.failed == false", fail.Data["assertion"]);
    }

    [Fact]
    public async Task Undefined_variable_fails_with_its_place_in_the_playbook()
    {
        var task = Play.Tasks[5];

        var error = await Assert.ThrowsAsync<TemplateEvaluationException>(async () =>
            await ((ILocalModule)task.Module).ExecuteAsync(task.Args, new TaskContext(ScopeFor("lon-r1", 5)), default));

        Assert.Equal((30, 13), (error.Diagnostic.Line, error.Diagnostic.Column));
        Assert.Contains("version", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_asks_the_operator_when_interactive()
    {
        var module = new PauseModule();
        var args = new PauseArgs(null, TemplateText.Parse("Continue on {{ host.name }}?", out _));
        string? asked = null;

        var result = await module.ExecuteAsync(args, new TaskContext(ScopeFor("lon-r1", 6), (q, _) => { asked = q; return ValueTask.FromResult("yes"); }), default);
        var batch = await module.ExecuteAsync(args, new TaskContext(ScopeFor("lon-r1", 6)), default);

        Assert.Equal("Continue on lon-r1?", asked);
        Assert.Equal("yes", result.Data["user_input"]);
        Assert.True(batch.Failed);
    }
}

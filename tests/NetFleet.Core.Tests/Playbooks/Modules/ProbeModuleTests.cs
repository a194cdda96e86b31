using NetFleet.Core.Diagnostics;
using NetFleet.Core.Inventory;
using NetFleet.Core.Playbooks;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Templating;

namespace NetFleet.Core.Tests.Playbooks.Modules;

/// <summary>The probe module's arguments: defaults, targets rendered per host, and mistakes reported at their place.</summary>
public sealed class ProbeModuleTests
{
    private static (PlaybookLoadResult Result, string Path) Load(string yaml) => PlaybookSnippet.Load(yaml);

    private static Host HostAt(string hostname)
    {
        var entry = InventoryEntry.Empty("r1", new SourceLocation("hosts.yaml", 1, 1)) with { Hostname = hostname };
        return new Host(entry, [entry]);
    }

    [Fact]
    public void Probe_targets_render_per_host_with_the_given_count_interval_and_timeout()
    {
        var (result, _) = Load("""
            - hosts: all
              tasks:
                - probe:
                    targets: ["{{ host.hostname }}:22", "[::1]:443"]
                    count: 5
                    interval: 200ms
                    timeout: 2s
                  register: reach
                - probe: {targets: ["{{ host.hostname }}"], protocol: icmp}
                - probe: {targets: ["127.0.0.1:53"], protocol: udp, expect_echo: true}
            """);
        Assert.Empty(result.Diagnostics);
        var tasks = result.Playbook!.Plays[0].Tasks;
        var host = HostAt("10.1.2.3");
        var scope = VariableScope.ForHost(host);

        var tcp = Assert.IsType<ProbeTargets>(((IDeviceModule)tasks[0].Module).Prepare(tasks[0].Args, scope));
        Assert.Equal([new ProbeTarget("10.1.2.3:22", "10.1.2.3", 22), new ProbeTarget("[::1]:443", "::1", 443)], tcp.Targets);
        Assert.Equal((ProbeModule.Tcp, 5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), false),
            (tcp.Protocol, tcp.Count, tcp.Interval, tcp.Timeout, tcp.ExpectEcho));
        Assert.Equal("reach", tasks[0].Register);

        var icmp = Assert.IsType<ProbeTargets>(((IDeviceModule)tasks[1].Module).Prepare(tasks[1].Args, scope));
        Assert.Equal((ProbeModule.Icmp, "10.1.2.3", 0, 3, TimeSpan.FromSeconds(1)), (icmp.Protocol, icmp.Targets[0].Host, icmp.Targets[0].Port, icmp.Count, icmp.Interval));
        var udp = Assert.IsType<ProbeTargets>(((IDeviceModule)tasks[2].Module).Prepare(tasks[2].Args, scope));
        Assert.True(udp.ExpectEcho);
    }

    [Fact]
    public void Probe_mistakes_are_reported_at_their_place_when_the_playbook_loads()
    {
        var (result, path) = Load("""
            - hosts: all
              tasks:
                - probe: {targets: ["10.0.0.1"]}
                - probe: {targets: ["10.0.0.1:99999", "10.0.0.2:22"]}
                - probe: {targets: ["10.0.0.1:22"], protocol: icmp}
                - probe: {targets: ["a:1"], protocol: sctp}
                - probe: {targets: ["a:1"], count: 0, interval: often, timeout: -1}
                - probe: {targets: ["a:1"], expect_echo: true}
                - probe: {targets: []}
                - probe: {tragets: ["a:1"]}
            """);
        Assert.Null(result.Playbook);
        var errors = result.Diagnostics.Where(d => d.IsError).Select(d => (d.Line, d.Column, d.Code)).OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
        Assert.Equal(
        [
            (3, 25, DiagnosticCodes.InvalidValue),
            (4, 25, DiagnosticCodes.InvalidValue),
            (5, 25, DiagnosticCodes.InvalidValue),
            (6, 43, DiagnosticCodes.InvalidValue),
            (7, 40, DiagnosticCodes.InvalidValue),
            (7, 53, DiagnosticCodes.BadDuration),
            (7, 69, DiagnosticCodes.BadDuration),
            (8, 46, DiagnosticCodes.InvalidValue),
            (9, 24, DiagnosticCodes.Empty),
            (10, 7, DiagnosticCodes.MissingKey),
            (10, 15, DiagnosticCodes.UnknownKey),
        ], errors);
        Assert.All(result.Diagnostics, d => Assert.Equal(path, d.File));
        string Message(int line) => result.Diagnostics.First(d => d.Line == line).Message;
        Assert.Equal("target '10.0.0.1': tcp probes need a port (HOST:PORT)", Message(3));
        Assert.Equal("target '10.0.0.1:99999': port '99999' is not a number from 1 to 65535", Message(4));
        Assert.Equal("target '10.0.0.1:22': ICMP echo has no port; write the host alone", Message(5));
        Assert.Contains("'sctp' is not a valid value for 'protocol'", Message(6));
        Assert.Equal("'expect_echo' applies to udp probes only", Message(8));
        Assert.Equal("did you mean 'targets'?", result.Diagnostics.Single(d => d.Code == DiagnosticCodes.UnknownKey).Hint);
    }

    [Fact]
    public void A_templated_target_that_renders_badly_fails_for_that_host_with_the_reason()
    {
        var (result, _) = Load("""
            - hosts: all
              tasks:
                - probe: {targets: ["{{ host.hostname }}"]}
            """);
        var task = result.Playbook!.Plays[0].Tasks[0];
        var host = HostAt("10.1.2.3");
        var error = Assert.Throws<FormatException>(() => ((IDeviceModule)task.Module).Prepare(task.Args, VariableScope.ForHost(host)));
        Assert.Equal("target '10.1.2.3': tcp probes need a port (HOST:PORT)", error.Message);
    }

    [Fact]
    public void Netns_is_rendered_per_host_and_a_host_var_of_that_name_is_used_only_where_a_task_names_it()
    {
        var (result, _) = Load("""
            - hosts: all
              tasks:
                - probe: {targets: ["198.18.0.2"], protocol: icmp, netns: "{{ host.data.netns }}"}
                - probe: {targets: ["198.18.0.2"], protocol: icmp}
                - probe: {targets: ["198.18.0.2"], protocol: icmp, netns: nf-r2}
            """);
        Assert.Empty(result.Diagnostics);
        var tasks = result.Playbook!.Plays[0].Tasks;
        var entry = InventoryEntry.Empty("r1", new SourceLocation("hosts.yaml", 1, 1)) with
        {
            Hostname = "127.0.2.1",
            Data = new Dictionary<string, object?> { ["netns"] = "nf-r1" },
        };
        var scope = VariableScope.ForHost(new Host(entry, [entry]));

        var namespaces = tasks.Select(t => ((ProbeTargets)((IDeviceModule)t.Module).Prepare(t.Args, scope)).Namespace).ToList();

        Assert.Equal(["nf-r1", null, "nf-r2"], namespaces);
    }

    [Fact]
    public void A_netns_that_is_no_namespace_name_is_reported_at_load_or_for_the_host_it_renders_for()
    {
        var (bad, path) = Load("""
            - hosts: all
              tasks:
                - probe: {targets: ["198.18.0.2"], protocol: icmp, netns: "../r1"}
            """);
        var error = Assert.Single(bad.Diagnostics, d => d.IsError);
        Assert.Equal((path, 3, 63, DiagnosticCodes.InvalidValue), (error.File, error.Line, error.Column, error.Code));
        Assert.Equal("'../r1' is not a network namespace name (a file name under /run/netns, without '/' or spaces)", error.Message);

        var (templated, _) = Load("""
            - hosts: all
              tasks:
                - probe: {targets: ["198.18.0.2"], protocol: icmp, netns: "{{ host.name }}{{ suffix }}"}
            """);
        var task = templated.Playbook!.Plays[0].Tasks[0];
        var scope = VariableScope.ForHost(HostAt("10.1.2.3"));
        var rendered = Assert.Throws<FormatException>(() => ((IDeviceModule)task.Module).Prepare(task.Args, scope.With("suffix", "/x")));
        Assert.Equal("'r1/x' is not a network namespace name (a file name under /run/netns, without '/' or spaces)", rendered.Message);
    }

    [Fact]
    public void The_probe_module_is_in_the_schema_and_the_catalog()
    {
        Assert.IsType<ProbeModule>(ModuleCatalog.Find("probe"));
        var schema = PlaybookSchema.Build();
        var probe = schema["$defs"]!["task"]!["properties"]!["probe"]!;
        Assert.Equal(["targets"], probe["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotNull(schema["$defs"]!["play"]!["properties"]!["capture"]!["properties"]!["per_batch"]);
    }
}

using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Playbooks;

/// <summary>A play's <c>capture:</c> block: what it selects and limits, and every mistake reported at its place.</summary>
public sealed class CaptureBlockTests
{
    private static (PlaybookLoadResult Result, string Path) Load(string yaml) => PlaybookSnippet.Load(yaml);

    [Fact]
    public void A_capture_block_loads_with_its_selection_filter_and_limits()
    {
        var (result, _) = Load("""
            - hosts: all
              serial: 2
              capture:
                tags: {site: lon, tier: edge}
                interface: lo
                filter: "tcp port 10022"
                snaplen: 128
                promiscuous: true
                duration: 5m
                packets: 100000
                bytes: 10MB
                per_batch: true
              tasks:
                - command: show version
            """);
        Assert.Empty(result.Diagnostics);
        var capture = result.Playbook!.Plays[0].Capture!;
        Assert.Null(capture.Sensor);
        Assert.Equal(["site=lon", "tier=edge"], capture.Tags);
        Assert.Equal(("lo", "tcp port 10022", 128, true), (capture.Interface, capture.Filter, capture.SnapLength, capture.Promiscuous));
        Assert.Equal((TimeSpan.FromMinutes(5), 100_000L, 10L * 1024 * 1024, true), (capture.Duration, capture.MaxPackets, capture.MaxBytes, capture.PerBatch));
        Assert.Equal("sensors tagged site=lon,tier=edge", capture.Selection);
    }

    [Fact]
    public void A_named_sensor_with_defaults_captures_once_around_the_play()
    {
        var (result, _) = Load("""
            - hosts: all
              capture: {sensor: lon-1, interface: eth0, tags: ["site=lon"]}
              tasks:
                - command: show version
            """);
        Assert.Empty(result.Diagnostics);
        var capture = result.Playbook!.Plays[0].Capture!;
        Assert.Equal(("lon-1", "eth0", (string?)null, false), (capture.Sensor, capture.Interface, capture.Filter, capture.PerBatch));
        Assert.Equal(["site=lon"], capture.Tags);
        Assert.Null(capture.SnapLength);
        Assert.Null(result.Playbook.Plays[0].Capture!.Duration);
        Assert.Null(Load("- hosts: all\n  tasks: [{command: show version}]\n").Result.Playbook!.Plays[0].Capture);
    }

    [Fact]
    public void Capture_mistakes_are_each_reported_at_their_place()
    {
        var (result, path) = Load("""
            - hosts: all
              capture:
                sensr: lon-1
                interface: [lo]
                snaplen: 10
                duration: soon
                packets: -5
                bytes: lots
                per_batch: maybe
                tags: ["site"]
              tasks:
                - command: show version
            """);
        Assert.Null(result.Playbook);
        var errors = result.Diagnostics.Where(d => d.IsError).Select(d => (d.File, d.Line, d.Column, d.Code)).OrderBy(e => e.Line).ToList();
        Assert.Equal(
        [
            (path, 3, 5, DiagnosticCodes.UnknownKey),
            (path, 4, 16, DiagnosticCodes.WrongType),
            (path, 5, 14, DiagnosticCodes.InvalidValue),
            (path, 6, 15, DiagnosticCodes.BadDuration),
            (path, 7, 14, DiagnosticCodes.InvalidValue),
            (path, 8, 12, DiagnosticCodes.InvalidValue),
            (path, 9, 16, DiagnosticCodes.WrongType),
            (path, 10, 12, DiagnosticCodes.InvalidValue),
        ], errors);
        Assert.Equal("did you mean 'sensor'?", result.Diagnostics.Single(d => d.Code == DiagnosticCodes.UnknownKey).Hint);
        Assert.Contains("snaplen 10 is not between 64 and 262144", result.Diagnostics.Select(d => d.Message));
    }

    [Fact]
    public void An_interface_inside_a_network_namespace_is_named_netns_slash_interface()
    {
        var (result, _) = Load("""
            - hosts: all
              capture: {sensor: lab, interface: nf-r1/eth1, filter: "tcp port 179"}
              tasks:
                - command: show version
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("nf-r1/eth1", result.Playbook!.Plays[0].Capture!.Interface);
    }

    [Theory]
    [InlineData("nf-r1/", "interface 'nf-r1/' is not an interface name nor NETNS/INTERFACE")]
    [InlineData("nf-r1/eth1/x", "interface 'nf-r1/eth1/x' is not an interface name nor NETNS/INTERFACE")]
    [InlineData("../eth1", "interface '../eth1': '..' is not a network namespace name (a file name under /run/netns, without '/' or spaces)")]
    [InlineData("/eth1", "interface '/eth1': a network namespace needs a name")]
    public void A_malformed_namespaced_interface_is_reported_at_its_place(string iface, string message)
    {
        var (result, path) = Load($$"""
            - hosts: all
              capture: {sensor: lab, interface: "{{iface}}"}
              tasks:
                - command: show version
            """);
        Assert.Null(result.Playbook);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal((path, 2, 37, DiagnosticCodes.InvalidValue, message), (error.File, error.Line, error.Column, error.Code, error.Message));
    }

    [Fact]
    public void A_capture_without_a_sensor_or_an_interface_says_what_to_add()
    {
        var (result, path) = Load("""
            - hosts: all
              capture:
                filter: "udp port 53"
              tasks:
                - command: show version
            """);
        Assert.Null(result.Playbook);
        var errors = result.Diagnostics.Where(d => d.IsError).ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal((path, 3, 5, DiagnosticCodes.MissingKey), (e.File, e.Line, e.Column, e.Code)));
        Assert.Contains(errors, e => e.Message == "capture names no sensor" && e.Hint!.Contains("tags: {site: lon}", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message == "capture has no 'interface'");
    }

    [Fact]
    public void A_capture_that_is_not_a_mapping_is_a_wrong_type()
    {
        var (result, path) = Load("""
            - hosts: all
              capture: lo
              tasks:
                - command: show version
            """);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal((path, 2, 12, DiagnosticCodes.WrongType), (error.File, error.Line, error.Column, error.Code));
    }

    [Theory]
    [InlineData("1500", 1500L)]
    [InlineData("64KB", 65_536L)]
    [InlineData("1.5M", 1_572_864L)]
    [InlineData("2 gb", 2_147_483_648L)]
    public void Sizes_read_as_bytes(string text, long bytes)
    {
        Assert.True(CaptureBlock.TryParseSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1MB")]
    [InlineData("10 parsecs")]
    public void Non_sizes_are_refused(string text) => Assert.False(CaptureBlock.TryParseSize(text, out _));
}

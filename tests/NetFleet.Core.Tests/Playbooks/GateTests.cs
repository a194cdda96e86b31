using NetFleet.Core.Diagnostics;
using NetFleet.Core.Playbooks;

namespace NetFleet.Core.Tests.Playbooks;

/// <summary>A play's <c>gate:</c> as the loader reads it, and its mistakes, each at its place.</summary>
public sealed class GateTests
{
    private static (PlaybookLoadResult Result, string Path) Load(string gate, string extra = "") => PlaybookSnippet.Load($"""
        - hosts: all
        {extra}
          gate:
        {gate}
          tasks:
            - config: {"{"}lines: [ip route 198.18.9.0 255.255.255.0 Null0]{"}"}
        """);

    [Fact]
    public void A_gate_reads_its_probes_and_limits_with_units()
    {
        var (result, _) = Load("""
                probes:
                  - from: r1
                    to: 198.18.255.3
                    count: 20
                    interval: 50ms
                  - to: 127.0.0.1:8080
                    kind: tcp
                max_loss: 5%
                max_loss_increase: 2
                max_latency: 100ms
                max_latency_increase: 20ms
                max_if_error_rate: 30/m
                max_rst_rate: 10/s
                max_retransmission_rate: 5/s
                settle: 1s
            """, """
              capture: {sensor: lon-1, interface: lo}
            """);

        Assert.Empty(result.Diagnostics);
        var gate = result.Playbook!.Plays[0].Gate!;
        Assert.Equal(2, gate.Probes.Count);
        var (icmp, tcp) = (gate.Probes[0], gate.Probes[1]);
        Assert.Equal(("r1", "198.18.255.3", "icmp", 20, TimeSpan.FromMilliseconds(50)), (icmp.From, icmp.Target.Host, icmp.Kind, icmp.Count, icmp.Interval));
        Assert.Equal(((string?)null, "127.0.0.1", 8080, "tcp", 10), (tcp.From, tcp.Target.Host, tcp.Target.Port, tcp.Kind, tcp.Count));
        Assert.Equal((5.0, 2.0, 0.5, 10.0, 5.0), (gate.MaxLossPercent, gate.MaxLossIncrease, gate.MaxIfErrorRate, gate.MaxRstRate, gate.MaxRetransmissionRate));
        Assert.Equal((TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20)), (gate.MaxLatency, gate.MaxLatencyIncrease));
        Assert.Equal((TimeSpan.FromSeconds(1), Gate.DefaultWindow), (gate.Settle, gate.Window));
    }

    [Theory]
    [InlineData("""
                max_loss: 5%
            """, 4, 5, DiagnosticCodes.MissingKey, "gate limit 'max_loss' needs probes to measure it")]
    [InlineData("""
                max_rst_rate: 10/s
            """, 4, 5, DiagnosticCodes.MissingKey, "gate limit 'max_rst_rate' needs the play's 'capture:' to count RSTs")]
    [InlineData("""
                max_retransmission_rate: 5/s
            """, 4, 5, DiagnosticCodes.MissingKey, "gate limit 'max_retransmission_rate' needs the play's 'capture:' to count retransmissions")]
    [InlineData("""
                probes: [{to: 198.18.255.3}]
            """, 4, 5, DiagnosticCodes.MissingKey, "the gate sets no limit, so it could never fail")]
    [InlineData("""
                probes: [{to: 198.18.255.3}]
                max_loss: 150%
            """, 5, 15, DiagnosticCodes.InvalidValue, "'150%' is not a percentage from 0 to 100")]
    [InlineData("""
                max_if_error_rate: lots
            """, 4, 24, DiagnosticCodes.InvalidValue, "'lots' is not a rate")]
    [InlineData("""
                probes: [{to: 198.18.255.3, kind: tcp}]
                max_loss: 5%
            """, 4, 19, DiagnosticCodes.InvalidValue, "target '198.18.255.3': tcp probes need a port (HOST:PORT)")]
    [InlineData("""
                probes: [{to: 198.18.255.3, kind: arp}]
                max_loss: 5%
            """, 4, 39, DiagnosticCodes.InvalidValue, "'arp' is not a probe kind")]
    [InlineData("""
                probes: [{from: r1}]
                max_loss: 5%
            """, 4, 14, DiagnosticCodes.MissingKey, "gate probe has no 'to'")]
    [InlineData("""
                probes: [{to: 198.18.255.3}]
                max_latency_increase: quick
            """, 5, 27, DiagnosticCodes.BadDuration, "'quick' is not a duration")]
    [InlineData("""
                max_loss_rise: 5%
            """, 4, 5, DiagnosticCodes.UnknownKey, null)]
    public void Gate_mistakes_are_reported_at_their_place(string gate, int line, int column, string code, string? message)
    {
        var (result, path) = Load(gate);

        Assert.Null(result.Playbook);
        var d = result.Diagnostics.First(d => d.Severity == Severity.Error);
        Assert.Equal((path, line, column, code), (d.File, d.Line, d.Column, d.Code));
        if (message is not null) Assert.Equal(message, d.Message);
    }

    [Fact]
    public void A_probe_from_a_host_the_inventory_lacks_is_an_error_at_the_probe()
    {
        var dir = Directory.CreateTempSubdirectory("netfleet-gate-inventory-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "hosts.yaml"), "r1: {hostname: 127.0.0.1, platform: cisco_ios}\n");
            var playbook = Path.Combine(dir, "play.yaml");
            File.WriteAllText(playbook, """
                - hosts: all
                  gate:
                    probes: [{from: r2, to: 198.18.255.3}]
                    max_loss: 5%
                  tasks:
                    - config: {lines: [ntp server 192.0.2.1]}
                """);

            var d = Assert.Single(PlaybookValidator.Validate(playbook, dir), d => d.IsError);
            Assert.Equal((3, 14, DiagnosticCodes.UnknownHostOrGroup), (d.Line, d.Column, d.Code));
            Assert.Equal("gate probe from 'r2': no such host in the inventory", d.Message);
            Assert.Equal("did you mean 'r1'?", d.Hint);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

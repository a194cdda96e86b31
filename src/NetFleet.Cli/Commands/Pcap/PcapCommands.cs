using System.CommandLine;
using NetFleet.Capture.Probes;

namespace NetFleet.Cli.Commands;

/// <summary>
/// <c>netfleet pcap summarize|capture</c> and <c>netfleet probe tcp|udp|icmp</c>: capture, summaries
/// and probes on this machine (the sensor-pinned captures of a cluster are <c>netfleet capture</c>).
/// </summary>
internal static class PcapCommands
{
    public static Command Create()
    {
        var pcap = new Command("pcap", """
            Packet capture on this machine with libpcap, and summaries of traffic: rates, protocol
            mix, well-known services, top talkers and conversations, TCP SYN/SYN-ACK/RST counts.
            """);
        pcap.Subcommands.Add(PcapSummarizeHandler.Command());
        pcap.Subcommands.Add(PcapCaptureHandler.Command());
        return pcap;
    }

    public static Command Probe()
    {
        var probe = new Command("probe", """
            Send probes and report loss and latency (min/avg/max/p95): TCP connects, UDP datagrams
            (optionally expecting them echoed), ICMP echo (needs root or cap_net_raw). Exit code 1
            when nothing answered.
            """);
        foreach (var kind in Enum.GetValues<ProbeKind>())
        {
            probe.Subcommands.Add(ProbeHandler.Command(kind));
        }

        return probe;
    }

    public static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of a table" };

    public static Option<int> TopOption() => new("--top")
    {
        Description = "How many talkers, conversations and services to rank",
        DefaultValueFactory = _ => 10,
    };
}

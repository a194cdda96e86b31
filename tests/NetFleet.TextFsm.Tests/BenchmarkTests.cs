using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace NetFleet.TextFsm.Tests;

/// <summary>Runs only when NETFLEET_BENCH=1: a measurement, not a test of speed.</summary>
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NETFLEET_BENCH") != "1")
        {
            Skip = "benchmark: run with NETFLEET_BENCH=1";
        }
    }
}

/// <summary>
/// Records per second on a 100k-route <c>show ip route</c>, ours beside python3-textfsm.
/// NETFLEET_BENCH=1 dotnet test tests/NetFleet.TextFsm.Tests --filter Benchmark --logger "console;verbosity=detailed"
/// </summary>
public class BenchmarkTests(ITestOutputHelper output)
{
    private const string Template = """
        Value Filldown PROTOCOL (\w)
        Value Filldown TYPE (\w{0,2})
        Value Required,Filldown NETWORK (\d+\.\d+\.\d+\.\d+)
        Value Filldown PREFIX_LENGTH (\d+)
        Value DISTANCE (\d+)
        Value METRIC (\d+)
        Value NEXTHOP_IP (\d+\.\d+\.\d+\.\d+)
        Value NEXTHOP_IF (\S+)
        Value UPTIME (\S+)

        Start
          ^Gateway\s+of\s+last\s+resort
          ^${PROTOCOL}(\s|\*)${TYPE}\s+${NETWORK}/${PREFIX_LENGTH}\s+\[${DISTANCE}/${METRIC}\]\s+via\s+${NEXTHOP_IP}(,\s+${UPTIME})?(,\s+${NEXTHOP_IF})?\s*$$ -> Record
          ^\s+\[${DISTANCE}/${METRIC}\]\s+via\s+${NEXTHOP_IP}(,\s+${UPTIME})?(,\s+${NEXTHOP_IF})?\s*$$ -> Record
          ^${PROTOCOL}\s+${NETWORK}/${PREFIX_LENGTH}\s+is\s+directly\s+connected,\s+${NEXTHOP_IF}\s*$$ -> Record
          ^\s*$$
          ^. -> Error
        """;

    private static string RouteTable(int routes)
    {
        var text = new StringBuilder("Gateway of last resort is 10.0.0.1 to network 0.0.0.0\n\n");
        for (var i = 0; i < routes; i++)
        {
            var network = $"{10 + i / 65536 % 200}.{i / 256 % 256}.{i % 256}.0";
            _ = (i % 10) switch
            {
                0 => text.Append($"C        {network}/24 is directly connected, GigabitEthernet0/{i % 4}\n"),
                1 => text.Append($"O E2     {network}/24 [110/20] via 10.1.{i % 250}.1, 2d03h, GigabitEthernet0/1\n")
                         .Append($"                [110/20] via 10.2.{i % 250}.1, 2d03h, GigabitEthernet0/2\n"),
                _ => text.Append($"B        {network}/24 [20/0] via 192.0.2.{i % 250}, 1w2d\n"),
            };
        }
        return text.ToString();
    }

    [BenchFact]
    public async Task Benchmark_show_ip_route_records_per_second_beside_python3_textfsm()
    {
        var input = RouteTable(100_000);
        var template = TextFsmTemplate.Parse(Template);
        var warm = template.ParseTextToRows(input).Count;

        var watch = Stopwatch.StartNew();
        var runs = 0;
        var records = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(5) || runs < 3)
        {
            records += template.ParseTextToRows(input).Count;
            runs++;
        }
        var ours = records / watch.Elapsed.TotalSeconds;

        var dir = Directory.CreateTempSubdirectory("textfsm-bench");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "t.textfsm"), Template);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "in.txt"), input);
            var script = """
                import sys, time, textfsm
                text = open(sys.argv[2]).read()
                start = time.perf_counter(); n = 0
                while True:
                    n += len(textfsm.TextFSM(open(sys.argv[1])).ParseText(text))
                    if time.perf_counter() - start > 5: break
                print(n / (time.perf_counter() - start))
                """;
            var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script, Path.Combine(dir.FullName, "t.textfsm"), Path.Combine(dir.FullName, "in.txt")])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var python = Process.Start(start)!;
            var pythonRate = double.Parse((await python.StandardOutput.ReadToEndAsync()).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            await python.WaitForExitAsync();

            output.WriteLine($"show ip route, 100000 routes, {warm} records per parse");
            output.WriteLine($"NetFleet.TextFsm: {ours:N0} records/s");
            output.WriteLine($"python3-textfsm:  {pythonRate:N0} records/s");
            output.WriteLine($"ratio: {ours / pythonRate:N1}x");
            Assert.True(warm > 100_000);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

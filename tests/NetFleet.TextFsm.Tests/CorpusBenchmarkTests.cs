using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace NetFleet.TextFsm.Tests;

/// <summary>
/// The whole ntc-templates corpus parsed through its index, cold and warm, beside python3-textfsm's
/// clitable doing the same. Run it alone so that the first pass is the process's first use of the
/// engine:
/// NETFLEET_BENCH=1 dotnet test tests/NetFleet.TextFsm.Tests -c Release --filter CorpusBenchmark --logger "console;verbosity=detailed"
/// </summary>
public class CorpusBenchmarkTests(ITestOutputHelper output)
{
    private sealed record Input(string Platform, string Command, string Text);

    [BenchFact]
    public async Task CorpusBenchmark_cold_and_warm_passes_beside_python3_textfsm()
    {
        var inputs = ConformanceTests.Cases.Select(c => new Input(c.Platform, c.Command, File.ReadAllText(c.RawPath))).ToList();
        var lines = inputs.Sum(i => i.Text.Count(ch => ch == '\n'));
        output.WriteLine($"corpus: {inputs.Count} cases, {lines:N0} lines of output");

        // First use of the engine in this process: JIT, index, template reading, regex construction.
        var (adaptive, coldWall, coldCpu) = Pass(null, RegexCompilation.Adaptive);
        Report("NetFleet adaptive, cold (fresh process)", coldWall, coldCpu);
        var (_, warmWall, warmCpu) = Pass(adaptive, RegexCompilation.Adaptive);
        Report("NetFleet adaptive, warm (templates loaded)", warmWall, warmCpu);

        // The other policies on fresh templates; the engine's own code is JIT-compiled by now.
        var (never, neverWall, neverCpu) = Pass(null, RegexCompilation.Never);
        Report("NetFleet never compiled, templates cold", neverWall, neverCpu);
        var (_, neverWarmWall, neverWarmCpu) = Pass(never, RegexCompilation.Never);
        Report("NetFleet never compiled, warm", neverWarmWall, neverWarmCpu);
        var (always, alwaysWall, alwaysCpu) = Pass(null, RegexCompilation.Always);
        Report("NetFleet always compiled, templates cold", alwaysWall, alwaysCpu);
        var (_, alwaysWarmWall, alwaysWarmCpu) = Pass(always, RegexCompilation.Always);
        Report("NetFleet always compiled, warm", alwaysWarmWall, alwaysWarmCpu);

        // What Adaptive weighs: the cost of compiling a rule against what compiling saves per match.
        var templates = inputs.SelectMany(i => never.Find(i.Platform, i.Command)!.Templates).Distinct().ToList();
        var rules = templates.Sum(t => t.RuleCount);
        var attempts = templates.Sum(t => t.Attempts) / 2;
        output.WriteLine($"{templates.Count} templates, {rules:N0} rules, {attempts:N0} regex matches tried per pass");
        output.WriteLine($"compiling costs {(alwaysCpu - neverCpu).TotalMilliseconds / rules:F2} ms CPU per rule; compiled saves {(neverWarmCpu - alwaysWarmCpu).TotalMilliseconds * 1000 / attempts:F3} µs CPU per match");

        var python = await PythonAsync(inputs);
        output.WriteLine($"python3-textfsm clitable, cold (fresh process, import included): {python.Cold * 1000:F0} ms wall, {python.ColdCpu * 1000:F0} ms CPU");
        output.WriteLine($"python3-textfsm clitable, warm (second pass): {python.Warm * 1000:F0} ms wall, {python.WarmCpu * 1000:F0} ms CPU");
        Assert.Equal(inputs.Count, python.Cases);

        (TextFsmLibrary Library, TimeSpan Wall, TimeSpan Cpu) Pass(TextFsmLibrary? library, RegexCompilation compilation)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            library ??= TextFsmLibrary.Load(ConformanceTests.TemplatesDirectory, compilation);
            var records = 0;
            foreach (var input in inputs)
            {
                records += library.Find(input.Platform, input.Command)!.ParseText(input.Text).Count;
            }
            watch.Stop();
            Assert.True(records > 0);
            return (library, watch.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
        }
    }

    private void Report(string what, TimeSpan wall, TimeSpan cpu) =>
        output.WriteLine($"{what}: {wall.TotalMilliseconds:F0} ms wall, {cpu.TotalMilliseconds:F0} ms CPU");

    private sealed record PythonFigures(int Cases, double Cold, double ColdCpu, double Warm, double WarmCpu);

    private static async Task<PythonFigures> PythonAsync(IReadOnlyList<Input> inputs)
    {
        const string Script = """
            import json, sys, time
            cases = json.load(sys.stdin)
            start, start_cpu = time.perf_counter(), time.process_time()
            from textfsm import clitable
            def one_pass():
                for case in cases:
                    table = clitable.CliTable("index", sys.argv[1])
                    table.ParseCmd(case["text"], {"Platform": case["platform"], "Command": case["command"]})
            one_pass()
            cold, cold_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            start, start_cpu = time.perf_counter(), time.process_time()
            one_pass()
            print(json.dumps({"cases": len(cases), "cold": cold, "cold_cpu": cold_cpu,
                              "warm": time.perf_counter() - start, "warm_cpu": time.process_time() - start_cpu}))
            """;
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", Script, ConformanceTests.TemplatesDirectory])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var python = Process.Start(start)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync();
        // The script reads the cases before its clock starts: reading them is not parsing.
        await python.StandardInput.WriteAsync(JsonSerializer.Serialize(inputs.Select(i => new { platform = i.Platform, command = i.Command, text = i.Text })));
        python.StandardInput.Close();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, "python3-textfsm failed (apt-get install python3-textfsm): " + await stderr);
        var figures = JsonNode.Parse(await stdout)!;
        return new PythonFigures(
            figures["cases"]!.GetValue<int>(),
            figures["cold"]!.GetValue<double>(),
            figures["cold_cpu"]!.GetValue<double>(),
            figures["warm"]!.GetValue<double>(),
            figures["warm_cpu"]!.GetValue<double>());
    }
}

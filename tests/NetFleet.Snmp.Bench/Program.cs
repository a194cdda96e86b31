using System.Diagnostics;
using System.Globalization;
using System.Net;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Platforms;
using NetFleet.Lab.Snmp;
using NetFleet.Snmp;

// Usage: NetFleet.Snmp.Bench [--devices 1000] [--port 10261] [--parallel 16] [--v3]
// The agents run in a child process (this program with "serve"), so the CPU figures below are the
// client's alone: NetFleet's manager in this process, snmpbulkwalk in its own processes.
var options = Options.Parse(args);
if (options.Serve)
{
    var devices = Devices(options.Devices);
    await using var agents = LabSnmpAgents.Start(devices, options.Port);
    Console.WriteLine($"ready {agents.Agents.Count}");
    await Console.In.ReadToEndAsync();
    return 0;
}

var self = Environment.ProcessPath!;
var serveStart = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
var selfDll = typeof(Options).Assembly.Location;
if (Path.GetFileNameWithoutExtension(self) == "dotnet")
{
    serveStart.ArgumentList.Add(selfDll);
}

foreach (var arg in new[] { "serve", "--devices", options.Devices.ToString(CultureInfo.InvariantCulture), "--port", options.Port.ToString(CultureInfo.InvariantCulture) })
{
    serveStart.ArgumentList.Add(arg);
}

using var server = Process.Start(serveStart)!;
var ready = await server.StandardOutput.ReadLineAsync();
Console.WriteLine($"agents: {ready} (child process {server.Id}), UDP port {options.Port}, {(options.V3 ? "v3 authPriv SHA-256/AES-128" : "v2c")}");
var addresses = Devices(options.Devices).Select(d => d.Address).ToList();
var user = LabSnmpDefaults.CreateUser();
var root = MibNames.Parse("ifTable");

foreach (var parallel in new[] { 1, options.Parallel })
{
    await using var manager = new SnmpManager();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    long variables = 0;
    await Parallel.ForEachAsync(addresses, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (address, ct) =>
    {
        var target = options.V3
            ? SnmpTarget.V3(address, options.Port, user)
            : SnmpTarget.V2c(address, options.Port, LabSnmpDefaults.Community);
        await foreach (var _ in manager.BulkWalkAsync(target, root, 25, ct))
        {
            Interlocked.Increment(ref variables);
        }
    });
    clock.Stop();
    var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Console.WriteLine($"netfleet      parallel {parallel,3}: {addresses.Count} agents, {variables} variables, wall {clock.Elapsed.TotalSeconds:0.000} s, client CPU {used.TotalSeconds:0.000} s");
}

var list = Path.GetTempFileName();
await File.WriteAllLinesAsync(list, addresses);
var auth = options.V3
    ? $"-v3 -l authPriv -u {LabSnmpDefaults.User} -a SHA-256 -A {LabSnmpDefaults.AuthPassword} -x AES -X {LabSnmpDefaults.PrivPassword}"
    : $"-v2c -c {LabSnmpDefaults.Community}";
foreach (var parallel in new[] { 1, options.Parallel })
{
    var script = $"xargs -P {parallel} -I ADDR snmpbulkwalk -m '' {auth} -Cr25 -On ADDR:{options.Port} 1.3.6.1.2.1.2.2 < {list} | wc -l; times";
    var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, UseShellExecute = false };
    start.ArgumentList.Add("-c");
    start.ArgumentList.Add(script);
    var clock = Stopwatch.StartNew();
    using var bash = Process.Start(start)!;
    var output = await bash.StandardOutput.ReadToEndAsync();
    await bash.WaitForExitAsync();
    clock.Stop();
    var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    // `times` prints the shell's user/system time, then its children's (every snmpbulkwalk).
    var children = lines[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(ParseTimes);
    Console.WriteLine($"snmpbulkwalk  parallel {parallel,3}: {addresses.Count} agents, {lines[0].Trim()} variables, wall {clock.Elapsed.TotalSeconds:0.000} s, client CPU {children:0.000} s");
}

File.Delete(list);
server.StandardInput.Close();
await server.WaitForExitAsync();
return 0;

static double ParseTimes(string text)
{
    // "0m1.234s"
    var m = text.IndexOf('m', StringComparison.Ordinal);
    return (double.Parse(text[..m], CultureInfo.InvariantCulture) * 60) + double.Parse(text[(m + 1)..^1], CultureInfo.InvariantCulture);
}

static List<NetFleet.Lab.Devices.LabDevice> Devices(int count) =>
    [.. LabSpec.Generate(count, LabPlatforms.All).Devices.Select((d, i) => d with { Address = $"127.20.{i / 254}.{(i % 254) + 1}" })];

internal sealed record Options(bool Serve, int Devices, int Port, int Parallel, bool V3)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        return new Options(
            args.Contains("serve"),
            int.Parse(Value("--devices") ?? "1000", CultureInfo.InvariantCulture),
            int.Parse(Value("--port") ?? "10261", CultureInfo.InvariantCulture),
            int.Parse(Value("--parallel") ?? "16", CultureInfo.InvariantCulture),
            args.Contains("--v3"));
    }
}

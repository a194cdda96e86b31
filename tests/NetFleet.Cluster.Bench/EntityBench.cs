using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using NetFleet.Actors.Devices;
using NetFleet.Node;
using NetFleet.Testing;
using Serilog;
using static NetFleet.Actors.Devices.DeviceProtocol;

/// <summary>
/// Device entities at scale: for each count, a fresh cluster of three worker processes on loopback and this process as a
/// fourth member without the worker role (so it hosts no entity and its own memory is not counted). It asks that many
/// devices, none of them reachable, for their session status — which makes each entity exist without connecting — and
/// reports the time to create them, each worker's memory per hosted entity (live GC heap after a full compacting
/// collection, and RSS), then the time until every entity has passivated and the memory left after. Nothing is asserted.
/// </summary>
internal static class EntityBench
{
    private const string NodeMode = "--entity-node";
    private const int Window = 2000;
    private const int WarmupEntities = 300;

    public static bool IsNode(string[] args) => args.Contains(NodeMode);

    /// <summary>One count per process (entities.sh runs one per count): the previous cluster's threads, caches and GC
    /// state stay out of the next one's memory figures, and in one process a second cluster's asks timed out.</summary>
    public static async Task<int> RunAsync(int count, TimeSpan idle)
    {
        Environment.SetEnvironmentVariable(NetFleet.Actors.Wire.WireFormat.ClusterKeyVariable, NetFleet.Actors.Wire.SecretSeal.NewKey());
        var output = Path.Combine(RepositoryPaths.Root(), "artifacts", "bench", $"cluster-entities-{count}.json");
        var run = await MeasureAsync(count, idle);
        Console.WriteLine(Line(run));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var report = new { idleSeconds = idle.TotalSeconds, nodes = 3, cpuCount = Environment.ProcessorCount, at = DateTimeOffset.UtcNow, run };
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        Console.WriteLine($"written to {output}");
        return 0;
    }

    private static async Task<EntityRun> MeasureAsync(int count, TimeSpan idle)
    {
        var store = $"sqlite:{Path.Combine(Directory.CreateTempSubdirectory("netfleet-entity-bench-").FullName, "netfleet.db")}";
        var seed = new NodeSettings(["bench"], "127.0.0.1", Loopback.FreePort(), [], "127.0.0.1", 0, store, []);
        await using var client = await ClusterNode.StartAsync(seed with { SeedNodes = [seed.SelfAddress] }, Serilog.Core.Logger.None);
        var workers = Enumerable.Range(0, 3).Select(i => WorkerProcess.Start(i, seed.SelfAddress, store, idle)).ToList();
        try
        {
            await Task.WhenAll(workers.Select(w => w.Up)).WaitAsync(TimeSpan.FromMinutes(2));
            var region = DeviceSharding.RegionOrProxy(client.System, DeviceSharding.GeneralType);
            // Shards are allocated on first use: a few entities spread them over the workers before the baseline.
            await CreateAsync(region, Enumerable.Range(0, WarmupEntities).Select(i => $"warmup-{i}"));
            await Task.Delay(TimeSpan.FromSeconds(5));
            var before = await Task.WhenAll(workers.Select(w => w.MeasureAsync()));

            var clock = Stopwatch.StartNew();
            await CreateAsync(region, Enumerable.Range(0, count).Select(i => $"bench-{i:D6}"));
            var created = clock.Elapsed;
            var after = await Task.WhenAll(workers.Select(w => w.MeasureAsync()));

            var idleFrom = Stopwatch.StartNew();
            while ((await Task.WhenAll(workers.Select(w => w.CountAsync()))).Sum() > 0)
            {
                if (idleFrom.Elapsed > idle * 3 + TimeSpan.FromMinutes(3)) throw new TimeoutException($"entities still alive {idleFrom.Elapsed} after the last message");
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }

            var passivated = idleFrom.Elapsed;
            var afterPassivation = await Task.WhenAll(workers.Select(w => w.MeasureAsync()));
            var nodes = Enumerable.Range(0, 3).Select(i => new NodeMemory(
                after[i].Entities - before[i].Entities,
                PerEntity(after[i].HeapBytes - before[i].HeapBytes, after[i].Entities - before[i].Entities),
                PerEntity(after[i].RssBytes - before[i].RssBytes, after[i].Entities - before[i].Entities),
                Mib(before[i].HeapBytes), Mib(after[i].HeapBytes), Mib(afterPassivation[i].HeapBytes),
                Mib(before[i].RssBytes), Mib(after[i].RssBytes), Mib(afterPassivation[i].RssBytes))).ToList();
            return new EntityRun(count, created.TotalSeconds, count / created.TotalSeconds, nodes,
                PerEntity(after.Sum(m => m.HeapBytes) - before.Sum(m => m.HeapBytes), count),
                PerEntity(after.Sum(m => m.RssBytes) - before.Sum(m => m.RssBytes), count),
                passivated.TotalSeconds, Mib(afterPassivation.Sum(m => m.HeapBytes) - before.Sum(m => m.HeapBytes)),
                Mib(afterPassivation.Sum(m => m.RssBytes) - before.Sum(m => m.RssBytes)));
        }
        finally
        {
            foreach (var worker in workers) await worker.DisposeAsync();
        }
    }

    /// <summary>Asks every device its session status, <see cref="Window"/> at a time, and checks none opened a session.</summary>
    private static async Task CreateAsync(IActorRef region, IEnumerable<string> devices)
    {
        using var window = new SemaphoreSlim(Window);
        var asks = new List<Task>();
        foreach (var device in devices)
        {
            await window.WaitAsync();
            asks.Add(AskAsync(device));
        }

        await Task.WhenAll(asks);

        async Task AskAsync(string device)
        {
            try
            {
                var status = await region.Ask<SessionStatus>(new GetSessionStatus(device), TimeSpan.FromMinutes(1));
                if (status.Open || status.Queued > 0) throw new InvalidOperationException($"{device}: a status query opened a session");
            }
            finally
            {
                window.Release();
            }
        }
    }

    private static double PerEntity(long bytes, int entities) => entities == 0 ? 0 : (double)bytes / entities;

    private static double Mib(long bytes) => bytes / (1024.0 * 1024);

    private static string Line(EntityRun r) =>
        $"{r.Entities} entities: created in {r.CreateSeconds:0.0} s ({r.PerSecond:0}/s); per idle entity {r.HeapBytesPerEntity:0} B heap, " +
        $"{r.RssBytesPerEntity:0} B RSS; per node " +
        string.Join(", ", r.Nodes.Select(n => $"{n.Entities} entities {n.HeapBytesPerEntity:0} B heap/{n.RssBytesPerEntity:0} B RSS")) +
        $"; all passivated {r.PassivatedSeconds:0.0} s after the last message, leaving {r.HeapMibLeft:+0.0;-0.0} MiB heap " +
        $"{r.RssMibLeft:+0.0;-0.0} MiB RSS over the baseline";

    /// <summary>One worker in this process: a real <see cref="ClusterNode"/> with the worker role, as <c>netfleet node --roles
    /// worker</c> starts it, that answers <c>memory</c> and <c>count</c> on stdin with one JSON line on stdout.</summary>
    public static async Task<int> RunNodeAsync(string[] args)
    {
        string Arg(string name) => args[Array.IndexOf(args, name) + 1];
        var settings = new NodeSettings([NodeSettings.Worker], "127.0.0.1", int.Parse(Arg("--port"), CultureInfo.InvariantCulture), [Arg("--seed")],
            "127.0.0.1", 0, Arg("--store"), []);
        // The same logger as `netfleet node` without --verbose: everything from Debug is made, warnings reach the console.
        using var log = new Serilog.LoggerConfiguration().MinimumLevel.Debug()
            .WriteTo.Console(restrictedToMinimumLevel: Serilog.Events.LogEventLevel.Warning, standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose)
            .CreateLogger();
        var idle = ConfigurationFactory.ParseString($"akka.cluster.sharding.passivate-idle-entity-after = {Arg("--idle")}s");
        var node = await ClusterNode.StartAsync(settings, log, config: idle);
        try
        {
            await ServeAsync(node);
        }
        finally
        {
            // Leaving takes a few seconds with the cluster up; without it (the benchmark was killed) it would wait out every timeout.
            await node.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return 0;
    }

    /// <summary>Answers the benchmark's commands until it says <c>exit</c> or closes stdin (it ended).</summary>
    private static async Task ServeAsync(ClusterNode node)
    {
        var up = new TaskCompletionSource();
        Cluster.Get(node.System).RegisterOnMemberUp(up.SetResult);
        await up.Task;
        await Console.Error.WriteLineAsync("worker up");
        var region = ClusterSharding.Get(node.System).ShardRegion(DeviceSharding.GeneralType);
        while (await Console.In.ReadLineAsync() is { } command && command != "exit")
        {
            var entities = await HostedAsync(region);
            if (command == "memory")
            {
                // Aggressive: compacts and gives freed memory back to the system, so RSS shows what the entities hold.
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }

            using var process = Process.GetCurrentProcess();
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new Measurement(entities, GC.GetTotalMemory(false), process.WorkingSet64)));
        }
    }

    /// <summary>The entities this node hosts. The region asks each shard; a shard busy starting or handing off answers
    /// late, and the region then drops the whole answer, so it is asked again.</summary>
    private static async Task<int> HostedAsync(IActorRef region)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var stats = await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, TimeSpan.FromSeconds(10));
                return stats.Stats.Values.Sum();
            }
            catch (AskTimeoutException) when (attempt < 6)
            {
            }
        }
    }

    /// <summary>A worker started as a child process of this benchmark.</summary>
    private sealed class WorkerProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly SemaphoreSlim talking = new(1);

        private WorkerProcess(Process process, Task up)
        {
            this.process = process;
            Up = up;
        }

        public Task Up { get; }

        public static WorkerProcess Start(int index, string seed, string store, TimeSpan idle)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false,
            };
            foreach (var arg in new[] { typeof(EntityBench).Assembly.Location, NodeMode, "--port", Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
                "--seed", seed, "--store", store, "--idle", idle.TotalSeconds.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start)!;
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                if (e.Data == "worker up") up.TrySetResult();
                else Console.Error.WriteLine($"[worker {index}] {e.Data}");
            };
            process.BeginErrorReadLine();
            return new WorkerProcess(process, up.Task);
        }

        public async Task<Measurement> MeasureAsync() => await AskAsync("memory");

        public async Task<int> CountAsync() => (await AskAsync("count")).Entities;

        private async Task<Measurement> AskAsync(string command)
        {
            await talking.WaitAsync();
            try
            {
                await process.StandardInput.WriteLineAsync(command);
                await process.StandardInput.FlushAsync();
                var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException($"worker {process.Id} exited");
                return JsonSerializer.Deserialize<Measurement>(line)!;
            }
            finally
            {
                talking.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                await process.StandardInput.WriteLineAsync("exit");
                await process.StandardInput.FlushAsync();
                if (!await ExitedAsync(TimeSpan.FromSeconds(30))) process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
            talking.Dispose();
        }

        private async Task<bool> ExitedAsync(TimeSpan within)
        {
            try
            {
                await process.WaitForExitAsync().WaitAsync(within);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }
}

internal sealed record Measurement(int Entities, long HeapBytes, long RssBytes);

internal sealed record NodeMemory(int Entities, double HeapBytesPerEntity, double RssBytesPerEntity, double HeapMibBefore, double HeapMibCreated,
    double HeapMibPassivated, double RssMibBefore, double RssMibCreated, double RssMibPassivated);

internal sealed record EntityRun(int Entities, double CreateSeconds, double PerSecond, IReadOnlyList<NodeMemory> Nodes, double HeapBytesPerEntity,
    double RssBytesPerEntity, double PassivatedSeconds, double HeapMibLeft, double RssMibLeft);

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using NetFleet.Actors;
using NetFleet.Actors.Jobs;
using NetFleet.Core.Results;
using Akka.Streams;
using NetFleet.Node;
using NetFleet.Node.History;
using NetFleet.Testing;
using Npgsql;

// Job history at scale without a lab: a job over N synthetic hosts whose one task is a local module (set_fact of a
// ~700-byte value, about a `show version`), so the real orchestrator writes the events of an N-device job (task started,
// task finished) as fast as it can. Per store and size it reports: the job's wall time, the events in the journal and
// their rate, how long after the last result the last event was stored (the journal's lag behind the run), the history's
// catch-up from the journal, and `netfleet jobs show ID` as a cold process (table and -o json), each the best of two.
// Nothing is asserted: it reports what it measured.
var devices = Option("--devices", "500,1000,2000,5000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
var stores = Option("--stores", "sqlite,postgres").Split(',');
var log = Serilog.Core.Logger.None;

PostgresFixture? postgres = null;
var rows = new List<string>();
try
{
    if (stores.Contains("postgres"))
    {
        postgres = new PostgresFixture();
        await postgres.InitializeAsync();
    }

    foreach (var kind in stores)
    {
        foreach (var n in devices)
        {
            var folder = Directory.CreateTempSubdirectory("netfleet-history-bench-").FullName;
            try
            {
                var store = kind == "postgres" ? await postgres!.NewStoreAsync() : $"sqlite:{Path.Combine(folder, "netfleet.db")}";
                rows.Add(await MeasureAsync(kind, n, store, folder));
                Console.WriteLine(rows[^1]);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
finally
{
    if (postgres is not null) await postgres.DisposeAsync();
}

Console.WriteLine();
Console.WriteLine($"Job history, one set_fact task per host, {Environment.ProcessorCount} cores");
Console.WriteLine(Header());
foreach (var row in rows) Console.WriteLine(row);
return 0;

async Task<string> MeasureAsync(string kind, int n, string storeSetting, string folder)
{
    var inventory = Path.Combine(folder, "inventory");
    Directory.CreateDirectory(inventory);
    await File.WriteAllLinesAsync(Path.Combine(inventory, "hosts.yaml"),
        Enumerable.Range(1, n).Select(i => $"dev-{i:D5}:\n  hostname: 127.0.0.1\n  platform: cisco_ios"));
    var playbook = Path.Combine(folder, "play.yaml");
    await File.WriteAllTextAsync(playbook, $$$"""
        - name: Synthetic
          hosts: all
          tasks:
            - name: Version
              set_fact:
                version: "Cisco IOS Software, Version 15.2 {{ host.name }} {{{new string('x', 650)}}}"
        """);

    var store = JobStore.Parse(storeSetting);
    store.EnsureLocation();
    var options = new JobOptions("bench") { JobId = JobLauncher.NewJobId(), InventoryPath = inventory };
    var (job, check) = await JobLauncher.PrepareAsync(new JobRequest(playbook, options), CancellationToken.None);
    if (job is null) throw new InvalidOperationException(string.Join('\n', check.Diagnostics));

    TimeSpan runTime, lag;
    await using (var node = await NetFleetNode.StartAsync(store, log))
    {
        var clock = Stopwatch.StartNew();
        var lastResult = TimeSpan.Zero;
        var summary = await node.Runner.RunAsync(job, options, e =>
        {
            if (e is NetFleet.Core.Results.TaskFinished) lastResult = clock.Elapsed;
        }, CancellationToken.None);
        runTime = clock.Elapsed;
        // The job ends once its last event (JobFinished, written after every other) is stored.
        lag = runTime - lastResult;
        if (summary.Outcome != JobOutcome.Succeeded) throw new InvalidOperationException($"the synthetic job ended {summary.Outcome}");
    }

    var events = await CountEventsAsync(store, JobJournal.PersistenceId(job.JobId));
    TimeSpan read, catchUp, readCpu, catchUpCpu;
    await using (var node = await NetFleetNode.StartAsync(store, log))
    {
        // The tag stream alone first (what the projector reads), then the projector over the same events.
        var journal = await JournalStartup.ReadJournalAsync(node.Runner.System);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await journal.CurrentEventsByTag(JobJournal.Tag, Akka.Persistence.Query.Offset.NoOffset())
            .RunWith(Akka.Streams.Dsl.Sink.Ignore<Akka.Persistence.Query.EventEnvelope>(), node.Runner.System.Materializer());
        read = clock.Elapsed;
        readCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
        await node.Projector.CatchUpAsync();
        catchUp = clock.Elapsed;
        catchUpCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    }

    var show = await BestOfTwoAsync("jobs", "show", job.JobId, "--store", storeSetting);
    var showJson = await BestOfTwoAsync("jobs", "show", job.JobId, "-o", "json", "--store", storeSetting);
    return Row(kind, n, runTime, events, lag, read, readCpu, catchUp, catchUpCpu, show, showJson);
}

static async Task<long> CountEventsAsync(JobStore store, string persistenceId)
{
    await using DbConnection connection = store.Kind == StoreKind.Sqlite
        ? new SqliteConnection(store.ConnectionString)
        : new NpgsqlConnection(store.ConnectionString);
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = @id";
    var id = command.CreateParameter();
    id.ParameterName = "id";
    id.Value = persistenceId;
    command.Parameters.Add(id);
    return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

static async Task<TimeSpan> BestOfTwoAsync(params string[] args)
{
    var best = TimeSpan.MaxValue;
    for (var i = 0; i < 2; i++)
    {
        var clock = Stopwatch.StartNew();
        var (exit, _, stderr) = await NetfleetCommand.RunAsync(args);
        if (exit != 0) throw new InvalidOperationException($"netfleet {string.Join(' ', args)} exited {exit}: {stderr}");
        best = clock.Elapsed < best ? clock.Elapsed : best;
    }

    return best;
}

static string Header() =>
    $"{"store",-9} {"devices",8} {"run s",7} {"events",7} {"events/s",9} {"lag s",6} {"read s",7} {"(cpu)",6} {"catch-up s",11} {"(cpu)",6} {"show s",7} {"show json s",12}";

static string Row(string kind, int n, TimeSpan run, long events, TimeSpan lag, TimeSpan read, TimeSpan readCpu, TimeSpan catchUp, TimeSpan catchUpCpu, TimeSpan show, TimeSpan showJson) =>
    string.Create(CultureInfo.InvariantCulture,
        $"{kind,-9} {n,8} {run.TotalSeconds,7:0.00} {events,7} {events / run.TotalSeconds,9:0} {lag.TotalSeconds,6:0.00} {read.TotalSeconds,7:0.00} {readCpu.TotalSeconds,6:0.00} {catchUp.TotalSeconds,11:0.00} {catchUpCpu.TotalSeconds,6:0.00} {show.TotalSeconds,7:0.00} {showJson.TotalSeconds,12:0.00}");

string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

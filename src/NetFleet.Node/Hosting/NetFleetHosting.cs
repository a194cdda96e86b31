using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NetFleet.Actors;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Actors.Scheduling;

namespace NetFleet.Node.Hosting;

/// <summary>
/// The one composition root of a NetFleet actor system: the journal, then per role what starts. No roles is the
/// single-process <c>netfleet run</c> (device actors in this process, no remoting); any role makes a cluster member
/// with remoting and cluster on the node's address. <c>worker</c> hosts the device shard regions, <c>sensor</c> the
/// <see cref="SensorActor"/> at <c>/user/sensor</c>, <c>orchestrator</c> the <see cref="JobManager"/> and <see cref="ScheduleKeeper"/> singletons and a
/// <see cref="CaptureManager"/> (and, in <see cref="NetFleetHost"/>, the HTTP API). Handles are in the ActorRegistry:
/// <c>IRequiredActor&lt;JobManager&gt;</c> (the singleton's proxy), <c>&lt;CaptureManager&gt;</c>,
/// <c>&lt;DeviceRegistry&gt;</c> (single process only).
/// </summary>
public static class NetFleetHosting
{
    /// <summary>How long a device actor (and its SSH session) stays in a cluster when it has nothing to do.</summary>
    public static readonly TimeSpan DeviceIdleAfter = TimeSpan.FromMinutes(2);

    public const string JobManagerName = "job-manager";

    public const string ScheduleKeeperName = "schedule-keeper";

    /// <summary>A finished job's summary (every result) is one message to the API's node.</summary>
    private const long FrameBytes = 16 * 1024 * 1024;

    /// <summary>The actor system and what the node's services need beside it (its settings and store).</summary>
    /// <param name="overrides">HOCON over everything the composition sets (tests), or null.</param>
    public static IServiceCollection AddNetFleet(this IServiceCollection services, NodeSettings settings, JobStore store, Serilog.ILogger log,
        DeviceActorSettings devices, Config? overrides = null)
    {
        services.AddSingleton(settings);
        services.AddSingleton(store);
        services.AddAkka(NodeSettings.SystemName, akka =>
        {
            akka.AddNetFleet(settings, store, log, devices);
            // Prepended last, so it wins over every fragment above.
            if (overrides is not null) akka.AddHocon(overrides, HoconAddMode.Prepend);
        });
        return services;
    }

    public static AkkaConfigurationBuilder AddNetFleet(this AkkaConfigurationBuilder akka, NodeSettings settings, JobStore store, Serilog.ILogger log,
        DeviceActorSettings devices)
    {
        // JobRunner.SystemConfig carries the serializer bindings: the journal's and those of cross-node messages (WireFormat).
        akka.AddHocon(JobRunner.SystemConfig, HoconAddMode.Prepend)
            .AddHocon(PersistenceConfig(store), HoconAddMode.Prepend)
            .AddHocon(ScheduleJournal.SerializerConfig, HoconAddMode.Prepend);
        if (!settings.IsClusterMember)
        {
            return akka.WithActors((system, registry) =>
                registry.Register<DeviceRegistry>(system.ActorOf(DeviceRegistry.Props(devices, log), "devices")));
        }

        akka.WithRemoting(Remoting(settings))
            .WithClustering(Clustering(settings))
            .AddHocon(Roles(settings), HoconAddMode.Prepend)
            .AddHocon(ClusterTuning, HoconAddMode.Prepend)
            .AddHocon(settings.Discovery.ToConfig(), HoconAddMode.Prepend)
            .AddHocon(ClusterSharding.DefaultConfig(), HoconAddMode.Append)
            .AddHocon(ClusterSingleton.DefaultConfig(), HoconAddMode.Append)
            .AddHocon(DistributedPubSub.DefaultConfig(), HoconAddMode.Append);

        if (settings.Has(NodeSettings.Worker))
        {
            var affinities = settings.Affinities.Count == 0 ? [null] : settings.Affinities.Cast<Affinity?>().ToList();
            akka.WithActors((system, _) =>
            {
                foreach (var affinity in affinities) DeviceSharding.StartRegion(system, affinity, devices, log);
            });
        }

        if (settings.Has(NodeSettings.Sensor))
        {
            var info = new CaptureProtocol.SensorInfo(settings.SensorName, settings.SensorTags.Select(t => t.ToString()).ToList(),
                settings.SensorInterfaces, settings.SelfAddress);
            akka.WithActors((system, _) => system.ActorOf(SensorActor.Props(info, ClusterNode.CaptureDirectory), SensorActor.Name));
        }

        if (settings.Has(NodeSettings.Orchestrator))
        {
            akka.WithSingleton<JobManager>(JobManagerName, JobManager.Props(log, new Configs.ConfigArchive(settings.Configs)), new ClusterSingletonOptions { Role = NodeSettings.Orchestrator })
                .WithSingleton<ScheduleKeeper>(ScheduleKeeperName, (system, registry, _) =>
                    ScheduleKeeper.Props(registry.Get<JobManager>(), DistributedPubSub.Get(system).Mediator, log), new ClusterSingletonOptions { Role = NodeSettings.Orchestrator })
                .WithActors((system, registry) =>
                    registry.Register<CaptureManager>(system.ActorOf(CaptureManager.Props(NodeSettings.Sensor), CaptureManager.Name)));
        }

        return akka;
    }

    /// <summary>The node's address; TLS with mutual authentication when the node has a certificate (<see cref="RemoteTls"/>).</summary>
    private static RemoteOptions Remoting(NodeSettings settings)
    {
        var options = new RemoteOptions
        {
            HostName = settings.Hostname,
            Port = settings.Port,
            MaxFrameSize = FrameBytes,
            SendBufferSize = FrameBytes,
            ReceiveBufferSize = FrameBytes,
        };
        if (settings.RemoteTls is { } tls)
        {
            options.EnableSsl = true;
            options.Ssl = new SslOptions
            {
                CertificateOptions = new SslCertificateOptions { Path = tls.CertificatePath, Password = tls.Password ?? "" },
                SuppressValidation = tls.SuppressValidation,
                RequireMutualAuthentication = true,
            };
        }

        return options;
    }

    /// <summary>Seeds and the split brain resolver (keep-majority): see <see cref="ClusterTuning"/> for its timing.</summary>
    private static ClusterOptions Clustering(NodeSettings settings) => new()
    {
        // Cluster Bootstrap refuses to run beside configured seed nodes: it decides who seeds.
        SeedNodes = settings.Discovery.UsesBootstrap ? [] : settings.SeedNodes.Count == 0 ? [settings.SelfAddress] : [.. settings.SeedNodes],
        MinimumNumberOfMembers = 1,
        SplitBrainResolver = new KeepMajorityOption(),
    };

    /// <summary>The cluster roles, quoted: <see cref="ClusterOptions.Roles"/> writes them bare, and HOCON cannot read an
    /// affinity region's role (<c>devices@site=lon</c>) bare; its parser does not even return.</summary>
    private static Config Roles(NodeSettings settings) => ConfigurationFactory.ParseString(
        $"akka.cluster.roles = [{string.Join(", ", settings.ClusterRoles.Select(r => System.Text.Json.JsonSerializer.Serialize(r)))}]");

    /// <summary>Failure handling: heartbeats every 500 ms, a node is unreachable after 2 s of silence, and the split brain
    /// resolver downs it once the membership has been stable for 2 s; the singleton and the shards then move to the
    /// survivors.</summary>
    private static readonly Config ClusterTuning = ConfigurationFactory.ParseString($$"""
        akka.cluster {
          split-brain-resolver.stable-after = 2s
          failure-detector {
            heartbeat-interval = 500ms
            acceptable-heartbeat-pause = 2s
          }
          sharding {
            # The shard sends an idle device entity DeviceEntity.Stop; it stops after its in-flight work. One check per
            # shard, not a receive-timeout timer per entity.
            passivate-idle-entity-after = {{(int)DeviceIdleAfter.TotalSeconds}}s
            rebalance-interval = 2s
            handoff-timeout = 90s
          }
          pub-sub.send-to-dead-letters-when-no-subscribers = off
        }
        """);

    /// <summary>The journal, snapshot store and read journal on one database; polled every 100 ms.</summary>
    public static Config PersistenceConfig(JobStore store)
    {
        var connection = Quote(store.ConnectionString);
        var provider = Quote(store.ProviderName);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = on
                  # SQLite has one writer: a 5,000-device job's snapshot (16,000 events) held the journal's next write
                  # past the 10 s default, the write failed and the job stopped.
                  circuit-breaker.call-timeout = 60s
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = on
                  circuit-breaker.call-timeout = 60s
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                connection-string = {{connection}}
                provider-name = {{provider}}
                refresh-interval = 100ms
                journal-sequence-retrieval.query-delay = 100ms
              }
            }
            """);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

using Akka.Actor;
using NetFleet.Actors.Capture;
using NetFleet.Actors.Devices;
using NetFleet.Actors.Jobs;
using NetFleet.Actors.Scheduling;
using NetFleet.Capture;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Core.Results;
using NetFleet.Devices;
using static NetFleet.Actors.Capture.CaptureProtocol;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Tests.Wire;

/// <summary>One instance of every wire message, with every settable property set to something other than its default,
/// so a field the serializer drops shows up as a difference.</summary>
internal static class WireSamples
{
    public const string Password = "pw-Ssh-3f9a";
    public const string Passphrase = "pp-Key-77c1";
    public const string EnableSecret = "en-Secret-0b2e";
    public const string JumpPassword = "pw-Jump-a4d8";
    public const string Community = "co-Snmp-19f0";
    public const string AuthPassword = "au-Snmp-c2d4";
    public const string PrivPassword = "pr-Snmp-e6a9";

    public static IReadOnlyList<string> Secrets => [Password, Passphrase, EnableSecret, JumpPassword, Community, AuthPassword, PrivPassword];

    private static readonly DateTimeOffset At = new(2026, 12, 3, 9, 15, 42, 123, TimeSpan.FromHours(1));

    public static readonly DeviceConnectionOptions Connection = new("127.0.0.5", "cisco_ios",
        new SshCredentials("admin") { Password = Password, PrivateKeyPath = "/keys/id_ed25519", PrivateKeyPassphrase = Passphrase })
    {
        Name = "ios-1",
        Port = 2222,
        NetconfPort = 8830,
        EnableSecret = EnableSecret,
        KnownHostsPath = "/tmp/known_hosts",
        TrustNewHostKeys = true,
        JumpHost = new JumpHostOptions("bastion", new SshCredentials("jump") { Password = JumpPassword, PrivateKeyPath = "/k", PrivateKeyPassphrase = Passphrase }) { Port = 2200 },
        ConnectTimeout = TimeSpan.FromSeconds(7),
        CommandTimeout = TimeSpan.FromSeconds(45),
        DisablePaging = false,
        PreferSntrup761KeyExchange = true,
        ConfigSessionName = "nf-1",
    };

    private static readonly SnmpEndpoint Endpoint = new("127.0.0.5", 1161, Community,
        new SnmpV3Credentials("nf", "sha256", AuthPassword, "aes128", PrivPassword)) { Problem = "none really", Timeout = 0.5, Retries = 4 };

    /// <summary>One of each device request type, as a device module prepares it.</summary>
    public static IReadOnlyList<DeviceRequest> DeviceRequests =>
    [
        new SendCommand("show version", "cisco_ios_show_version", "Version"),
        new ApplyConfig(["ntp server 192.0.2.1", "logging host 192.0.2.2"], true)
        {
            ConfirmMinutes = 5, Transaction = "nf-abc", Strategy = "replace", Backup = "hostname r1\n",
        },
        new ConfirmConfig("nf-abc", true, "replace"),
        new RestoreConfig("hostname r1\n", "flash:nf-abc.cfg", "nf-abc"),
        new ReadConfig(),
        new CheckCompliance([new ComplianceCommand("loopback-up", "show ip interface brief")]),
        new BackupConfig(true),
        new SnmpGet(["1.3.6.1.2.1.1.5.0"]) { Version = "v3", Endpoint = Endpoint },
        new SnmpWalk("1.3.6.1.2.1.2.2", true) { Version = "v2c", Endpoint = Endpoint },
        new SnmpSet([new SnmpSetValue("1.3.6.1.2.1.1.6.0", "string", "lab")]) { Version = "v3", Endpoint = Endpoint },
        new SnmpPoll(["1.3.6.1.2.1.2.2.1.10.1"], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)) { Version = "v3", Endpoint = Endpoint },
        new NetconfGet("running", "<interfaces/>", "/if:interfaces") { Namespaces = new Dictionary<string, string> { ["if"] = "urn:ietf:params:xml:ns:yang:ietf-interfaces" } },
        new NetconfEditConfig("<configuration><system><host-name>r1</host-name></system></configuration>", "candidate", "merge", "rollback-on-error")
        {
            ConfirmMinutes = 5, Transaction = "netfleet-abc", Strategy = "replace", Backup = "<data/>",
        },
        new NetconfReadConfig(),
        new NetconfConfirm("netfleet-abc", "confirmed-commit"),
        new NetconfRestore("<data/>", "netfleet-abc", "confirmed-commit"),
        new ProbeTargets([new ProbeTarget("127.0.0.5:22", "127.0.0.5", 22)], "udp", 3, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), true)
        {
            Namespace = "nf-r1",
        },
    ];

    public static RunDeviceRequest Run(DeviceRequest request) =>
        new("ios-1", 42, "job-1", Connection, request, true, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(30));

    /// <summary>Module data as the device actors build it: integers widen to long on the wire, doubles stay doubles.</summary>
    public static IReadOnlyDictionary<string, object?> Data => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["sent"] = 3L,
        ["loss_percent"] = 100.0,
        ["rtt_avg_ms"] = 0.125,
        ["counter64"] = ulong.MaxValue,
        ["missing"] = null,
        ["ok"] = true,
        ["targets"] = new List<object?> { new Dictionary<string, object?>(StringComparer.Ordinal) { ["target"] = "127.0.0.5:22", ["sent"] = 3L } },
    };

    private static readonly TrafficSummary Summary = new(At, At.AddSeconds(2), 10, 1500, 1400, 5.5, 750.25,
        new ProtocolMix(new Counter(9, 1400), new Counter(1, 100), new Counter(2, 84), new Counter(3, 30), new Counter(8, 1300),
            new Counter(1, 100), new Counter(1, 84), new Counter(4, 16)),
        [new ServiceCount("ssh", "tcp", 22, 8, 1300)], [new Talker("127.0.0.5", 8, 1300, 700, 600)],
        [new Conversation("tcp", "127.0.0.1", 50000, "127.0.0.5", 22, 8, 1300)], new TcpFlagCounts(1, 1, 1, 1, 4), 2)
    {
        Bgp = new BgpMessageCounts(1, 2, 3, 4, 5),
    };

    private static readonly RequestCapture Request = new("lab-sensor", ["site=lab"], "lo")
    {
        Filter = "tcp port 22", DurationSeconds = 1.5, MaxPackets = 100, MaxBytes = 10_000, SnapLength = 96, Promiscuous = true,
        RotateFileBytes = 1_000_000, RotateFileCount = 3,
    };

    private static readonly CaptureDrops Drops = new(11, 1, 2, 3);

    private static readonly CaptureProgress Progress = new(TimeSpan.FromSeconds(2), 4, 400, 2.5, 250.5, Drops, Summary);

    private static readonly CaptureResult Result = new("lo", "tcp port 22", CaptureStopReason.Duration, "a warning", TimeSpan.FromSeconds(2),
        Summary, Drops, ["/captures/cap-1/cap-1.pcap"], 1);

    private static readonly CaptureView View = new("cap-1", "lab-sensor", "akka.tcp://netfleet@127.0.0.1:4056", "lo", "tcp port 22",
        CaptureStatus.Finished, "an error", At, Progress, Result);

    private static readonly TaskResult TaskResult = new("job-1", "ios-1", 1, 2, "set ntp", "config", TaskOutcome.Changed, At, TimeSpan.FromSeconds(3))
    {
        Output = "ok", Parsed = new List<object?> { Data }, Diff = "+ntp server 192.0.2.1", Message = "fine", Item = "192.0.2.1", Ignored = true,
        Transaction = "replace",
    };

    /// <summary>Every message of <see cref="NetFleet.Actors.Wire.WireFormat.Messages"/>; <paramref name="actor"/> stands for any actor
    /// reference a message carries, <paramref name="address"/> for a node's address.</summary>
    public static IReadOnlyList<object> Messages(IActorRef actor, Address address) =>
    [
        .. DeviceRequests.Select(Run),
        new CloseSession("ios-1"),
        new GetSessionStatus("ios-1"),
        new SessionStatus("ios-1", true, true, 3),
        new DeviceRequestAccepted("ios-1", "job-1", 42, address),
        new DeviceRequestCompleted("ios-1", 42, "Version 15", true, "+ntp", TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(5))
        {
            Data = Data, Strategy = "merge",
        },
        new DeviceRequestFailed("ios-1", 42, FailureKind.TimedOut, "no prompt", TimeSpan.FromSeconds(30), 2),
        DeviceEntity.Stop.Instance,

        GetSensorInfo.Instance,
        new SensorInfo("lab-sensor", ["site=lab"], ["lo", "nf-r1/eth1"], "akka.tcp://netfleet@127.0.0.1:4056"),
        Request,
        new CaptureAccepted(View),
        new CaptureRefused("no sensor"),
        new StopCapture("cap-1"),
        ListCaptures.Instance,
        ListSensors.Instance,
        new GetCapture("cap-1"),
        new FollowCapture("cap-1"),
        ListSensorCaptures.Instance,
        new SensorCaptures([new SensorCapture("cap-1", "lo", "tcp port 22", CaptureStatus.Running, "an error", At, Progress, Result)]),
        new LocateCapture("cap-1"),
        new CaptureLocated("cap-1", actor),
        new StartCapture("cap-1", Request, actor),
        new CaptureStarted("cap-1"),
        new CaptureProgressed("cap-1", Progress),
        new CaptureProtocol.CaptureFinished("cap-1", Result),
        new CaptureFailed("cap-1", "interface went away"),
        new ReadFileChunk("cap-1", "cap-1.pcap", 65536, 4096),
        new FileChunk([0xd4, 0xc3, 0xb2, 0xa1, 0x00], true),
        View,
        new SensorView("lab-sensor", ["site=lab"], ["lo"], "akka.tcp://netfleet@127.0.0.1:4056", 2),

        new JobManagerProtocol.JobAccepted("job-1"),
        new JobManagerProtocol.JobRejected("job-1", "playbook.yml:3:5: unknown module"),
        new JobManagerProtocol.CancelJob("job-1", "alice"),
        new JobManagerProtocol.CancelAccepted("job-1"),
        new JobManagerProtocol.GetJobStatus("job-1"),
        new JobManagerProtocol.JobStatus("job-1", true),

        new ScheduleProtocol.AddSchedule("nightly", "alice", "0 2 * * *", "Europe/Paris",
            new ScheduleJournal.ScheduledJob("playbooks/ntp.yaml", "- hosts: all\n", "/srv/inventory", "ios-1", "/tmp/known_hosts"), "skip", "queue"),
        new ScheduleProtocol.PauseSchedule("nightly", "alice"),
        new ScheduleProtocol.ResumeSchedule("nightly", "alice"),
        new ScheduleProtocol.RemoveSchedule("nightly", "alice"),
        new ScheduleProtocol.ScheduleDone("nightly"),
        new ScheduleProtocol.ScheduleRefused("nightly", "no schedule nightly") { Unknown = true },
        new ScheduleProtocol.ListSchedules(true),
        new ScheduleProtocol.ScheduleList([new ScheduleProtocol.ScheduleView("nightly", "0 2 * * *", "Europe/Paris", "playbooks/ntp.yaml", "/srv/inventory",
            "ios-1", "skip", "queue", "paused", "alice", At, At.AddDays(1), "s-nightly-20261203T010000Z", At.AddHours(1),
            [new ScheduleProtocol.SlotView(At, "s-nightly-20261203T010000Z", "skipped", "job x still runs")])]),

        new JobStarted("job-1", At, "site.yml", ["ios-1", "eos-1"], 4),
        new PlayStarted("job-1", At, 1, "ntp", ["ios-1"]),
        new Core.Results.BatchStarted("job-1", At, 1, 2, 3, ["ios-1"]),
        new Core.Results.TaskStarted("job-1", At, "ios-1", 1, 2, "set ntp"),
        new Core.Results.TaskFinished("job-1", At, TaskResult),
        new Core.Results.JobFinished("job-1", At, new JobSummary("job-1", JobOutcome.Halted, [TaskResult],
            [new HostRecap("ios-1", 1, 2, 3, 4, 5) { Transactions = "replace,merge" }], At, TimeSpan.FromMinutes(1)) {
            HaltReason = "max_fail_percentage", Archive = new ArchiveSummary("0123456789abcdef", ["ios-1"], ["ios-1"], "none really"),
        }),
        new CaptureProgressReported("job-1", At, 1, 2, "cap-1", "lab-sensor", "lo", 1.5, 10, 1500, 5.5, 6000.5, 8, 1, 1, 1, 1, 2, "127.0.0.5"),
        new Core.Results.ApprovalRequested("job-1", At, 1, 2, 3, ["ios-1"]),
        new ApprovalGranted("job-1", At, 1, 2, "alice"),
    ];
}

using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using DiffPlex;
using NetFleet.Core.Playbooks.Modules;
using NetFleet.Devices;
using NetFleet.Devices.Netconf;
using NetFleet.Snmp;
using static NetFleet.Actors.Devices.DeviceProtocol;

namespace NetFleet.Actors.Devices;

/// <summary>Which part of a <see cref="DeviceActor"/> carries a request out.</summary>
public enum DeviceLane
{
    /// <summary>The device's SSH session, one request at a time, by its driver.</summary>
    Session,
    /// <summary>The device's SNMP session (<see cref="DeviceSnmpActor"/>): datagrams, side by side with the SSH session.</summary>
    Snmp,
    /// <summary>From the node hosting the device actor, never touching the device's sessions (probes).</summary>
    Local,
    /// <summary>The device's NETCONF session (<see cref="DeviceNetconfActor"/>), beside the SSH CLI session.</summary>
    Netconf,
}

/// <summary>What a session-lane request got from the device.</summary>
/// <param name="Strategy">How a configuration change was made (replace, merge, none); null for anything else.</param>
internal sealed record SessionAnswer(string? Output, bool Changed = false, string? Diff = null, string? Strategy = null)
{
    /// <summary>Structured results beside the output (a NETCONF reply's records), merged into the task's registered result.</summary>
    public IReadOnlyDictionary<string, object?>? Data { get; init; }
}

/// <summary>
/// The one registration of every <see cref="DeviceRequest"/> type a device module prepares: its name on the wire, its
/// lane and how it is carried out. A new device module is its module class (in Core) plus one line in <see cref="Table"/>; the device
/// actor, its session and the orchestrator route by this table and never branch on request types.
/// </summary>
internal static class DeviceOperations
{
    /// <param name="WireName">The request's versioned name when it crosses nodes (<c>send-command.v1</c>); a new shape gets a
    /// new version and the old name stays readable.</param>
    internal abstract record Operation(string WireName, DeviceLane Lane);

    internal sealed record SessionOperation(string WireName, Func<IDeviceDriver, RunDeviceRequest, CancellationToken, Task<SessionAnswer>> Run)
        : Operation(WireName, DeviceLane.Session);

    /// <param name="Run">Null for a request the SNMP session runs over time itself (a poll's samples).</param>
    internal sealed record SnmpOperation(string WireName,
        Func<ISnmpManager, SnmpTarget, RunDeviceRequest, Task<(IReadOnlyList<Variable> Variables, bool Changed)>>? Run)
        : Operation(WireName, DeviceLane.Snmp);

    internal sealed record NetconfOperation(string WireName, Func<INetconfSession, RunDeviceRequest, CancellationToken, Task<SessionAnswer>> Run)
        : Operation(WireName, DeviceLane.Netconf);

    internal sealed record LocalOperation(string WireName, Func<RunDeviceRequest, CancellationToken, Task<object>> Run)
        : Operation(WireName, DeviceLane.Local);

    private static readonly Dictionary<Type, Operation> Table = new()
    {
        [typeof(SendCommand)] = new SessionOperation("send-command.v1", (driver, run, ct) => SendAsync(driver, (SendCommand)run.Request, run.Timeout, ct)),
        [typeof(ApplyConfig)] = new SessionOperation("apply-config.v1", (driver, run, ct) => ApplyAsync(driver, (ApplyConfig)run.Request, run.Check, ct)),
        [typeof(ConfirmConfig)] = new SessionOperation("confirm-config.v1", (driver, run, ct) => ConfirmAsync(driver, (ConfirmConfig)run.Request, ct)),
        [typeof(RestoreConfig)] = new SessionOperation("restore-config.v1", async (driver, run, ct) =>
        {
            var restore = (RestoreConfig)run.Request;
            return new SessionAnswer(await driver.RestoreConfigAsync(restore.Backup, restore.RestorePoint, ct));
        }),
        [typeof(ReadConfig)] = new SessionOperation("read-config.v1", async (driver, run, ct) =>
            new SessionAnswer((await driver.RunCommandAsync(driver.Platform.LineConfigCommand, run.Timeout, ct)).Output)),
        [typeof(CheckCompliance)] = new SessionOperation("check-compliance.v1", (driver, run, ct) => CheckComplianceAsync(driver, (CheckCompliance)run.Request, run.Timeout, ct)),
        [typeof(BackupConfig)] = new SessionOperation("backup-config.v1", (driver, run, ct) => ConfigBackup.ReadAsync(driver, (BackupConfig)run.Request, run.Timeout, ct)),
        [typeof(SnmpGet)] = new SnmpOperation("snmp-get.v1", (manager, target, run) => SnmpGetAsync(manager, target, (SnmpGet)run.Request)),
        [typeof(SnmpWalk)] = new SnmpOperation("snmp-walk.v1", (manager, target, run) => SnmpWalkAsync(manager, target, (SnmpWalk)run.Request)),
        [typeof(SnmpSet)] = new SnmpOperation("snmp-set.v1", (manager, target, run) => SnmpSetAsync(manager, target, (SnmpSet)run.Request, run.Check)),
        [typeof(SnmpPoll)] = new SnmpOperation("snmp-poll.v1", null),
        [typeof(NetconfGet)] = new NetconfOperation("netconf-get.v1", (session, run, ct) => NetconfOperations.GetAsync(session, (NetconfGet)run.Request, ct)),
        [typeof(NetconfReadConfig)] = new NetconfOperation("netconf-read-config.v1", (session, _, ct) => NetconfOperations.ReadAsync(session, ct)),
        [typeof(NetconfEditConfig)] = new NetconfOperation("netconf-edit-config.v1",
            (session, run, ct) => NetconfOperations.EditAsync(session, (NetconfEditConfig)run.Request, run.Check, ct)),
        [typeof(NetconfConfirm)] = new NetconfOperation("netconf-confirm.v1", (session, run, ct) => NetconfOperations.ConfirmAsync(session, (NetconfConfirm)run.Request, ct)),
        [typeof(NetconfRestore)] = new NetconfOperation("netconf-restore.v1", (session, run, ct) => NetconfOperations.RestoreAsync(session, (NetconfRestore)run.Request, ct)),
        [typeof(ProbeTargets)] = new LocalOperation("probe-targets.v1", (run, ct) => DeviceProbes.RunAsync(run, (ProbeTargets)run.Request, ct)),
    };

    /// <summary>Every registered request type.</summary>
    public static IReadOnlyCollection<Type> RequestTypes => Table.Keys;

    /// <summary>Each request type's name on the wire (<see cref="Wire.WireFormat.DeviceRequests"/>).</summary>
    public static IReadOnlyDictionary<Type, string> WireNames { get; } = Table.ToDictionary(t => t.Key, t => t.Value.WireName);

    /// <summary>The registration of <paramref name="request"/>'s type; null when no module registered it.</summary>
    public static Operation? For(DeviceRequest request) => Table.GetValueOrDefault(request.GetType());

    public static DeviceLane LaneOf(DeviceRequest request) => For(request)?.Lane ?? DeviceLane.Session;

    private static async Task<SessionAnswer> SendAsync(IDeviceDriver driver, SendCommand send, TimeSpan? timeout, CancellationToken ct)
    {
        var result = await driver.RunCommandAsync(send.Command, timeout, ct);
        if (send.Expect is { } expect && !Regex.IsMatch(result.Output, expect, RegexOptions.Multiline, TimeSpan.FromSeconds(1)))
        {
            throw new ExpectationFailedException($"{driver.Device}: output of '{send.Command}' does not match '{expect}'");
        }

        return new SessionAnswer(result.Output);
    }

    /// <summary>The running configuration in line form (the output) and each rule's command; a command the device refuses
    /// fails only its rule, so one unsupported command does not hide every other verdict.</summary>
    private static async Task<SessionAnswer> CheckComplianceAsync(IDeviceDriver driver, CheckCompliance check, TimeSpan? timeout, CancellationToken ct)
    {
        var config = (await driver.RunCommandAsync(driver.Platform.LineConfigCommand, timeout, ct)).Output;
        var outputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        var errors = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var command in check.Commands)
        {
            try
            {
                outputs[command.Rule] = (await driver.RunCommandAsync(command.Command, timeout, ct)).Output;
            }
            catch (CommandRejectedException e)
            {
                errors[command.Rule] = e.Message;
            }
        }

        return new SessionAnswer(config)
        {
            Data = new Dictionary<string, object?>(StringComparer.Ordinal) { [CheckCompliance.OutputsKey] = outputs, [CheckCompliance.ErrorsKey] = errors },
        };
    }

    /// <summary>A change: compared only in check mode; under its transaction when it has one (with <c>replace</c>, live but
    /// unconfirmed, the output being where the device keeps the configuration from before); else entered as it is.</summary>
    private static async Task<SessionAnswer> ApplyAsync(IDeviceDriver driver, ApplyConfig apply, bool check, CancellationToken ct)
    {
        if (check) return await CompareAsync(driver, apply, ct);
        if (apply is { ConfirmMinutes: { } minutes, Transaction: { } name })
        {
            var transaction = new ConfigTransaction(name, minutes) { Strategy = ConfigStrategies.Parse(apply.Strategy), Backup = apply.Backup };
            var made = await driver.ApplyTransactionAsync(apply.Lines, transaction, ct);
            return new SessionAnswer(made.RestorePoint, made.Changed, made.Diff, made.Strategy?.Name());
        }

        var result = await driver.ApplyConfigAsync(apply.Lines, ct);
        var output = apply.Save ? await SaveAsync(driver, ct) : null;
        return new SessionAnswer(output, result.Changed, result.Diff);
    }

    private static async Task<SessionAnswer> ConfirmAsync(IDeviceDriver driver, ConfirmConfig confirm, CancellationToken ct)
    {
        await driver.ConfirmConfigAsync(new ConfigTransaction(confirm.Transaction, 0) { Strategy = ConfigStrategies.Parse(confirm.Strategy) }, ct);
        return new SessionAnswer(confirm.Save ? await SaveAsync(driver, ct) : null, true, null, confirm.Strategy);
    }

    private static async Task<string?> SaveAsync(IDeviceDriver driver, CancellationToken ct) =>
        driver.Platform.SaveConfigCommand is { } save ? (await driver.RunCommandAsync(save, null, ct)).Output : null;

    /// <summary>Check mode: the lines missing from the running configuration (compared the platform's way, section-aware)
    /// are the change the task would make.</summary>
    private static async Task<SessionAnswer> CompareAsync(IDeviceDriver driver, ApplyConfig apply, CancellationToken ct)
    {
        var running = (await driver.RunCommandAsync(driver.Platform.LineConfigCommand, null, ct)).Output;
        var missing = driver.Platform.PendingLines(apply.Lines, running);
        if (missing.Count == 0) return new SessionAnswer(null);

        var before = string.Join('\n', running.Split('\n').Select(l => l.TrimEnd()));
        var after = before + "\n" + string.Join('\n', missing);
        var diff = Differ.Instance.CreateLineDiffs(before, after, ignoreWhitespace: true);
        var added = diff.DiffBlocks.SelectMany(b => diff.PiecesNew.Skip(b.InsertStartB).Take(b.InsertCountB)).Select(l => "+ " + l);
        return new SessionAnswer(null, true, string.Join('\n', added));
    }

    private static async Task<(IReadOnlyList<Variable> Variables, bool Changed)> SnmpGetAsync(ISnmpManager manager, SnmpTarget target, SnmpGet get) =>
        (await manager.GetAsync(target, get.Oids.Select(Oid.Parse).ToList()).ConfigureAwait(false), false);

    private static async Task<(IReadOnlyList<Variable> Variables, bool Changed)> SnmpWalkAsync(ISnmpManager manager, SnmpTarget target, SnmpWalk walk)
    {
        var root = Oid.Parse(walk.Oid);
        var variables = new List<Variable>();
        var walked = walk.Bulk ? manager.BulkWalkAsync(target, root) : manager.WalkAsync(target, root);
        await foreach (var variable in walked.ConfigureAwait(false)) variables.Add(variable);
        return (variables, false);
    }

    /// <summary>Reads first and writes only what differs, so a rerun changes nothing; check mode stops after the read.</summary>
    private static async Task<(IReadOnlyList<Variable> Variables, bool Changed)> SnmpSetAsync(ISnmpManager manager, SnmpTarget target, SnmpSet set,
        bool check)
    {
        var wanted = set.Values.Select(v => new Variable(Oid.Parse(v.Oid), ValueOf(v))).ToList();
        var current = await manager.GetAsync(target, wanted.Select(w => w.Oid).ToList()).ConfigureAwait(false);
        var differing = wanted.Where((w, i) => !Equals(w.Value, current[i].Value)).ToList();
        if (differing.Count == 0) return (current, false);
        if (check) return (wanted, true);
        await manager.SetAsync(target, differing).ConfigureAwait(false);
        return (await manager.GetAsync(target, wanted.Select(w => w.Oid).ToList()).ConfigureAwait(false), true);
    }

    private static SnmpValue ValueOf(SnmpSetValue value) =>
        (value.Type, SnmpSetModule.Invalid(value.Type, value.Value)) switch
        {
            (_, { } problem) => throw new FormatException($"{MibNames.Format(Oid.Parse(value.Oid))}: {problem}"),
            ("integer", _) => new Integer32(int.Parse(value.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
            ("ipaddress", _) => new Snmp.IpAddress(IPAddress.Parse(value.Value)),
            ("oid", _) => new ObjectIdentifier(MibNames.Parse(value.Value)),
            _ => SnmpValue.FromString(value.Value),
        };
}

/// <summary>The output did not match the task's <c>expect</c>: the command ran, so the session stays usable.</summary>
internal sealed class ExpectationFailedException(string message) : Exception(message);
